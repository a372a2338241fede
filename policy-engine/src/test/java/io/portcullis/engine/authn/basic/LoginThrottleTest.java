package io.portcullis.engine.authn.basic;

import io.portcullis.engine.authn.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.authn.basic.LoginThrottle.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    static final String HOME = "198.51.100.7";
    static final String OFFICE = "203.0.113.9";

    final MutableClock clock = new MutableClock();
    LoginThrottle throttle = new LoginThrottle(LoginThrottleSettings.DEFAULTS, clock);

    @Test
    void userIsLockedAfterFiveFailuresWhileAnotherUserIsNot() {
        fail("alice", HOME, 4);
        assertThat(throttle.attempt("alice", HOME).verdict()).as("4 failures").isEqualTo(Verdict.ADMITTED);
        throttle = new LoginThrottle(LoginThrottleSettings.DEFAULTS, clock);

        fail("alice", HOME, 5);

        assertThat(throttle.locked("alice", OFFICE)).as("a user's lockout holds from any address").isTrue();
        assertThat(throttle.attempt("alice", OFFICE).verdict()).isEqualTo(Verdict.LOCKED_OUT);
        assertThat(throttle.attempt("bob", HOME).verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(throttle.locked("bob", HOME)).isFalse();
    }

    @Test
    void addressIsLockedAfterTwentyFailuresAcrossManyUsernames() {
        for (int i = 0; i < 19; i++) {
            fail("user" + i, HOME, 1);
        }
        assertThat(throttle.locked("someone-new", HOME)).isFalse();

        fail("user19", HOME, 1);

        assertThat(throttle.attempt("someone-new", HOME).verdict()).isEqualTo(Verdict.LOCKED_OUT);
        assertThat(throttle.attempt("someone-new", OFFICE).verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(throttle.locked("user0", OFFICE)).as("one failure each does not lock the usernames").isFalse();
    }

    @Test
    void lockoutExpiresAndDoublesWithEachConsecutiveLockoutUpToTheMaximum() {
        // A new address each round, so that only the username's lockouts are measured.
        fail("alice", "10.0.0.1", 5);
        clock.advance(Duration.ofSeconds(59));
        assertThat(throttle.locked("alice", OFFICE)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.locked("alice", OFFICE)).as("first lockout: 1 minute").isFalse();

        fail("alice", "10.0.0.2", 5);
        clock.advance(Duration.ofSeconds(119));
        assertThat(throttle.locked("alice", OFFICE)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.locked("alice", OFFICE)).as("second lockout: 2 minutes").isFalse();

        List<Duration> lockouts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            fail("alice", "10.0.1." + i, 5);
            lockouts.add(lockoutLeft("alice"));
        }
        assertThat(lockouts).containsExactly(Duration.ofMinutes(4), Duration.ofMinutes(8), Duration.ofMinutes(16),
                Duration.ofMinutes(32), Duration.ofMinutes(60), Duration.ofMinutes(60), Duration.ofMinutes(60));
    }

    @Test
    void lockoutLevelIsForgottenAfterADayWithoutFailures() {
        fail("alice", OFFICE, 5);
        clock.advance(Duration.ofMinutes(1));
        fail("alice", OFFICE, 5);
        assertThat(lockoutLeft("alice")).isEqualTo(Duration.ofMinutes(2));

        clock.advance(Duration.ofHours(24));
        fail("alice", OFFICE, 5);

        assertThat(lockoutLeft("alice")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        fail("alice", HOME, 4);
        clock.advance(Duration.ofMinutes(15));

        fail("alice", HOME, 4);
        assertThat(throttle.locked("alice", HOME)).isFalse();

        fail("alice", HOME, 1);
        assertThat(throttle.locked("alice", HOME)).as("5 within the last 15 minutes").isTrue();
    }

    @Test
    void successResetsTheUserButNotTheAddress() {
        for (int i = 0; i < 12; i++) {
            fail("user" + i, HOME, 1);
        }
        fail("alice", HOME, 3);
        succeed("alice", HOME);

        fail("alice", HOME, 4);
        assertThat(throttle.locked("alice", OFFICE)).as("alice's count started again: 4, not 7").isFalse();
        fail("mallory", HOME, 1);
        assertThat(throttle.locked("someone-new", HOME)).as("12 + 3 + 4 + 1 failures from the address").isTrue();
    }

    @Test
    void successWithoutAPasswordCheckResetsTheUserToo() {
        fail("alice", HOME, 4);
        throttle.recordSuccess("alice");
        fail("alice", HOME, 4);

        assertThat(throttle.locked("alice", HOME)).isFalse();
    }

    @Test
    void attemptsInFlightCountAgainstTheLimit() {
        List<LoginThrottle.Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LoginThrottle.Attempt attempt = throttle.attempt("alice", "10.0.0." + i);
            assertThat(attempt.admitted()).isTrue();
            inFlight.add(attempt);
        }

        assertThat(throttle.attempt("alice", OFFICE).verdict()).isEqualTo(Verdict.TOO_MANY_IN_FLIGHT);

        inFlight.forEach(LoginThrottle.Attempt::failed);
        assertThat(throttle.attempt("alice", OFFICE).verdict()).isEqualTo(Verdict.LOCKED_OUT);
    }

    @Test
    void attemptClosedWithoutAReportCountsAsAFailure() {
        for (int i = 0; i < 5; i++) {
            try (LoginThrottle.Attempt attempt = throttle.attempt("alice", HOME)) {
                assertThat(attempt.admitted()).isTrue();
            }
        }

        assertThat(throttle.locked("alice", HOME)).isTrue();
    }

    @Test
    void concurrentGuessesGetNoMoreChecksThanTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger checked = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> guesses = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String address = "10.0." + (i % 50) + ".1";
                guesses.add(pool.submit(() -> {
                    start.await();
                    LoginThrottle.Attempt attempt = throttle.attempt("alice", address);
                    if (attempt.admitted()) {
                        checked.incrementAndGet();
                        attempt.failed();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> guess : guesses) {
                guess.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(checked).hasValue(5);
        assertThat(throttle.locked("alice", OFFICE)).isTrue();
    }

    @Test
    void memoryStaysBoundedAndALockedUserOutlivesAFloodOfNewUsernames() {
        LoginThrottleSettings settings = new LoginThrottleSettings(5, 20, Duration.ofMinutes(15), Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofHours(24), 100);
        throttle = new LoginThrottle(settings, clock);
        fail("alice", HOME, 5);

        for (int i = 0; i < 5_000; i++) {
            fail("random-" + i, "10." + (i / 250) + "." + (i % 250) + ".1", 1);
            assertThat(throttle.trackedKeys()).isLessThanOrEqualTo(100);
        }

        assertThat(throttle.locked("alice", OFFICE)).isTrue();
    }

    @Test
    void successfulUsersAreNotKeptInMemory() {
        succeed("alice", HOME);
        succeed("bob", HOME);

        assertThat(throttle.trackedKeys()).isZero();
    }

    private void fail(String username, String address, int times) {
        for (int i = 0; i < times; i++) {
            LoginThrottle.Attempt attempt = throttle.attempt(username, address);
            assertThat(attempt.admitted()).as("attempt %d for %s from %s", i + 1, username, address).isTrue();
            attempt.failed();
        }
    }

    private void succeed(String username, String address) {
        LoginThrottle.Attempt attempt = throttle.attempt(username, address);
        assertThat(attempt.admitted()).isTrue();
        attempt.succeeded();
    }

    /** How long {@code username} stays locked, to the minute, found by moving the clock until it is free. */
    private Duration lockoutLeft(String username) {
        Duration left = Duration.ZERO;
        while (throttle.locked(username, OFFICE)) {
            clock.advance(Duration.ofMinutes(1));
            left = left.plusMinutes(1);
            if (left.toHours() > 2) {
                throw new AssertionError("locked for more than two hours");
            }
        }
        return left;
    }

    @Test
    void ipv6ClientsAreLockedOutByTheirNetworkNotByEachAddress() {
        // As the gateway passes them: each request's Peer, counted by its /64.
        for (int i = 0; i < 20; i++) {
            fail("user-" + i, io.portcullis.engine.net.NetworkPolicy.OPEN.peer("2001:db8:1:2:aaaa::" + Integer.toHexString(i + 1), 1, null, false).countingKey(), 1);
        }

        assertThat(throttle.attempt("someone-new", io.portcullis.engine.net.NetworkPolicy.OPEN.peer("2001:db8:1:2:bbbb::9", 1, null, false).countingKey())
                .verdict()).as("another address of the same /64").isEqualTo(Verdict.LOCKED_OUT);
        assertThat(throttle.attempt("someone-new", io.portcullis.engine.net.NetworkPolicy.OPEN.peer("2001:db8:1:3::1", 1, null, false).countingKey())
                .verdict()).as("the next /64").isEqualTo(Verdict.ADMITTED);
    }
}
