package io.portcullis.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets something happen at most once per period (a warning line, a costly search), across threads
 * without a lock: of the callers that ask after the period has passed, one is told yes.
 */
public final class Occasionally {

    private final long periodNanos;
    private final AtomicLong last;

    public Occasionally(Duration period) {
        periodNanos = period.toNanos();
        last = new AtomicLong(System.nanoTime() - periodNanos);
    }

    /** True for at most one caller per period: that caller does the thing. */
    public boolean due() {
        long now = System.nanoTime();
        long previous = last.get();
        return now - previous >= periodNanos && last.compareAndSet(previous, now);
    }
}
