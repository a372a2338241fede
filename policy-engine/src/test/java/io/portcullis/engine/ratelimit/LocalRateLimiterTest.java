package io.portcullis.engine.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.model.Obligation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    /** A clock the test moves on, so a period passes without waiting for it. */
    static final class MovingClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T00:00:00Z"));

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aQuotaRefusesWhenEmptyAndFillsAgainOverItsPeriod() {
        MovingClock clock = new MovingClock();
        LocalRateLimiter limiter = new LocalRateLimiter(clock, 1000);
        Obligation.RateLimit limit = Obligation.quota("per-minute", "subject:alice", 3, "PT1M");

        assertThat(List.of(limiter.consume(limit).remaining(), limiter.consume(limit).remaining(),
                limiter.consume(limit).remaining())).containsExactly(2L, 1L, 0L);
        RateLimiter.Outcome refused = limiter.consume(limit);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(20);

        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.consume(limit).allowed()).isTrue();
        assertThat(limiter.consume(limit).allowed()).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.consume(limit).remaining()).isEqualTo(2);
    }

    @Test
    void callersAndLimitsHaveTheirOwnBucketsAndACostTakesThatManyTokens() {
        LocalRateLimiter limiter = new LocalRateLimiter(new MovingClock(), 1000);
        Obligation.RateLimit alice = Obligation.quota("cost", "subject:alice", 100, "PT1M").withCost(60);

        assertThat(limiter.consume(alice).remaining()).isEqualTo(40);
        assertThat(limiter.consume(alice).allowed()).isFalse();
        assertThat(limiter.consume(Obligation.quota("cost", "subject:bob", 100, "PT1M").withCost(60)).allowed()).isTrue();
        assertThat(limiter.consume(Obligation.quota("other", "subject:alice", 100, "PT1M")).remaining()).isEqualTo(99);
    }

    @Test
    void pastItsBoundTheStoreForgetsFullBucketsFirst() {
        MovingClock clock = new MovingClock();
        LocalRateLimiter limiter = new LocalRateLimiter(clock, 10);
        Obligation.RateLimit busy = Obligation.quota("per-hour", "subject:busy", 5, "PT1H");
        limiter.consume(busy);
        for (int i = 0; i < 50; i++) {
            limiter.consume(Obligation.quota("per-second", "address:10.0.0." + i, 5, "PT1S"));
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(10);
        // The busy caller's bucket is not full, so it was kept: one token gone, and this call takes one more.
        assertThat(limiter.consume(busy).remaining()).isEqualTo(3);
    }

    @Test
    void aCallALaterLimitRefusesCostsNothingAndOneAboveTheCapacityNeverPasses() {
        LocalRateLimiter store = new LocalRateLimiter(new MovingClock(), 1000);
        RateLimits limits = new RateLimits(store);
        Obligation.RateLimit perSecond = Obligation.spikeArrest("per-second", "subject:alice", 10);
        Obligation.RateLimit perDay = Obligation.quota("per-day", "subject:alice", 1, "P1D");

        assertThat(limits.apply(List.of(perSecond, perDay)).allowed()).isTrue();
        assertThat(limits.apply(List.of(perSecond, perDay)).allowed()).isFalse();
        // Nine left per second: the refused call's token was given back.
        assertThat(store.consume(perSecond).remaining()).isEqualTo(8);

        RateLimits.Verdict tooCostly = limits.apply(List.of(Obligation.quota("cost", "subject:alice", 100, "PT1M").withCost(500)));
        assertThat(tooCostly.reason()).isEqualTo(RateLimits.TOO_COSTLY);
        assertThat(tooCostly.headers()).doesNotContainKey("retry-after");
    }

    @Test
    void theVerdictNamesTheRefusingLimitAndTheHeadersItsState() {
        RateLimits limits = new RateLimits(new LocalRateLimiter(new MovingClock(), 1000));
        List<io.portcullis.engine.model.Obligation> obligations = List.of(
                Obligation.spikeArrest("per-second", "subject:alice", 10),
                Obligation.quota("per-minute", "subject:alice", 1, "PT1M"));

        RateLimits.Verdict first = limits.apply(obligations);
        assertThat(first.allowed()).isTrue();
        assertThat(first.headers()).containsEntry("ratelimit-policy", List.of("1;w=60"))
                .containsEntry("ratelimit-remaining", List.of("0"));
        RateLimits.Verdict second = limits.apply(obligations);
        assertThat(second.allowed()).isFalse();
        assertThat(second.refusedBy().name()).isEqualTo("per-minute");
        assertThat(second.reason()).isEqualTo(RateLimits.REFUSED);
        assertThat(second.headers()).containsEntry("retry-after", List.of("60"));
    }
}
