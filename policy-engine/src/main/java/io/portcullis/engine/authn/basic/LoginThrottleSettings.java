package io.portcullis.engine.authn.basic;

import java.time.Duration;

/**
 * When {@link LoginThrottle} locks a username or a client address out.
 *
 * @param maxUserFailures     failures for one username within {@code window} that lock it (guessing one
 *                            user's password)
 * @param maxAddressFailures  failures from one client address within {@code window} that lock it, whatever
 *                            usernames it tried (credential stuffing); higher, because many people can share
 *                            one address behind a NAT
 * @param window              how far back failures count
 * @param firstLockout        how long the first lockout lasts; each consecutive one lasts twice as long
 * @param maxLockout          the longest lockout
 * @param rememberLockoutsFor how long a key must stay free of failures before its next lockout is a
 *                            first lockout again (a success resets a username at once)
 * @param maxTrackedKeys      usernames and addresses tracked at most, together; the stalest are forgotten
 *                            first, so memory stays bounded whatever an attacker sends
 */
public record LoginThrottleSettings(int maxUserFailures, int maxAddressFailures, Duration window,
                                    Duration firstLockout, Duration maxLockout, Duration rememberLockoutsFor,
                                    int maxTrackedKeys) {

    /** 5 per user and 20 per address in 15 minutes; lockouts from 1 minute doubling up to 1 hour. */
    public static final LoginThrottleSettings DEFAULTS = new LoginThrottleSettings(5, 20, Duration.ofMinutes(15),
            Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(24), 100_000);

    public LoginThrottleSettings {
        requirePositive(maxUserFailures, "maxUserFailures");
        requirePositive(maxAddressFailures, "maxAddressFailures");
        requirePositive(window, "window");
        requirePositive(firstLockout, "firstLockout");
        requirePositive(maxLockout, "maxLockout");
        requirePositive(rememberLockoutsFor, "rememberLockoutsFor");
        requirePositive(maxTrackedKeys, "maxTrackedKeys");
        if (maxLockout.compareTo(firstLockout) < 0) {
            throw new IllegalArgumentException("login throttle: 'maxLockout' must not be shorter than 'firstLockout'");
        }
        // Each tracked key keeps one timestamp per counted failure: keep that small.
        if (maxUserFailures > 1000 || maxAddressFailures > 1000) {
            throw new IllegalArgumentException("login throttle: failure limits above 1000 are not supported");
        }
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException("login throttle: '" + name + "' must be positive");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("login throttle: '" + name + "' must be a positive duration");
        }
    }
}
