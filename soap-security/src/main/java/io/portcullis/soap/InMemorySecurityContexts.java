package io.portcullis.soap;

import io.portcullis.engine.model.Principal;

import java.time.Clock;
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

    private final Limits limits;
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

    public InMemorySecurityContexts(Limits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Context issue(Principal principal, byte[] secret, SecureConversation.Version version) throws FullException {
        Instant now = clock.instant();
        dropExpired(now);
        Deque<String> own = byCaller.computeIfAbsent(principal.callerKey(), caller -> new ArrayDeque<>());
        if (own.size() < limits.maxContextsPerCaller() && byIdentifier.size() >= limits.maxContexts()) {
            dropOneExpired(now);
        }
        if (own.size() < limits.maxContextsPerCaller() && byIdentifier.size() >= limits.maxContexts()) {
            // Refused before anything of the caller's is given up: its own oldest only makes way for a new one.
            if (own.isEmpty()) {
                byCaller.remove(principal.callerKey());
            }
            throw new FullException();
        }
        while (own.size() >= limits.maxContextsPerCaller()) {
            byIdentifier.remove(own.removeFirst());
        }
        Context context = new Context(SecurityContexts.newIdentifier(), secret.clone(), principal, now.plus(limits.lifetime()), version);
        hold(context, own);
        return context;
    }

    @Override
    public synchronized Optional<Context> renew(Context context, Principal principal, byte[] secret) {
        Instant now = clock.instant();
        Context held = byIdentifier.get(context.identifier());
        if (held != context || !limits.holds(held, now)) {
            // Cancelled, made way, past its window, or renewed meanwhile: the proof was of a key no longer the context's.
            return Optional.empty();
        }
        Deque<String> own = byCaller.get(held.principal().callerKey());
        own.remove(held.identifier());
        Context renewed = held.renewed(principal, secret, now, limits);
        hold(renewed, own);
        return Optional.of(renewed);
    }

    /** Holds {@code context} as its caller's newest. Guarded by {@code this}. */
    private void hold(Context context, Deque<String> own) {
        byIdentifier.put(context.identifier(), context);
        own.addLast(context.identifier());
        byAge.addLast(context);
        if (byAge.size() >= 2 * limits.maxContexts()) {
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
        if (!limits.holds(context, clock.instant())) {
            forget(context);
            return Optional.empty();
        }
        return Optional.of(context);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public synchronized void cancel(Context context) {
        Context held = byIdentifier.get(context.identifier());
        if (held != null) {
            forget(held);
        }
    }

    public int size() {
        return byIdentifier.size();
    }

    private synchronized void forget(Context context) {
        if (!byIdentifier.remove(context.identifier(), context)) {
            return; // renewed or cancelled meanwhile
        }
        Deque<String> own = byCaller.get(context.principal().callerKey());
        if (own != null) {
            own.remove(context.identifier());
            if (own.isEmpty()) {
                byCaller.remove(context.principal().callerKey());
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
        while (!byAge.isEmpty() && (!limits.holds(byAge.peekFirst(), now)
                || byIdentifier.get(byAge.peekFirst().identifier()) != byAge.peekFirst())) {
            Context oldest = byAge.removeFirst();
            if (byIdentifier.get(oldest.identifier()) == oldest) {
                forget(oldest);
            }
        }
    }
}
