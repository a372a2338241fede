package io.portcullis.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.authn.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryReplayGuardTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @Test
    void anIdentifierIsFirstSeenOnceUntilItExpires() {
        InMemoryReplayGuard guard = new InMemoryReplayGuard(10, clock);
        Duration expiry = Duration.ofMinutes(5);

        assertThat(guard.check("signature-1", expiry)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);
        assertThat(guard.check("signature-1", expiry)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.check("signature-2", expiry)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);

        clock.advance(Duration.ofMinutes(6));
        assertThat(guard.check("signature-1", expiry)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);
    }

    @Test
    void aFullGuardRefusesNewIdentifiersUntilOldOnesExpire() {
        InMemoryReplayGuard guard = new InMemoryReplayGuard(2, clock);
        Duration soon = Duration.ofSeconds(30);
        guard.check("a", soon);
        guard.check("b", soon);

        assertThat(guard.check("c", soon)).as("full: cannot remember, so cannot admit").isEqualTo(ReplayGuard.Verdict.UNAVAILABLE);

        clock.advance(Duration.ofMinutes(1));
        assertThat(guard.check("c", soon)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);
        assertThat(guard.size()).isEqualTo(1);
    }
}
