package io.portcullis.engine;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for something another thread or process does, by asking again until a deadline: no fixed sleeps. */
public final class Eventually {

    private Eventually() {
    }

    /** @throws AssertionError naming {@code what} when {@code condition} does not hold within {@code deadline} */
    public static void within(Duration deadline, BooleanSupplier condition, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
        }
    }
}
