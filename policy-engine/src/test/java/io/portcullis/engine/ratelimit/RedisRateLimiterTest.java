package io.portcullis.engine.ratelimit;

import io.portcullis.engine.cluster.RedisServer;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.cluster.TwoRedisClients;
import io.portcullis.engine.model.Obligation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Buckets in a real Redis, counted by two nodes, all the limits on a call at once. */
class RedisRateLimiterTest {

    @RegisterExtension
    static final TwoRedisClients redis = new TwoRedisClients();

    static Obligation.RateLimit quota(String name, long capacity) {
        return new Obligation.RateLimit(name, "subject:" + UUID.randomUUID(), capacity, Duration.ofHours(1), 1, true);
    }

    @Test
    void nodesCountAgainstOneBucketAndTheRefusalSaysWhenToComeBack() {
        RateLimiter first = new RedisRateLimiter(redis.first(), false, true);
        RateLimiter second = new RedisRateLimiter(redis.second(), false, true);
        Obligation.RateLimit limit = quota("per-hour", 3);

        assertThat(one(first, limit).remaining()).isEqualTo(2);
        assertThat(one(second, limit).remaining()).isEqualTo(1);
        RateLimiter.Outcome last = one(first, limit);
        assertThat(last.allowed()).isTrue();
        assertThat(last.remaining()).isZero();
        assertThat(last.resetSeconds()).isBetween(3_599L, 3_600L);

        RateLimiter.Outcome refused = one(second, limit);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.unavailable()).isFalse();
        // One token comes back every 20 minutes.
        assertThat(refused.retryAfterSeconds()).isBetween(1_190L, 1_200L);
    }

    @Test
    void aCallOneLimitRefusesTakesNothingFromTheOthers() {
        RateLimiter limiter = new RedisRateLimiter(redis.first(), false, true);
        Obligation.RateLimit wide = quota("wide", 5);
        Obligation.RateLimit narrow = quota("narrow", 1);

        assertThat(limiter.consumeAll(List.of(wide, narrow))).extracting(RateLimiter.Outcome::allowed).containsExactly(true, true);
        List<RateLimiter.Outcome> refused = limiter.consumeAll(List.of(wide, narrow));

        assertThat(refused).hasSize(2);
        assertThat(refused.get(1).allowed()).isFalse();
        assertThat(one(limiter, wide).remaining()).isEqualTo(3);
    }

    @Test
    void aScriptIsKnownToRedisByTheDigestTheGatewayWorksOut() {
        RedisStore.Script script = RedisStore.Script.of("return tonumber(ARGV[1]) + 1");

        assertThat(redis.first().commands().scriptLoad(script.text())).isEqualTo(script.sha1());
    }

    @Test
    void aRedisThatForgotTheScriptIsGivenItAgain() {
        RedisRateLimiter limiter = new RedisRateLimiter(redis.first(), false, true);
        Obligation.RateLimit limit = quota("per-hour", 3);
        assertThat(one(limiter, limit).remaining()).isEqualTo(2);

        // A restarted Redis, a failover or SCRIPT FLUSH: the script is known by its digest no more.
        redis.first().commands().scriptFlush();

        assertThat(one(limiter, limit).remaining()).isEqualTo(1);
        assertThat(limiter.storeFailures()).isZero();
    }

    @Test
    void withRedisGoneQuotasRefuseAndSpikeArrestsCountOnThisNode() throws Exception {
        try (RedisServer lonely = RedisServer.start();
             RedisStore store = RedisStore.connect(lonely.uri(), null, Duration.ofMillis(300))) {
            RedisRateLimiter limiter = new RedisRateLimiter(store, false, true);
            // A spike arrest (counted locally when Redis is gone) over an hour: no token comes back while the test runs.
            Obligation.RateLimit spike = new Obligation.RateLimit("spike", "address:192.0.2.1", 2, Duration.ofHours(1), 1, false);
            lonely.stop();

            List<RateLimiter.Outcome> outcomes = limiter.consumeAll(List.of(spike, quota("per-hour", 10)));

            assertThat(outcomes.get(0).allowed()).isTrue();
            assertThat(outcomes.get(1).unavailable()).isTrue();
            assertThat(limiter.storeFailures()).isPositive();
            // The spike arrest's local token was given back with the refusal: two calls still fit.
            assertThat(one(limiter, spike).allowed()).isTrue();
            assertThat(one(limiter, spike).allowed()).isTrue();
            assertThat(one(limiter, spike).allowed()).isFalse();
        }
    }

    /** A call that carries one limit. */
    private static RateLimiter.Outcome one(RateLimiter limiter, Obligation.RateLimit limit) {
        return limiter.consumeAll(List.of(limit)).get(0);
    }
}
