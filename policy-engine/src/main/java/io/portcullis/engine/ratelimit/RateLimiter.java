package io.portcullis.engine.ratelimit;

import io.portcullis.engine.model.Obligation;

/**
 * Where rate-limit buckets live: in this process ({@link LocalRateLimiter}) or shared by every
 * gateway node through Redis ({@link RedisRateLimiter}). Thread-safe.
 */
public interface RateLimiter {

    /**
     * Takes every limit's cost, or none: one call against all the limits the rules set on it.
     *
     * @return an outcome per limit, in order, when all held enough; else the outcomes up to and
     *         including the first refusal, and nothing was taken
     */
    java.util.List<Outcome> consumeAll(java.util.List<Obligation.RateLimit> limits);

    /**
     * @param allowed           whether the call may go on
     * @param remaining         tokens left in the bucket
     * @param resetSeconds      seconds until the bucket is full again
     * @param retryAfterSeconds seconds until the bucket holds enough for this call; 0 when allowed
     * @param unavailable       the shared store could not be asked and the limit fails closed
     */
    record Outcome(boolean allowed, long remaining, long resetSeconds, long retryAfterSeconds, boolean unavailable) {

        /** Seconds a client is asked to wait while the store cannot count: an outage, not the limit's period. */
        static final long UNAVAILABLE_RETRY_SECONDS = 5;

        static Outcome storeUnavailable() {
            return new Outcome(false, 0, 0, UNAVAILABLE_RETRY_SECONDS, true);
        }
    }
}
