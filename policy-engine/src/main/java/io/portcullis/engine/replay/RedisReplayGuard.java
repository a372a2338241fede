package io.portcullis.engine.replay;

import io.lettuce.core.SetArgs;
import io.portcullis.engine.Sha256;
import io.portcullis.engine.cluster.RedisStore;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplayGuard} shared by every gateway node through Redis: a message accepted by one node
 * is a replay on all the others. One {@code SET key NX PX ttl} per message, so the check and
 * the insert stay one atomic step across nodes; keys are SHA-256 digests under a prefix and expire
 * by themselves. When Redis does not answer in time the verdict is {@link Verdict#UNAVAILABLE}
 * (the message is refused), never a guess.
 */
public final class RedisReplayGuard implements ReplayGuard {

    private static final Logger LOG = LoggerFactory.getLogger(RedisReplayGuard.class);

    private final RedisStore store;
    private final String prefix;
    private final Clock clock;

    /** @param scope a namespace for the keys ({@code wss}): guards of one scope share their memory */
    public RedisReplayGuard(RedisStore store, String scope, Clock clock) {
        this.store = store;
        this.prefix = "portcullis:replay:" + scope + ":";
        this.clock = clock;
    }

    @Override
    public Verdict check(String id, Instant expiresAt) {
        // Relative expiry: the Redis host's clock may differ from ours.
        long keepFor = Math.max(expiresAt.toEpochMilli() - clock.millis(), 1);
        try {
            String answer = store.commands().set(prefix + Sha256.base64Url(id), "1", SetArgs.Builder.nx().px(keepFor));
            return "OK".equals(answer) ? Verdict.FIRST_SEEN : Verdict.REPLAYED;
        } catch (RuntimeException e) {
            store.failed(e);
            LOG.error("replay guard: Redis at {} did not answer ({}); refusing the message", store.address(), e.toString());
            return Verdict.UNAVAILABLE;
        }
    }
}
