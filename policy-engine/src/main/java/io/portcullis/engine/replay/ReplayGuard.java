package io.portcullis.engine.replay;

import java.time.Duration;

/**
 * Remembers message identifiers (a signature value, a UsernameToken nonce, a token id) until they
 * expire, so a captured message cannot be sent again while it would still be accepted.
 *
 * <p>The check and the insert are one step: of two identical messages arriving at once, exactly
 * one is first. A guard that cannot remember (full, or its store unreachable) says so with
 * {@link Verdict#UNAVAILABLE}, and the caller refuses: a replay guard that fails open protects nothing.
 */
public interface ReplayGuard {

    /** What the guard knows about an identifier. */
    enum Verdict {
        /** Not seen before, and now remembered until it expires. */
        FIRST_SEEN,
        /** Seen before and not yet expired: a replay. */
        REPLAYED,
        /** The guard cannot tell (full, or its shared store unreachable). */
        UNAVAILABLE
    }

    /**
     * @param id      what identifies the message; any length, never logged
     * @param keepFor how much longer the message would still be accepted (by the guard's clock, which
     *                is the gateway's), after which it is refused as stale anyway and can be forgotten
     */
    Verdict check(String id, Duration keepFor);
}
