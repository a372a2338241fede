package io.portcullis.engine.authn;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system's clock, shifted by what a test chooses, and ticking: for a whole gateway, whose
 * runtime reads it while WSS4J checks Timestamps and Redis expires keys on real time. Set ahead, the
 * gateway lives on past its contexts' expiry while its clients' messages stay fresh. (A unit test
 * that owns all the time involved takes {@link MutableClock}, which stands still.)
 */
public final class ShiftedClock extends Clock {

    private volatile Duration shift = Duration.ZERO;

    /** From now on the clock reads the system's time plus {@code by} (not added to an earlier shift). */
    public void shift(Duration by) {
        shift = by;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a gateway's clock is UTC");
    }
}
