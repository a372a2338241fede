package io.portcullis.engine.replay;

import io.portcullis.engine.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplayGuard} in this process's memory: right for one gateway node. Memory is bounded:
 * identifiers are kept as SHA-256 digests, and at most {@code capacity} of them; when that many
 * are still unexpired, new messages are refused (and logged) until some expire, because forgetting
 * a live identifier would let its message be replayed.
 */
public final class InMemoryReplayGuard implements ReplayGuard {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryReplayGuard.class);

    private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;
    private final AtomicLong nextPurgeMillis = new AtomicLong();

    public InMemoryReplayGuard(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public Verdict check(String id, Duration keepFor) {
        long now = clock.millis();
        if (expiries.size() >= capacity) {
            purgeExpired(now);
            if (expiries.size() >= capacity) {
                LOG.warn("replay guard full ({} unexpired identifiers): refusing new messages until some expire", capacity);
                return Verdict.UNAVAILABLE;
            }
        }
        long expiry = now + Math.max(keepFor.toMillis(), 1);
        boolean[] first = {false};
        expiries.compute(Sha256.base64Url(id), (key, known) -> {
            if (known == null || known <= now) {
                first[0] = true;
                return expiry;
            }
            return Math.max(known, expiry);
        });
        return first[0] ? Verdict.FIRST_SEEN : Verdict.REPLAYED;
    }

    /** Identifiers currently remembered (expired ones included until the next purge). */
    public int size() {
        return expiries.size();
    }

    private void purgeExpired(long now) {
        long due = nextPurgeMillis.get();
        // One purge per 100 ms at most: a full guard under a flood must not scan the map per message.
        if (now < due || !nextPurgeMillis.compareAndSet(due, now + 100)) {
            return;
        }
        expiries.values().removeIf(expiry -> expiry <= now);
    }
}
