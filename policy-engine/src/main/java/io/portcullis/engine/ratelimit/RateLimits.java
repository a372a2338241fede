package io.portcullis.engine.ratelimit;

import io.portcullis.engine.model.Obligation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the rate limits a decision carries, in the order the rules gave them, and says what the
 * client is told: on a refusal the limit that refused it, on success the one with the least left,
 * in the {@code RateLimit-*} headers of the IETF draft (draft-ietf-httpapi-ratelimit-headers) and
 * {@code Retry-After}.
 */
public final class RateLimits {

    public static final String REFUSED = "RATE_LIMITED";
    public static final String UNAVAILABLE = "RATE_LIMIT_UNAVAILABLE";
    public static final String TOO_COSTLY = "RATE_LIMIT_COST_TOO_HIGH";

    public static final String TOO_MANY_REFUSALS = "TOO_MANY_REFUSALS";

    private final RateLimiter limiter;
    private final long refusalsPerSecond;
    private final LocalRateLimiter refusals = new LocalRateLimiter();
    private final java.util.concurrent.atomic.AtomicLong refusedEarly = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unavailable = new java.util.concurrent.atomic.AtomicLong();

    public RateLimits(RateLimiter limiter) {
        this(limiter, 0);
    }

    /**
     * @param refusalsPerSecond how many requests an address may have refused before the rules see them
     *                          (malformed, over a limit, failing WS-Security) each second; past that its
     *                          requests are refused unread until the bucket refills. 0: no such bound.
     */
    public RateLimits(RateLimiter limiter, long refusalsPerSecond) {
        this.limiter = limiter;
        this.refusalsPerSecond = refusalsPerSecond;
    }

    /**
     * Whether a client has used up its refusals, so its next request is not even read.
     *
     * @param client what the client is counted under ({@code Peer.countingKey()})
     */
    public boolean refusalsExhausted(String client) {
        if (refusalsPerSecond <= 0) {
            return false;
        }
        boolean exhausted = !refusals.holdsEnough(refusalLimit(client));
        if (exhausted) {
            refusedEarly.incrementAndGet();
        }
        return exhausted;
    }

    /** Counts a request refused before the rules saw it (they count the rest); {@code client} as above. */
    public void countRefusal(String client) {
        if (refusalsPerSecond > 0) {
            refusals.consume(refusalLimit(client));
        }
    }

    private Obligation.RateLimit refusalLimit(String client) {
        return Obligation.spikeArrest("refusals-per-second", "address:" + client, refusalsPerSecond);
    }

    /** Calls refused by a limit (429), and refused because the store could not count them (503), since start. */
    public Map<String, Long> counters() {
        return Map.of("refused", refused.get(), "unavailable", unavailable.get(), "refusedUnread", refusedEarly.get(),
                "storeFailures", limiter instanceof RedisRateLimiter redis ? redis.storeFailures() : 0L);
    }

    /**
     * @param refusedBy the limit that refused the call, or null when every limit allowed it
     * @param headers   what the response carries (empty when no limit applied)
     */
    public record Verdict(Obligation.RateLimit refusedBy, boolean unavailable, Map<String, List<String>> headers) {

        public boolean allowed() {
            return refusedBy == null;
        }

        /** A call that costs more than the bucket holds: no wait will let it through. */
        public boolean tooCostly() {
            return refusedBy != null && refusedBy.cost() > refusedBy.capacity();
        }

        public String reason() {
            return unavailable ? UNAVAILABLE : tooCostly() ? TOO_COSTLY : REFUSED;
        }
    }

    private static final Verdict NONE = new Verdict(null, false, Map.of());

    public Verdict apply(List<Obligation> obligations) {
        List<Obligation.RateLimit> limits = new java.util.ArrayList<>(3);
        for (Obligation obligation : obligations) {
            if (obligation instanceof Obligation.RateLimit limit) {
                if (limit.cost() > limit.capacity()) {
                    refused.incrementAndGet();
                    return new Verdict(limit, false, Map.of("ratelimit-policy", List.of(policy(limit))));
                }
                limits.add(limit);
            }
        }
        if (limits.isEmpty()) {
            return NONE;
        }
        // All or nothing, in one step: a refused call costs no limit anything.
        List<RateLimiter.Outcome> outcomes = limiter.consumeAll(limits);
        Obligation.RateLimit tightest = null;
        RateLimiter.Outcome tightestOutcome = null;
        for (int i = 0; i < outcomes.size(); i++) {
            Obligation.RateLimit limit = limits.get(i);
            RateLimiter.Outcome outcome = outcomes.get(i);
            if (!outcome.allowed()) {
                (outcome.unavailable() ? unavailable : refused).incrementAndGet();
                return new Verdict(limit, outcome.unavailable(), outcome.unavailable()
                        ? Map.of("retry-after", List.of(Long.toString(outcome.retryAfterSeconds()))) : headers(limit, outcome));
            }
            if (tightestOutcome == null || outcome.remaining() * tightest.capacity() < tightestOutcome.remaining() * limit.capacity()) {
                tightest = limit;
                tightestOutcome = outcome;
            }
        }
        return new Verdict(null, false, headers(tightest, tightestOutcome));
    }

    private static Map<String, List<String>> headers(Obligation.RateLimit limit, RateLimiter.Outcome outcome) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("ratelimit-policy", List.of(policy(limit)));
        headers.put("ratelimit-limit", List.of(Long.toString(limit.capacity())));
        headers.put("ratelimit-remaining", List.of(Long.toString(outcome.remaining())));
        headers.put("ratelimit-reset", List.of(Long.toString(outcome.resetSeconds())));
        if (!outcome.allowed()) {
            headers.put("retry-after", List.of(Long.toString(outcome.retryAfterSeconds())));
        }
        return headers;
    }

    private static String policy(Obligation.RateLimit limit) {
        return limit.capacity() + ";w=" + Math.max(1, limit.period().toSeconds());
    }

    /** The obligations adapters fulfil: everything but the rate limits, which are this gateway's to enforce. */
    public static List<Obligation> withoutLimits(List<Obligation> obligations) {
        return obligations.stream().filter(o -> !(o instanceof Obligation.RateLimit)).toList();
    }
}
