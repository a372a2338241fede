package io.portcullis.soap;

import io.portcullis.engine.model.Principal;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The WS-SecureConversation contexts a route issued: each a secret shared with one caller, standing
 * for the identity that caller proved when it asked for it (a password in a UsernameToken, a
 * certificate). Messages signed with a context's keys are that caller's, until the context expires
 * or the caller cancels it. Bounded per caller: its oldest context makes way for its newest (a
 * client that opens a channel per call crowds out no one).
 *
 * <p>A context is held for a renewal window past its expiry, while the route has room, in which it
 * may only endorse its renewal or sign its cancellation: a client idle past the expiry (WCF renews
 * before it sends) keeps its context, and a renewal proves the caller's own credentials again, so
 * it is as strong as establishing a new context.
 *
 * <p>A renewal rolls the context's key over: the key it had is still taken, on calls in the context
 * alone, for a short while ({@link Limits#keyRollover}), since a client renews while calls made with
 * that key are on their way (WCF's own service keeps it five minutes). A message names the key it
 * was made with by the Instance of the SecurityContextToken it carries.
 */
public interface SecurityContexts {

    /**
     * @param instance which renewal of the context this is (WS-SecureConversation's Instance), null
     *                 until it is first renewed; each renewal has a new one and a new secret
     * @param version  the WS-SecureConversation version it was issued under; messages and answers
     *                 refer to it in that version's namespace
     * @param rolledOver the key it had before its last renewal, while calls may still use it; or null
     */
    record Context(String identifier, String instance, byte[] secret, Principal principal, Instant expires,
                   SecureConversation.Version version, RolledOverKey rolledOver) {

        public Context {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(expires, "expires");
            Objects.requireNonNull(version, "version");
        }

        /** A context never renewed. */
        public Context(String identifier, byte[] secret, Principal principal, Instant expires, SecureConversation.Version version) {
            this(identifier, null, secret, principal, expires, version, null);
        }

        /** Its key now. */
        public Key key() {
            return new Key(instance, secret, principal, false);
        }

        /**
         * The key of the instance a message names (null: the context as first issued) at {@code now}:
         * the context's own, or the one rolled over at its last renewal until that one's time is up;
         * null when it holds no such key.
         */
        public Key keyOf(String namedInstance, Instant now) {
            if (Objects.equals(namedInstance, instance)) {
                return key();
            }
            if (rolledOver != null && Objects.equals(namedInstance, rolledOver.instance()) && now.isBefore(rolledOver.until())) {
                return new Key(rolledOver.instance(), rolledOver.secret(), rolledOver.principal(), true);
            }
            return null;
        }

        /** This context renewed at {@code now}: a new instance and secret for {@code principal}, its key rolled over. */
        Context renewed(Principal principal, byte[] newSecret, Instant now, Limits limits) {
            Instant rolledOverUntil = now.plus(limits.keyRollover());
            RolledOverKey previous = limits.keyRollover().isZero() || !now.isBefore(expires) ? null
                    : new RolledOverKey(instance, secret, rolledOverUntil.isBefore(expires) ? rolledOverUntil : expires, this.principal);
            return new Context(identifier, SecurityContexts.newIdentifier(), newSecret.clone(), principal,
                    now.plus(limits.lifetime()), version, previous);
        }

        @Override
        public String toString() {
            return "Context[" + identifier + (instance == null ? "" : " " + instance) + ", " + principal.subject()
                    + ", until " + expires + "]";
        }
    }

    /**
     * A context's key, as a message used it.
     *
     * @param instance   the instance it is the key of (null: the context as first issued)
     * @param principal  whom a call made with it stands for: the caller as proved when the key was issued
     * @param rolledOver whether it is the key from before the context's last renewal, which carries calls alone
     */
    record Key(String instance, byte[] secret, Principal principal, boolean rolledOver) {

        @Override
        public String toString() {
            return "Key[" + instance + (rolledOver ? ", rolled over" : "") + "]";
        }
    }

    /**
     * A context's key before its last renewal.
     *
     * @param instance  the instance it was the key of (null: the context as first issued)
     * @param until     when it is no longer taken: the rollover's end, or the context's expiry then if sooner
     *                  (a renewal never lengthens an old key's life)
     * @param principal whom calls made with it stand for: the caller as proved before the renewal (a
     *                  renewal proved with more roles lends none to the old key)
     */
    record RolledOverKey(String instance, byte[] secret, Instant until, Principal principal) {

        public RolledOverKey {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(principal, "principal");
        }

        @Override
        public String toString() {
            return "RolledOverKey[" + instance + ", until " + until + "]";
        }
    }

    /**
     * How long contexts live and how many a route and a caller hold.
     *
     * @param lifetime             how long a context is in force after it is issued or renewed
     * @param renewalWindow        how long past its expiry a context is held for its renewal or cancellation,
     *                             while the route has room
     * @param maxContexts          how many contexts the route holds at most (on all nodes together in a cluster)
     * @param maxContextsPerCaller how many one caller holds at most (its oldest makes way)
     * @param keyRollover          how long after a renewal calls may still use the key the context had (zero: none;
     *                             at most {@link #MAX_KEY_ROLLOVER} and half the lifetime, so an old key never
     *                             outlives what a short lifetime was chosen for)
     */
    record Limits(java.time.Duration lifetime, java.time.Duration renewalWindow, int maxContexts, int maxContextsPerCaller,
                  java.time.Duration keyRollover) {

        /** WCF's service keeps a renewed context's old key as long (its KeyRolloverInterval). */
        public static final java.time.Duration DEFAULT_KEY_ROLLOVER = java.time.Duration.ofMinutes(5);
        public static final java.time.Duration MAX_KEY_ROLLOVER = java.time.Duration.ofMinutes(15);

        public Limits {
            if (lifetime.isNegative() || lifetime.isZero() || renewalWindow.isNegative() || maxContexts < 1
                    || maxContextsPerCaller < 1 || keyRollover.isNegative() || keyRollover.compareTo(MAX_KEY_ROLLOVER) > 0
                    || keyRollover.compareTo(lifetime.dividedBy(2)) > 0) {
                throw new IllegalArgumentException("a security context's lifetime and the numbers held must be positive, "
                        + "its renewal window not negative, its key rollover 0 to " + MAX_KEY_ROLLOVER.toSeconds()
                        + " s and at most half the lifetime");
            }
        }

        /** The key rollover a lifetime has unless configured: WCF's, or half the lifetime if that is shorter. */
        public static java.time.Duration defaultKeyRollover(java.time.Duration lifetime) {
            java.time.Duration half = lifetime.dividedBy(2);
            return half.compareTo(DEFAULT_KEY_ROLLOVER) < 0 ? half : DEFAULT_KEY_ROLLOVER;
        }

        /** How long a context is held: its lifetime and renewal window. */
        java.time.Duration held() {
            return lifetime.plus(renewalWindow);
        }

        /** Whether {@code context} is still held at {@code now} (in force, or in its renewal window). */
        boolean holds(Context context, Instant now) {
            return now.isBefore(context.expires().plus(renewalWindow));
        }
    }

    /** No context can be issued now: the gateway holds as many as it may. */
    final class FullException extends Exception {
        public FullException() {
            super("the gateway holds as many security contexts as it may");
        }
    }

    /** The contexts cannot be read or written now (the cluster's store does not answer): refused, never guessed. */
    final class UnavailableException extends Exception {
        public UnavailableException(String message) {
            super(message);
        }
    }

    /** A new context for {@code principal} with {@code secret}, under a fresh identifier no one can guess. */
    Context issue(Principal principal, byte[] secret, SecureConversation.Version version)
            throws FullException, UnavailableException;

    /**
     * The context held under {@code identifier}, if any: in force, or expired less than the renewal
     * window ago, which may only endorse its renewal or sign its cancellation ({@link #inForce}).
     */
    Optional<Context> find(String identifier) throws UnavailableException;

    /** Now, by this store's clock (the gateway's). */
    Instant now();

    /** Whether {@code context} is in force now. */
    default boolean inForce(Context context) {
        return now().isBefore(context.expires());
    }

    /**
     * Renews {@code context} for {@code principal}, the caller it was issued to as it proved itself
     * again (with its roles now; the caller of this method checks it is the same caller): the same
     * identifier, a new instance and {@code secret}, a full lifetime from now. Empty when the context
     * is not held as it was proved: cancelled, made way for another, past its renewal window, or
     * renewed since.
     */
    Optional<Context> renew(Context context, Principal principal, byte[] secret) throws UnavailableException;

    /** Ends {@code context} (found in force or held for its renewal), on every node; nothing if it is gone already. */
    void cancel(Context context) throws UnavailableException;

    /** A random (version 4) UUID as a URN: 122 bits from a SecureRandom. */
    static String newIdentifier() {
        return "urn:uuid:" + UUID.randomUUID();
    }
}
