package io.portcullis.engine.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.portcullis.engine.model.Obligation;

/** The one way a rate-limit obligation becomes a Bucket4j bucket, and a probe an outcome, in every store. */
final class BucketConfigurations {

    private BucketConfigurations() {
    }

    /** A bucket's identity: its limit's name, key and shape, so a rule that changes the shape starts a fresh bucket. */
    static String id(Obligation.RateLimit limit) {
        return limit.name() + "|" + limit.capacity() + "/" + limit.period().toMillis() + "|" + limit.key();
    }

    static BucketConfiguration of(Obligation.RateLimit limit) {
        return BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()))
                .build();
    }

    static RateLimiter.Outcome outcome(ConsumptionProbe probe) {
        return new RateLimiter.Outcome(probe.isConsumed(), probe.getRemainingTokens(), seconds(probe.getNanosToWaitForReset()),
                probe.isConsumed() ? 0 : Math.max(1, seconds(probe.getNanosToWaitForRefill())), false);
    }

    /** Whole seconds, rounded up; saturating ("never", for a cost above the capacity, stays huge instead of overflowing). */
    static long seconds(long nanos) {
        return nanos >= Long.MAX_VALUE - 1_000_000_000L ? Long.MAX_VALUE / 1_000_000_000L : (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
