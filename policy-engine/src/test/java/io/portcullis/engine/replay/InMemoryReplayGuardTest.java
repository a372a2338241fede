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
        Instant expiry = clock.instant().plus(Duration.ofMinutes(5));

        assertThat(guard.firstSeen("signature-1", expiry)).isTrue();
        assertThat(guard.firstSeen("signature-1", expiry)).isFalse();
        assertThat(guard.firstSeen("signature-2", expiry)).isTrue();

        clock.advance(Duration.ofMinutes(6));
        assertThat(guard.firstSeen("signature-1", clock.instant().plus(Duration.ofMinutes(5)))).isTrue();
    }

    @Test
    void aFullGuardRefusesNewIdentifiersUntilOldOnesExpire() {
        InMemoryReplayGuard guard = new InMemoryReplayGuard(2, clock);
        Instant soon = clock.instant().plus(Duration.ofSeconds(30));
        guard.firstSeen("a", soon);
        guard.firstSeen("b", soon);

        assertThat(guard.firstSeen("c", soon)).as("full: cannot remember, so cannot admit").isFalse();

        clock.advance(Duration.ofMinutes(1));
        assertThat(guard.firstSeen("c", clock.instant().plus(Duration.ofSeconds(30)))).isTrue();
        assertThat(guard.size()).isEqualTo(1);
    }
}
