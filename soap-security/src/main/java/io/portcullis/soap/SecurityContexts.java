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
 */
public interface SecurityContexts {

    /**
     * @param instance which renewal of the context this is (WS-SecureConversation's Instance), null
     *                 until it is first renewed; each renewal has a new one and a new secret
     * @param version  the WS-SecureConversation version it was issued under; messages and answers
     *                 refer to it in that version's namespace
     */
    record Context(String identifier, String instance, byte[] secret, Principal principal, Instant expires,
                   SecureConversation.Version version) {

        public Context {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(expires, "expires");
            Objects.requireNonNull(version, "version");
        }

        @Override
        public String toString() {
            return "Context[" + identifier + (instance == null ? "" : " " + instance) + ", " + principal.subject()
                    + ", until " + expires + "]";
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
     */
    record Limits(java.time.Duration lifetime, java.time.Duration renewalWindow, int maxContexts, int maxContextsPerCaller) {

        public Limits {
            if (lifetime.isNegative() || lifetime.isZero() || renewalWindow.isNegative() || maxContexts < 1
                    || maxContextsPerCaller < 1) {
                throw new IllegalArgumentException("a security context's lifetime and the numbers held must be positive, "
                        + "its renewal window not negative");
            }
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

    /** Whether {@code context} is in force now, by this store's clock. */
    boolean inForce(Context context);

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
