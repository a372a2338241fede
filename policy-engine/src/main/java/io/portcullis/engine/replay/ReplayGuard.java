package io.portcullis.engine.replay;

import java.time.Instant;

/**
 * Remembers message identifiers (a signature value, a UsernameToken nonce, a token id) until they
 * expire, so a captured message cannot be sent again while it would still be accepted.
 *
 * <p>The check and the insert are one step: of two identical messages arriving at once, exactly
 * one is first. An implementation that cannot remember (full, or its store unreachable) answers
 * {@code false}: a replay guard that fails open protects nothing.
 */
public interface ReplayGuard {

    /**
     * @param id        what identifies the message; any length, never logged
     * @param expiresAt after this the message would be refused as stale anyway, so it can be forgotten
     * @return true when {@code id} was not seen before (and is now remembered), false for a replay
     *         or when the guard cannot tell
     */
    boolean firstSeen(String id, Instant expiresAt);
}
