package io.portcullis.camel.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system's clock, set ahead by a shift a test chooses: a gateway that lives on while its clients' time stands still. */
final class ShiftedClock extends Clock {

    private volatile Duration shift = Duration.ZERO;

    void shift(Duration by) {
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
