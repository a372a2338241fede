package io.portcullis.engine.ratelimit;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.model.Obligation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis, so every gateway node counts against one limit (Bucket4j's compare-and-swap
 * protocol over Lettuce; a bucket expires once it would be full again). When Redis cannot be asked,
 * what happens is configured per kind of limit: by default a quota refuses the call (fails closed:
 * 503 {@code RATE_LIMIT_UNAVAILABLE}) and a spike arrest falls back to this node's own bucket.
 * Failures are counted ({@link #storeFailures}, shown on the admin health endpoint) and logged at
 * most once a minute.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final String PREFIX = "portcullis:rate:";

    private final RedisStore store;
    /** Built on the first call Redis can answer: the gateway may have started before Redis did. */
    private volatile ProxyManager<String> buckets;
    private final LocalRateLimiter fallback;
    private final boolean quotasFallBack;
    private final boolean spikeArrestsFallBack;
    private final AtomicLong storeFailures = new AtomicLong();
    private final io.portcullis.engine.Occasionally warnings = new io.portcullis.engine.Occasionally(Duration.ofMinutes(1));
    /** After a failure Redis is not asked again for a moment: a partition costs one timeout, not one per limit per call. */
    private static final long PAUSE_NANOS = Duration.ofSeconds(2).toNanos();
    private volatile long pausedUntil = System.nanoTime() - PAUSE_NANOS;

    /**
     * @param store               the cluster's Redis (the caller owns and closes it)
     * @param quotasFallBack      when Redis is down, count quotas locally instead of refusing
     * @param spikeArrestsFallBack when Redis is down, count spike arrests locally instead of refusing
     */
    public RedisRateLimiter(RedisStore store, boolean quotasFallBack, boolean spikeArrestsFallBack) {
        this.store = store;
        this.fallback = new LocalRateLimiter();
        this.quotasFallBack = quotasFallBack;
        this.spikeArrestsFallBack = spikeArrestsFallBack;
    }

    private ProxyManager<String> buckets() {
        ProxyManager<String> built = buckets;
        if (built == null) {
            synchronized (this) {
                if (buckets == null) {
                    buckets = Bucket4jLettuce.casBasedBuilder(store.binaryConnection())
                            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                            .build();
                }
                built = buckets;
            }
        }
        return built;
    }

    @Override
    public void refund(Obligation.RateLimit limit) {
        if (System.nanoTime() - pausedUntil < 0) {
            fallback.refund(limit);
            return;
        }
        try {
            buckets().getProxy(PREFIX + BucketConfigurations.id(limit), () -> BucketConfigurations.of(limit)).addTokens(limit.cost());
        } catch (RuntimeException e) {
            fallback.refund(limit);
        }
    }

    /** Whether Redis is being left alone after a failure. */
    public boolean paused() {
        return System.nanoTime() - pausedUntil < 0;
    }

    @Override
    public Outcome consume(Obligation.RateLimit limit) {
        if (paused()) {
            storeFailures.incrementAndGet();
            return (limit.quota() ? quotasFallBack : spikeArrestsFallBack) ? fallback.consume(limit) : Outcome.storeUnavailable();
        }
        try {
            return BucketConfigurations.outcome(buckets().getProxy(PREFIX + BucketConfigurations.id(limit),
                    () -> BucketConfigurations.of(limit)).tryConsumeAndReturnRemaining(limit.cost()));
        } catch (RuntimeException e) {
            pausedUntil = System.nanoTime() + PAUSE_NANOS;
            storeFailures.incrementAndGet();
            store.failed(e);
            boolean fallBack = limit.quota() ? quotasFallBack : spikeArrestsFallBack;
            if (warnings.due()) {
                LOG.warn("rate limits: Redis could not be asked ({}); {} failures so far; quotas {}, spike arrests {}",
                        e.toString(), storeFailures.get(), quotasFallBack ? "count locally" : "refuse",
                        spikeArrestsFallBack ? "count locally" : "refuse");
            }
            return fallBack ? fallback.consume(limit) : Outcome.storeUnavailable();
        }
    }

    /** Calls for which Redis could not be asked, since start. */
    public long storeFailures() {
        return storeFailures.get();
    }
}
