package io.portcullis.engine.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.model.Obligation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis, so every gateway node counts against one limit. All the limits on a call are
 * counted in one script, one round trip, all or none: a call a later limit refuses takes nothing
 * from the earlier ones, with no refund racing other nodes. The buckets are the same as this node's
 * own ({@link LocalRateLimiter}): {@code capacity} tokens refilled evenly over the period, timed by
 * Redis's clock (nodes' clocks may differ); a bucket expires once it would be full again.
 *
 * <p>When Redis cannot be asked, what happens is configured per kind of limit: by default a quota
 * refuses the call (fails closed: 503 {@code RATE_LIMIT_UNAVAILABLE}) and a spike arrest falls back
 * to this node's own bucket. Failures are counted ({@link #storeFailures}, shown on the admin health
 * endpoint) and logged at most once a minute.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final String PREFIX = "portcullis:bucket:";
    /**
     * KEYS: the buckets; ARGV: per bucket its capacity, period (µs) and the call's cost. A bucket is
     * a hash of its tokens and when they were counted; one not there is full. Returns 0 and, per
     * bucket, the tokens left and µs until full; or, refused, the index of the first bucket short,
     * the µs until it holds the cost, its tokens and µs until full, having taken nothing.
     */
    private static final RedisStore.Script CONSUME = RedisStore.Script.of("""
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local left = {}
            for i = 1, #KEYS do
              local capacity, period, cost = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
              local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
              local tokens = capacity
              if state[1] then
                tokens = math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * capacity / period)
              end
              if tokens < cost then
                return {i, math.ceil((cost - tokens) * period / capacity), math.floor(tokens),
                        math.ceil((capacity - tokens) * period / capacity)}
              end
              left[i] = tokens - cost
            end
            local result = {0}
            for i = 1, #KEYS do
              local capacity, period = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1])
              local untilFull = math.ceil((capacity - left[i]) * period / capacity)
              redis.call('HSET', KEYS[i], 'tokens', string.format('%.6f', left[i]), 'at', now)
              redis.call('PEXPIRE', KEYS[i], math.max(1, math.ceil(untilFull / 1000)))
              result[2 * i] = math.floor(left[i])
              result[2 * i + 1] = untilFull
            end
            return result
            """);

    private final RedisStore store;
    private final LocalRateLimiter fallback;
    private final boolean quotasFallBack;
    private final boolean spikeArrestsFallBack;
    private final AtomicLong storeFailures = new AtomicLong();
    private final io.portcullis.engine.Occasionally warnings = new io.portcullis.engine.Occasionally(Duration.ofMinutes(1));
    /** After a failure Redis is not asked again for a moment: a partition costs one timeout, not one per call. */
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

    /** Whether Redis is being left alone after a failure. */
    private boolean paused() {
        return System.nanoTime() - pausedUntil < 0;
    }

    @Override
    public List<Outcome> consumeAll(List<Obligation.RateLimit> limits) {
        if (!paused()) {
            String[] keys = new String[limits.size()];
            String[] arguments = new String[3 * limits.size()];
            for (int i = 0; i < limits.size(); i++) {
                Obligation.RateLimit limit = limits.get(i);
                keys[i] = PREFIX + BucketConfigurations.id(limit);
                arguments[3 * i] = Long.toString(limit.capacity());
                arguments[3 * i + 1] = Long.toString(periodMicros(limit));
                arguments[3 * i + 2] = Long.toString(limit.cost());
            }
            try {
                return outcomes(store.eval(CONSUME, ScriptOutputType.MULTI, keys, arguments), limits.size());
            } catch (RuntimeException e) {
                failed(e);
            }
        }
        // Redis is not asked: each limit as its kind says, on this node's bucket (given back if refused) or refused.
        return BucketConfigurations.allOrNone(limits, this::counted, limit -> {
            if (fallsBack(limit)) {
                fallback.refund(limit);
            }
        });
    }

    /** The outcomes {@link #CONSUME} returned: all allowed, or up to the first refusal. */
    private static List<Outcome> outcomes(List<Object> answer, int count) {
        int refusedAt = ((Long) answer.get(0)).intValue();
        if (refusedAt == 0) {
            List<Outcome> outcomes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                outcomes.add(new Outcome(true, (Long) answer.get(1 + 2 * i), seconds((Long) answer.get(2 + 2 * i)), 0, false));
            }
            return outcomes;
        }
        List<Outcome> outcomes = new ArrayList<>(refusedAt);
        for (int i = 1; i < refusedAt; i++) {
            // Limits before the refusal held enough; nothing was taken, and their state is not told.
            outcomes.add(new Outcome(true, 0, 0, 0, false));
        }
        outcomes.add(new Outcome(false, (Long) answer.get(2), seconds((Long) answer.get(3)),
                Math.max(1, seconds((Long) answer.get(1))), false));
        return outcomes;
    }

    private static long seconds(long micros) {
        return BucketConfigurations.seconds(micros * 1_000L);
    }

    private static long periodMicros(Obligation.RateLimit limit) {
        return Math.max(1, limit.period().toNanos() / 1_000L);
    }

    /** A limit counted by this node alone (Redis paused or failed), or refused, as its kind says. */
    private Outcome counted(Obligation.RateLimit limit) {
        storeFailures.incrementAndGet();
        return fallsBack(limit) ? fallback.consume(limit) : Outcome.storeUnavailable();
    }

    private boolean fallsBack(Obligation.RateLimit limit) {
        return limit.quota() ? quotasFallBack : spikeArrestsFallBack;
    }

    private void failed(RuntimeException e) {
        pausedUntil = System.nanoTime() + PAUSE_NANOS;
        store.failed(e);
        if (warnings.due()) {
            LOG.warn("rate limits: Redis could not be asked ({}); {} failures so far; quotas {}, spike arrests {}",
                    e.toString(), storeFailures.get(), quotasFallBack ? "count locally" : "refuse",
                    spikeArrestsFallBack ? "count locally" : "refuse");
        }
    }

    /** Calls for which Redis could not be asked, since start. */
    public long storeFailures() {
        return storeFailures.get();
    }
}
