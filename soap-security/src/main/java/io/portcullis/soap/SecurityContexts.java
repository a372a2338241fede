package io.portcullis.soap;

import io.portcullis.engine.model.Principal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WS-SecureConversation contexts this gateway issued and that are still in force: each a secret
 * shared with one caller, standing for the identity that caller proved when it asked for it (a
 * password in a UsernameToken, a certificate). Messages signed with a context's keys are that
 * caller's, until the context expires or the caller cancels it.
 *
 * <p>Bounded twice: in all, and per caller, whose oldest context makes way for its newest (a client
 * that opens a channel per call must not crowd others out). Held in this process only, never
 * written anywhere: a context's secret is a credential.
 */
public final class SecurityContexts {

    /**
     * @param version the WS-SecureConversation version it was issued under; messages and answers
     *                refer to it in that version's namespace
     */
    public record Context(String identifier, byte[] secret, Principal principal, Instant expires,
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
            return "Context[" + identifier + ", " + principal.subject() + ", until " + expires + "]";
        }
    }

    /** No context can be issued now: the gateway holds as many as it may. */
    public static final class FullException extends Exception {
        FullException() {
            super("the gateway holds as many security contexts as it may");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration lifetime;
    private final int capacity;
    private final int perCaller;
    private final Clock clock;
    private final Map<String, Context> byIdentifier = new ConcurrentHashMap<>();
    /** Each caller's contexts, oldest first; guarded by {@code this}. */
    private final Map<String, Deque<String>> byCaller = new HashMap<>();

    /**
     * @param lifetime  how long a context is in force after it is issued
     * @param capacity  how many contexts the gateway holds at most
     * @param perCaller how many one caller holds at most
     */
    public SecurityContexts(Duration lifetime, int capacity, int perCaller, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || capacity < 1 || perCaller < 1) {
            throw new IllegalArgumentException("a security context's lifetime and the numbers held must be positive");
        }
        this.lifetime = lifetime;
        this.capacity = capacity;
        this.perCaller = perCaller;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new context for {@code principal} with {@code secret}, under a fresh identifier no one can guess. */
    public synchronized Context issue(Principal principal, byte[] secret, SecureConversation.Version version) throws FullException {
        Instant now = clock.instant();
        Deque<String> own = byCaller.computeIfAbsent(principal.subject(), subject -> new ArrayDeque<>());
        while (own.size() >= perCaller) {
            byIdentifier.remove(own.removeFirst());
        }
        if (byIdentifier.size() >= capacity) {
            dropExpired(now);
            if (byIdentifier.size() >= capacity) {
                throw new FullException();
            }
        }
        Context context = new Context("urn:uuid:" + UUID.randomUUID(), secret.clone(), principal, now.plus(lifetime), version);
        byIdentifier.put(context.identifier(), context);
        own.addLast(context.identifier());
        return context;
    }

    /** The context in force under {@code identifier}, if any. */
    public Optional<Context> find(String identifier) {
        Context context = identifier == null ? null : byIdentifier.get(identifier);
        if (context == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(context.expires())) {
            forget(context);
            return Optional.empty();
        }
        return Optional.of(context);
    }

    /** Ends a context before it expires; whether it was in force. */
    public boolean cancel(String identifier) {
        Optional<Context> context = find(identifier);
        context.ifPresent(this::forget);
        return context.isPresent();
    }

    public int size() {
        return byIdentifier.size();
    }

    /** Random bytes, for a key or the gateway's entropy. */
    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private synchronized void forget(Context context) {
        byIdentifier.remove(context.identifier());
        Deque<String> own = byCaller.get(context.principal().subject());
        if (own != null) {
            own.remove(context.identifier());
            if (own.isEmpty()) {
                byCaller.remove(context.principal().subject());
            }
        }
    }

    private void dropExpired(Instant now) {
        for (Context context : byIdentifier.values()) {
            if (!now.isBefore(context.expires())) {
                forget(context);
            }
        }
    }
}
