package io.portcullis.engine.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.portcullis.engine.model.Obligation;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets in this process: the embedded default, and the fallback for spike arrests when a
 * cluster's Redis is down. The number of buckets is bounded; past the bound, buckets that are full
 * again (whose callers have been quiet for a whole period) are dropped first, which changes nothing
 * for them, so an attacker who varies the key cannot exhaust memory.
 */
public final class LocalRateLimiter implements RateLimiter {

    /** Buckets kept before quiet ones are dropped. */
    public static final int DEFAULT_MAX_BUCKETS = 100_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;
    private final int maxBuckets;

    public LocalRateLimiter() {
        this(Clock.systemUTC(), DEFAULT_MAX_BUCKETS);
    }

    /** @param clock what time is (a test moves it on instead of waiting) */
    public LocalRateLimiter(Clock clock, int maxBuckets) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                java.time.Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.maxBuckets = maxBuckets;
    }

    /** Whether the limit's bucket holds enough for it now, without taking anything. */
    public boolean holdsEnough(Obligation.RateLimit limit) {
        Bucket bucket = buckets.get(BucketConfigurations.id(limit));
        return bucket == null || bucket.estimateAbilityToConsume(limit.cost()).canBeConsumed();
    }

    @Override
    public java.util.List<Outcome> consumeAll(java.util.List<Obligation.RateLimit> limits) {
        return BucketConfigurations.allOrNone(limits, this::consume, this::refund);
    }

    /** Gives back what {@link #consume} took, for a call a later limit refused. */
    public void refund(Obligation.RateLimit limit) {
        Bucket bucket = buckets.get(BucketConfigurations.id(limit));
        if (bucket != null) {
            bucket.addTokens(limit.cost());
        }
    }

    /** Takes the limit's cost from the bucket of its name and key, if the bucket holds enough. */
    public Outcome consume(Obligation.RateLimit limit) {
        if (buckets.size() >= maxBuckets) {
            dropQuietBuckets();
        }
        Bucket bucket = buckets.computeIfAbsent(BucketConfigurations.id(limit), id -> Bucket.builder()
                .addLimit(BucketConfigurations.bandwidth(limit))
                .withCustomTimePrecision(time)
                .build());
        return BucketConfigurations.outcome(bucket.tryConsumeAndReturnRemaining(limit.cost()));
    }

    /**
     * Buckets that are full again are as good as new: dropping them forgets nothing. Then, if need be,
     * any: a caller whose bucket is dropped starts full again, the price of bounded memory.
     */
    private void dropQuietBuckets() {
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Bucket> entry = it.next();
            long capacity = Long.parseLong(entry.getKey().substring(entry.getKey().indexOf('|') + 1, entry.getKey().indexOf('/')));
            if (entry.getValue().getAvailableTokens() >= capacity) {
                it.remove();
            }
        }
        // Down to nine tenths, so the next callers do not each pay for a pass over every bucket.
        int target = maxBuckets - Math.max(1, maxBuckets / 10);
        for (Iterator<String> it = buckets.keySet().iterator(); buckets.size() > target && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    int size() {
        return buckets.size();
    }
}
