package io.portcullis.engine.replay;

import io.lettuce.core.SetArgs;
import io.portcullis.engine.Sha256;
import io.portcullis.engine.cluster.RedisStore;
import java.time.Duration;
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

    /** @param scope a namespace for the keys ({@code wss}): guards of one scope share their memory */
    public RedisReplayGuard(RedisStore store, String scope) {
        this.store = store;
        this.prefix = "portcullis:replay:" + scope + ":";
    }

    @Override
    public Verdict check(String id, Duration keepFor) {
        // Relative expiry (PX): the Redis host's clock may differ from ours.
        try {
            String answer = store.commands().set(prefix + Sha256.base64Url(id), "1",
                    SetArgs.Builder.nx().px(Math.max(keepFor.toMillis(), 1)));
            return "OK".equals(answer) ? Verdict.FIRST_SEEN : Verdict.REPLAYED;
        } catch (RuntimeException e) {
            store.failed(e);
            LOG.error("replay guard: Redis at {} did not answer ({}); refusing the message", store.address(), e.toString());
            return Verdict.UNAVAILABLE;
        }
    }
}
