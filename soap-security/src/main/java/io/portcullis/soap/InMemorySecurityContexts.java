package io.portcullis.soap;

import io.portcullis.engine.model.Principal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The security contexts this gateway node issued, held in its memory: a caller sent to another node
 * is not known there (use {@link RedisSecurityContexts} for a cluster). Bounded in all and per caller.
 */
public final class InMemorySecurityContexts implements SecurityContexts {

    private final Duration lifetime;
    private final Duration renewalWindow;
    private final int capacity;
    private final int perCaller;
    private final Clock clock;
    private final Map<String, Context> byIdentifier = new ConcurrentHashMap<>();
    /** Each caller's contexts, oldest first; guarded by {@code this}. */
    private final Map<String, Deque<String>> byCaller = new HashMap<>();
    /**
     * Every context by time of issue or renewal, which is the order they expire in (one lifetime for
     * all), so the expired are dropped from the front without a scan; cancelled and renewed ones are
     * skipped there. Guarded by {@code this}.
     */
    private final Deque<Context> byAge = new ArrayDeque<>();

    /**
     * @param lifetime      how long a context is in force after it is issued or renewed
     * @param renewalWindow how long past its expiry a context may still be renewed (and is held, while
     *                      there is room)
     * @param capacity      how many contexts the gateway holds at most
     * @param perCaller     how many one caller holds at most
     */
    public InMemorySecurityContexts(Duration lifetime, Duration renewalWindow, int capacity, int perCaller, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || renewalWindow.isNegative() || capacity < 1 || perCaller < 1) {
            throw new IllegalArgumentException("a security context's lifetime and the numbers held must be positive, its renewal "
                    + "window not negative");
        }
        this.lifetime = lifetime;
        this.renewalWindow = renewalWindow;
        this.capacity = capacity;
        this.perCaller = perCaller;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Context issue(Principal principal, byte[] secret, SecureConversation.Version version) throws FullException {
        Instant now = clock.instant();
        dropExpired(now);
        Deque<String> own = byCaller.computeIfAbsent(principal.subject(), subject -> new ArrayDeque<>());
        if (own.size() < perCaller && byIdentifier.size() >= capacity) {
            dropOneExpired(now);
        }
        if (own.size() < perCaller && byIdentifier.size() >= capacity) {
            // Refused before anything of the caller's is given up: its own oldest only makes way for a new one.
            if (own.isEmpty()) {
                byCaller.remove(principal.subject());
            }
            throw new FullException();
        }
        while (own.size() >= perCaller) {
            byIdentifier.remove(own.removeFirst());
        }
        Context context = new Context(SecurityContexts.newIdentifier(), null, secret.clone(), principal, now.plus(lifetime), version);
        hold(context, own);
        return context;
    }

    @Override
    public synchronized Optional<Context> renew(Context context, Principal principal, byte[] secret) {
        Instant now = clock.instant();
        Context held = byIdentifier.get(context.identifier());
        if (held != context || !now.isBefore(held.expires().plus(renewalWindow))) {
            // Cancelled, made way, past its window, or renewed meanwhile: the proof was of a key no longer the context's.
            return Optional.empty();
        }
        Deque<String> own = byCaller.get(held.principal().subject());
        own.remove(held.identifier());
        Context renewed = new Context(held.identifier(), SecurityContexts.newIdentifier(), secret.clone(), principal,
                now.plus(lifetime), held.version());
        hold(renewed, own);
        return Optional.of(renewed);
    }

    /** Holds {@code context} as its caller's newest. Guarded by {@code this}. */
    private void hold(Context context, Deque<String> own) {
        byIdentifier.put(context.identifier(), context);
        own.addLast(context.identifier());
        byAge.addLast(context);
        if (byAge.size() >= 2 * capacity) {
            // Cancelled, renewed and evicted contexts behind a live one: gone at most every capacity issues, so cheap.
            byAge.removeIf(held -> byIdentifier.get(held.identifier()) != held);
        }
    }

    @Override
    public Optional<Context> find(String identifier) {
        Context context = identifier == null ? null : byIdentifier.get(identifier);
        if (context == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(context.expires().plus(renewalWindow))) {
            forget(context);
            return Optional.empty();
        }
        return Optional.of(context);
    }

    @Override
    public boolean inForce(Context context) {
        return clock.instant().isBefore(context.expires());
    }

    @Override
    public boolean cancel(String identifier) {
        Optional<Context> context = find(identifier);
        context.ifPresent(this::forget);
        return context.isPresent();
    }

    public int size() {
        return byIdentifier.size();
    }

    private synchronized void forget(Context context) {
        if (!byIdentifier.remove(context.identifier(), context)) {
            return; // renewed or cancelled meanwhile
        }
        Deque<String> own = byCaller.get(context.principal().subject());
        if (own != null) {
            own.remove(context.identifier());
            if (own.isEmpty()) {
                byCaller.remove(context.principal().subject());
            }
        }
    }

    /** Drops the context that expired first, if any has: a full gateway holds expired contexts only while it has room. */
    private void dropOneExpired(Instant now) {
        while (!byAge.isEmpty()) {
            Context oldest = byAge.peekFirst();
            if (byIdentifier.get(oldest.identifier()) != oldest) {
                byAge.removeFirst();
            } else if (!now.isBefore(oldest.expires())) {
                byAge.removeFirst();
                forget(oldest);
                return;
            } else {
                return;
            }
        }
    }

    private void dropExpired(Instant now) {
        while (!byAge.isEmpty() && (!now.isBefore(byAge.peekFirst().expires().plus(renewalWindow))
                || byIdentifier.get(byAge.peekFirst().identifier()) != byAge.peekFirst())) {
            Context oldest = byAge.removeFirst();
            if (byIdentifier.get(oldest.identifier()) == oldest) {
                forget(oldest);
            }
        }
    }
}
