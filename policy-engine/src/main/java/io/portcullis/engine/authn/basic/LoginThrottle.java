package io.portcullis.engine.authn.basic;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Brute-force and credential-stuffing protection for password logins: counts failures per
 * username and per client address, and locks a key out once it has too many (see
 * {@link LoginThrottleSettings}). While a key is locked, logins are refused without looking at the
 * password, so guessing stops paying.
 *
 * <p>How to use: {@link #attempt} before checking a password, then exactly one of
 * {@link Attempt#succeeded()} or {@link Attempt#failed()} (or {@link Attempt#close()}, which counts
 * as a failure when neither was called). A login that needs no password check (a cached
 * credential) asks {@link #locked} and reports {@link #recordSuccess}.
 *
 * <p>Design choices:
 * <ul>
 * <li>Usernames are counted whether they exist or not, so lockouts tell nothing about which exist.
 * <li>An attempt counts against the limit while it is in flight: otherwise an attacker sending
 *     a hundred guesses at once would get all hundred checked before the first failure counts.
 * <li>Nothing sleeps. Slowing an attacker by holding the request thread would let them tie up the
 *     gateway's workers; a lockout costs us nothing.
 * <li>A success clears the username's count but not the address's: a stuffer with one working
 *     pair must not clear their address's record.
 * <li>Memory is bounded by {@code maxTrackedKeys}; when full, the least recently used key is
 *     forgotten, preferring keys that are not locked, so flooding with fresh usernames does not
 *     easily unlock a victim.
 * </ul>
 * Thread-safe: one lock guards the counts; it is held for microseconds, never across a hash.
 * Driven by the injected {@link Clock}.
 */
public final class LoginThrottle {

    /** Whether an attempt may check a password. */
    public enum Verdict {
        ADMITTED,
        /** the username or the address is locked out */
        LOCKED_OUT,
        /** so many checks are in flight for the username or address that they could exceed its limit */
        TOO_MANY_IN_FLIGHT
    }

    /** How far past the least recently used key eviction looks for one that is not locked. */
    private static final int EVICTION_SCAN = 64;

    private enum Kind { USER, ADDRESS }

    private record Key(Kind kind, String name) {
    }

    private final LoginThrottleSettings settings;
    private final Clock clock;
    // Access order: the first entry is the stalest. Guarded by this.
    private final LinkedHashMap<Key, Track> tracks = new LinkedHashMap<>(256, 0.75f, true);

    public LoginThrottle(LoginThrottleSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Asks to check a password for {@code username} from {@code address}; see {@link Attempt}.
     *
     * @param address the client as counted ({@code Peer.countingKey()}: an IPv6 client by its network)
     */
    public synchronized Attempt attempt(String username, String address) {
        long now = clock.millis();
        Key user = new Key(Kind.USER, username);
        Key peer = new Key(Kind.ADDRESS, address);
        Track userTrack = tracks.get(user);
        Track peerTrack = tracks.get(peer);
        if (lockedAt(userTrack, now) || lockedAt(peerTrack, now)) {
            return new Attempt(Verdict.LOCKED_OUT, user, peer);
        }
        if (full(userTrack, now, settings.maxUserFailures()) || full(peerTrack, now, settings.maxAddressFailures())) {
            return new Attempt(Verdict.TOO_MANY_IN_FLIGHT, user, peer);
        }
        track(user, now).inFlight++;
        track(peer, now).inFlight++;
        return new Attempt(Verdict.ADMITTED, user, peer);
    }

    /** True when the username or the address ({@code Peer.countingKey()}) is locked out now. */
    public synchronized boolean locked(String username, String address) {
        long now = clock.millis();
        return lockedAt(tracks.get(new Key(Kind.USER, username)), now)
                || lockedAt(tracks.get(new Key(Kind.ADDRESS, address)), now);
    }

    /** A login as {@code username} succeeded without a password check: its failures are forgotten. */
    public synchronized void recordSuccess(String username) {
        Key user = new Key(Kind.USER, username);
        Track track = tracks.get(user);
        if (track != null) {
            track.forgive();
            removeIfIdle(user, track, clock.millis());
        }
    }

    /** Usernames and addresses tracked now. */
    public synchronized int trackedKeys() {
        return tracks.size();
    }

    private synchronized void finish(Attempt attempt, boolean success) {
        long now = clock.millis();
        Track user = track(attempt.user, now);
        Track peer = track(attempt.address, now);
        user.release();
        peer.release();
        if (success) {
            user.forgive();
        } else {
            user.fail(now, settings.maxUserFailures());
            peer.fail(now, settings.maxAddressFailures());
        }
        removeIfIdle(attempt.user, user, now);
        removeIfIdle(attempt.address, peer, now);
    }

    private boolean lockedAt(Track track, long now) {
        return track != null && now < track.lockedUntil;
    }

    private boolean full(Track track, long now, int limit) {
        return track != null && track.failuresSince(now - settings.window().toMillis()) + track.inFlight >= limit;
    }

    private Track track(Key key, long now) {
        Track track = tracks.get(key);
        if (track != null) {
            return track;
        }
        if (tracks.size() >= settings.maxTrackedKeys()) {
            evictOne(now);
        }
        track = new Track(key.kind() == Kind.USER ? settings.maxUserFailures() : settings.maxAddressFailures());
        tracks.put(key, track);
        return track;
    }

    private void evictOne(long now) {
        Iterator<Map.Entry<Key, Track>> stalest = tracks.entrySet().iterator();
        Iterator<Map.Entry<Key, Track>> scan = tracks.entrySet().iterator();
        for (int i = 0; i < EVICTION_SCAN && scan.hasNext(); i++) {
            Track candidate = scan.next().getValue();
            if (!lockedAt(candidate, now) && candidate.inFlight == 0) {
                scan.remove();
                return;
            }
        }
        // Everything near the stale end is locked or busy: forget the stalest all the same, memory comes first.
        stalest.next();
        stalest.remove();
    }

    private void removeIfIdle(Key key, Track track, long now) {
        boolean quiet = track.lockouts == 0 || now - track.lastFailure >= settings.rememberLockoutsFor().toMillis();
        if (quiet && track.inFlight == 0 && !lockedAt(track, now)
                && track.failuresSince(now - settings.window().toMillis()) == 0) {
            tracks.remove(key);
        }
    }

    /** What the throttle knows about one username or address. Guarded by the throttle. */
    private final class Track {
        /** The latest failures, oldest first from {@code next}: a ring as long as the limit. */
        private final long[] failures;
        private int count;
        private int next;
        int inFlight;
        /** Consecutive lockouts so far; decides how long the next one lasts. */
        int lockouts;
        long lockedUntil;
        long lastFailure;

        Track(int limit) {
            failures = new long[limit];
        }

        int failuresSince(long since) {
            int recent = 0;
            for (int i = 0; i < count; i++) {
                if (failures[i] > since) {
                    recent++;
                }
            }
            return recent;
        }

        void fail(long now, int limit) {
            if (lockouts > 0 && now - lastFailure >= settings.rememberLockoutsFor().toMillis()) {
                lockouts = 0;
            }
            lastFailure = now;
            failures[next] = now;
            next = (next + 1) % failures.length;
            count = Math.min(count + 1, failures.length);
            if (failuresSince(now - settings.window().toMillis()) >= limit) {
                lockedUntil = Math.max(lockedUntil, now + lockout(lockouts));
                lockouts++;
                count = 0;
                next = 0;
            }
        }

        void forgive() {
            count = 0;
            next = 0;
            lockouts = 0;
        }

        void release() {
            inFlight = Math.max(0, inFlight - 1);
        }

        private long lockout(int previous) {
            long first = settings.firstLockout().toMillis();
            long max = settings.maxLockout().toMillis();
            // Doubling overflows long after it passes any sane maximum: stop doubling at the cap.
            return previous >= 40 || first << previous >= max ? max : Math.min(first << previous, max);
        }
    }

    /**
     * One password check, admitted or not. Report how it went exactly once; a second report is
     * ignored, and {@link #close()} without a report counts as a failure (fail closed: an exception
     * mid-check must not hand out free guesses).
     */
    public final class Attempt implements AutoCloseable {
        private final Verdict verdict;
        private final Key user;
        private final Key address;
        private boolean finished;

        private Attempt(Verdict verdict, Key user, Key address) {
            this.verdict = verdict;
            this.user = user;
            this.address = address;
            this.finished = verdict != Verdict.ADMITTED;
        }

        public Verdict verdict() {
            return verdict;
        }

        public boolean admitted() {
            return verdict == Verdict.ADMITTED;
        }

        /** The password was right: the username's failures are forgotten (the address's are not). */
        public void succeeded() {
            report(true);
        }

        /** The password was wrong, or the user unknown or disabled: one failure for each key. */
        public void failed() {
            report(false);
        }

        @Override
        public void close() {
            report(false);
        }

        private void report(boolean success) {
            synchronized (LoginThrottle.this) {
                if (finished) {
                    return;
                }
                finished = true;
                finish(this, success);
            }
        }
    }
}
