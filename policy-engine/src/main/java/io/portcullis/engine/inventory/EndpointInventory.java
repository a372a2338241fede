package io.portcullis.engine.inventory;

import io.portcullis.engine.audit.AuditLog;
import io.portcullis.engine.audit.DecisionEvent;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API inventory the gateway learns from its own traffic (OWASP API9): endpoints called that no
 * route describes (shadow endpoints: a path or method outside the OpenAPI description, or no
 * declared operation) and deprecated operations still in use, with how often and when. It listens
 * to the audit events every request already produces, so it adds no work to the decision.
 *
 * <p>Memory is bounded: past {@link #MAX_ENDPOINTS} distinct endpoints, new ones are only counted
 * as dropped (a scanner walking random paths must not grow it without end).
 */
public final class EndpointInventory implements AuditLog {

    public static final int MAX_ENDPOINTS = 10_000;
    private static final Set<String> SHADOW = Set.of("OPENAPI_PATH_UNDECLARED", "OPENAPI_METHOD_UNDECLARED");
    private static final String DEPRECATED = "DEPRECATED_OPERATION";

    /** One endpoint seen, by route, method and path; never a caller or a body. */
    public record Entry(String kind, String route, String method, String path, long calls, Instant firstSeen, Instant lastSeen) {
    }

    private record Key(String kind, String route, String method, String path) {
    }

    private static final class Seen {
        final Instant first;
        volatile Instant last;
        final AtomicLong calls = new AtomicLong();

        Seen(Instant first) {
            this.first = first;
            this.last = first;
        }
    }

    private final AuditLog next;
    private final Map<Key, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /** @param next where audit events go on to (the audit log proper) */
    public EndpointInventory(AuditLog next) {
        this.next = next;
    }

    @Override
    public void record(DecisionEvent event) {
        next.record(event);
        String kind = kind(event);
        if (kind == null) {
            return;
        }
        Key key = new Key(kind, event.route(), event.method(), event.path());
        Seen entry = seen.get(key);
        if (entry == null) {
            if (seen.size() >= MAX_ENDPOINTS) {
                dropped.incrementAndGet();
                return;
            }
            entry = seen.computeIfAbsent(key, k -> new Seen(event.time()));
        }
        entry.calls.incrementAndGet();
        entry.last = event.time();
    }

    private static String kind(DecisionEvent event) {
        if (event.reasons().stream().anyMatch(SHADOW::contains) || io.portcullis.engine.model.ApiRequest.UNDECLARED_OPERATION.equals(event.operation())) {
            return "shadow";
        }
        return event.reasons().contains(DEPRECATED) ? "deprecated" : null;
    }

    /** What has been seen, most called first. */
    public List<Entry> entries() {
        return seen.entrySet().stream()
                .map(e -> new Entry(e.getKey().kind(), e.getKey().route(), e.getKey().method(), e.getKey().path(),
                        e.getValue().calls.get(), e.getValue().first, e.getValue().last))
                .sorted(Comparator.comparingLong(Entry::calls).reversed().thenComparing(Entry::path))
                .toList();
    }

    /** Endpoints not recorded because the inventory was full. */
    public long dropped() {
        return dropped.get();
    }
}
