package io.portcullis.engine.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.portcullis.engine.model.Obligation;

/**
 * What every store shares about a bucket: its identity and how seconds are rounded; and for the
 * local store, how an obligation becomes a Bucket4j bandwidth and a probe an outcome.
 */
final class BucketConfigurations {

    private BucketConfigurations() {
    }

    /**
     * {@link RateLimiter#consumeAll} for buckets taken one at a time: each in turn, and what the earlier ones
     * took given back when one refuses.
     */
    static java.util.List<RateLimiter.Outcome> allOrNone(java.util.List<Obligation.RateLimit> limits,
                                             java.util.function.Function<Obligation.RateLimit, RateLimiter.Outcome> consume,
                                             java.util.function.Consumer<Obligation.RateLimit> refund) {
        java.util.List<RateLimiter.Outcome> outcomes = new java.util.ArrayList<>(limits.size());
        for (int i = 0; i < limits.size(); i++) {
            RateLimiter.Outcome outcome = consume.apply(limits.get(i));
            outcomes.add(outcome);
            if (!outcome.allowed()) {
                for (int taken = 0; taken < i; taken++) {
                    refund.accept(limits.get(taken));
                }
                return outcomes;
            }
        }
        return outcomes;
    }

    /** A bucket's identity: its limit's name, key and shape, so a rule that changes the shape starts a fresh bucket. */
    static String id(Obligation.RateLimit limit) {
        return limit.name() + "|" + limit.capacity() + "/" + limit.period().toMillis() + "|" + limit.key();
    }

    static Bandwidth bandwidth(Obligation.RateLimit limit) {
        return Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build();
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
