package io.portcullis.engine.gate;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.ProtocolAdapter;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.audit.AuditLog;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.engine.authn.AuthenticationChain;
import io.portcullis.engine.detect.AttackDetection;
import io.portcullis.engine.http.HttpForwarding;
import io.portcullis.engine.http.HttpPolicy;
import io.portcullis.engine.http.UpstreamErrors;
import io.portcullis.engine.net.NetworkPolicy;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Peer;
import io.portcullis.engine.policy.PolicyEngine;
import io.portcullis.engine.ratelimit.LocalRateLimiter;
import io.portcullis.engine.ratelimit.RateLimits;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The enforcement sequence for one route, free of any server or integration framework:
 * normalize → authenticate → decide → (forward) → decide the response → audit.
 *
 * <p>A refusal that tells about the API (the OpenAPI description's: which paths exist, what a body
 * must hold) waits for authentication: an anonymous caller the rules would refuse gets their refusal.
 *
 * <p>Every path through it fails closed: an adapter, authenticator or obligation that fails
 * refuses the message. Exactly one audit event is written per request, on whichever path ends it.
 */
public final class Gatekeeper {

    private static final Logger LOG = LoggerFactory.getLogger(Gatekeeper.class);
    private static final String MDC_REQUEST_ID = "requestId";

    /** Audit reason: the adapter removed sensitive data the upstream sent in undeclared fields. */
    public static final String SENSITIVE_DATA_CUT = "SENSITIVE_DATA_CUT";
    /** The audit stage of a request the gateway answered itself ({@link ProtocolAdapter#answer}). */
    public static final String ANSWER = "ANSWER";
    /** A Host header that is not exactly one host name (two headers, a list, no host syntax). */
    public static final String HOST_AMBIGUOUS = "HOST_AMBIGUOUS";
    /** A transfer coding other than chunked. */
    public static final String TRANSFER_CODING_UNSUPPORTED = "TRANSFER_CODING_UNSUPPORTED";
    /** A request body with a Content-Encoding. */
    public static final String CONTENT_CODING_REFUSED = "CONTENT_CODING_REFUSED";
    /** An upstream answer in a content coding the upstream client did not decode. */
    public static final String UPSTREAM_RESPONSE_ENCODED = "UPSTREAM_RESPONSE_ENCODED";
    /** A host name or address literal, and a port. */
    private static final java.util.regex.Pattern HOST =
            java.util.regex.Pattern.compile("(?:\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9._-]{1,253})(?::[0-9]{1,5})?");

    private final String route;
    private final ProtocolAdapter adapter;
    private final AuthenticationChain authentication;
    private final PolicyEngine engine;
    private final AuditLog audit;
    private final Clock clock;
    private final HttpPolicy http;
    private final NetworkPolicy network;
    private final AttackDetection detection;
    private final RateLimits rateLimits;

    public Gatekeeper(String route, ProtocolAdapter adapter, AuthenticationChain authentication, PolicyEngine engine,
                      AuditLog audit, Clock clock) {
        this(route, adapter, authentication, engine, audit, clock, HttpPolicy.DEFAULTS, NetworkPolicy.OPEN,
                AttackDetection.defaults(), new RateLimits(new LocalRateLimiter()));
    }

    /**
     * @param http      the route's methods, CORS and response headers
     * @param network   who may reach the gateway, and which proxies name the client
     * @param detection the attack detectors and the level they run at
     * @param rateLimits where the rate limits rules choose are counted (shared by a gateway's routes)
     */
    public Gatekeeper(String route, ProtocolAdapter adapter, AuthenticationChain authentication, PolicyEngine engine,
                      AuditLog audit, Clock clock, HttpPolicy http, NetworkPolicy network, AttackDetection detection,
                      RateLimits rateLimits) {
        this.detection = detection;
        this.rateLimits = rateLimits;
        this.network = network;
        this.http = http;
        this.route = route;
        this.adapter = adapter;
        this.authentication = authentication;
        this.engine = engine;
        this.audit = audit;
        this.clock = clock;
    }

    public Admission admit(HttpRequestMessage message, Peer peer) {
        long start = System.nanoTime();
        String requestId = RequestIds.next();
        MDC.put(MDC_REQUEST_ID, requestId);
        Admission admission;
        try {
            admission = decide(message, peer, requestId, start);
        } catch (Throwable t) {
            // Fail closed on anything, Errors included: the request is refused and audited.
            LOG.error("request {} refused: enforcement failed: {}", requestId, t.toString(), t);
            admission = refuseUnread(requestId, start, message, peer, 500, "GATEWAY_ERROR", "The request could not be processed.");
        } finally {
            MDC.remove(MDC_REQUEST_ID);
        }
        if (admission.admitted()) {
            return admission;
        }
        boolean authenticated = admission.request() != null && admission.request().principal().authenticated();
        return new Admission(admission.requestId(), admission.startNanos(), admission.request(), admission.decision(), null,
                http.harden(admission.reply(), message.header("origin"), peer.secure(), authenticated, false));
    }

    private Admission decide(HttpRequestMessage message, Peer connection, String requestId, long start) {
        // Judged by the address the client has: its own, or the one trusted proxies name.
        String client = network.clientAddress(connection.address(), message.header("x-forwarded-for"));
        Peer peer = network.peer(client, client.equals(connection.address()) ? connection.port() : 0,
                connection.clientCertificate(), connection.secure());
        String blocked = network.refusal(client);
        if (blocked != null) {
            return refuseUnread(requestId, start, message, peer, 403, blocked, "Requests from this address are not accepted.");
        }
        // A preflight asks about the method the browser will send, not OPTIONS: answered whatever methods: lists.
        if (HttpPolicy.isPreflight(message)) {
            return preflight(message, peer, requestId, start);
        }
        if (!http.allows(message.method())) {
            Admission refused = refuseUnread(requestId, start, message, peer, 405, "METHOD_NOT_ALLOWED",
                    "This API does not take that method.");
            return new Admission(requestId, start, null, refused.decision(), null, refused.reply().withAddedHeaders(
                    Map.of("allow", List.of(String.join(", ", http.methods().stream().sorted().toList())))));
        }
        Admission ambiguous = refuseAmbiguousRequest(message, peer, requestId, start);
        if (ambiguous != null) {
            return ambiguous;
        }
        // An address whose requests keep failing before the rules (malformed, forged) is not read for a moment.
        if (rateLimits.refusalsExhausted(peer.countingKey())) {
            Admission refused = refuseUnread(requestId, start, message, peer, 429, RateLimits.TOO_MANY_REFUSALS,
                    "Too many refused requests from this address; try again shortly.");
            return new Admission(requestId, start, null, refused.decision(), null,
                    refused.reply().withAddedHeaders(Map.of("retry-after", List.of("1"))));
        }
        RequestContext context = new RequestContext(requestId, clock.instant(), route, peer);
        ApiRequest request;
        RequestRejectedException breach = null;
        try {
            request = adapter.normalize(message, context);
        } catch (RequestRejectedException e) {
            rateLimits.countRefusal(peer.countingKey());
            if (e.read() == null) {
                return refuseUnread(requestId, start, message, peer, e.status(), e.reason(), clientMessage(e, requestId, message, peer));
            }
            request = e.read();
            breach = e;
        } catch (RuntimeException e) {
            LOG.error("request {} refused: the {} adapter failed: {}", requestId, adapter.protocol(), e.toString(), e);
            return refuseUnread(requestId, start, message, peer, 500, "ADAPTER_ERROR", "The request could not be processed.");
        }
        request = detection.inspect(authentication.authenticate(request));
        if (breach != null && request.principal().authenticated()) {
            return refuseRead(request, message, breach, start);
        }
        Decision decision = engine.decideAll(adapter.views(request));
        // Permitted calls count against their caller's limits, and so do an anonymous caller's refusals:
        // a guesser's refusals run its address's buckets dry, and then it is told 429.
        RateLimits.Verdict limited = rateLimits.apply(decision.obligations());
        if (!limited.allowed()) {
            return rateLimited(request, message, decision, limited, breach, requestId, start);
        }
        if (!decision.permitted()) {
            // The request is refused either way. An anonymous caller whose request also broke the API's
            // contract is told only to authenticate (or that its credentials are not valid): the rules'
            // other reasons would say what the API holds (a GraphQL limit fires for a document the schema
            // refused, which has no cost). The audit keeps every reason.
            Decision told = breach == null ? decision : decision.status() == 401 ? decision.leadingReasonOnly()
                    : Decision.authenticationRequired(List.of(), decision.obligations(), decision.ruleIds(), decision.revision());
            HttpResponseMessage refusal = refusal(request, told.status(), told.reasons(), told.message());
            record(request, "REQUEST", told, breach == null ? decision.reasons()
                    : union(union(told.reasons(), decision.reasons()), List.of(breach.reason())), decision.ruleIds(), List.of(), null, start);
            return new Admission(requestId, start, request, told, null, refusal);
        }
        if (breach != null) {
            return refuseRead(request, message, breach, start);
        }
        List<Obligation> obligations = RateLimits.withoutLimits(decision.obligations());
        HttpResponseMessage answer;
        try {
            answer = adapter.answer(request, obligations);
        } catch (RequestRejectedException e) {
            // Permitted, and still not served (a WS-SecureConversation context the store cannot hold now).
            Decision failed = new Decision(Decision.Effect.DENY, e.status(), List.of(e.reason()), e.getMessage(), List.of(),
                    decision.ruleIds(), decision.revision());
            record(request, ANSWER, failed, failed.reasons(), decision.ruleIds(), List.of(), null, start);
            return new Admission(requestId, start, request, failed, null, refusal(request, e.status(), failed.reasons(), e.getMessage()));
        } catch (ObligationException e) {
            return unfulfilled(request, decision, e, ANSWER, start);
        }
        if (answer != null) {
            record(request, ANSWER, decision, decision.reasons(), decision.ruleIds(), obligations, null, start);
            return new Admission(requestId, start, request, decision, null, answer.withAddedHeaders(limited.headers()));
        }
        HttpRequestMessage forward = HttpForwarding.toUpstream(message, requestId, peer, request.principal(),
                authentication.credentialHeaders(), authentication.credentialQueryParameters());
        try {
            forward = adapter.fulfil(request, forward, obligations);
        } catch (ObligationException e) {
            return unfulfilled(request, decision, e, "REQUEST", start);
        }
        return new Admission(requestId, start, request, decision, forward, null, limited.headers());
    }

    /**
     * A request the gateway and the upstream (or a proxy in front) could read differently is refused
     * before its body is read: a Host that is not one name (two headers, a list: servers pick
     * different ones), a transfer coding other than chunked (RFC 9112 6.1: 501), and a content
     * coding, whose bytes the detectors cannot read while an upstream may decompress them and read
     * the attack. Names are compared as upstreams that read {@code Content_Encoding} as
     * {@code Content-Encoding} (CGI, WSGI, PHP) compare them.
     */
    private Admission refuseAmbiguousRequest(HttpRequestMessage message, Peer peer, String requestId, long start) {
        List<String> hosts = valuesOf(message.headers(), "host");
        String reason = null;
        int status = 400;
        String text = null;
        if (hosts.size() > 1 || (hosts.size() == 1 && !HOST.matcher(hosts.get(0).strip()).matches())) {
            reason = HOST_AMBIGUOUS;
            text = "Send exactly one Host header naming one host.";
        }
        List<String> transferCodings = valuesOf(message.headers(), "transfer-encoding");
        if (reason == null && !transferCodings.isEmpty()
                && !(transferCodings.size() == 1 && transferCodings.get(0).strip().equalsIgnoreCase("chunked"))) {
            reason = TRANSFER_CODING_UNSUPPORTED;
            status = 501;
            text = "The only transfer coding accepted is chunked.";
        }
        if (reason == null && encoded(message.headers())) {
            reason = CONTENT_CODING_REFUSED;
            status = 415;
            text = "Request bodies are accepted without a Content-Encoding; send the body uncompressed.";
        }
        if (reason == null) {
            return null;
        }
        rateLimits.countRefusal(peer.countingKey());
        Admission refused = refuseUnread(requestId, start, message, peer, status, reason, text);
        return !reason.equals(CONTENT_CODING_REFUSED) ? refused : new Admission(requestId, start, null, refused.decision(), null,
                refused.reply().withAddedHeaders(Map.of("accept-encoding", List.of("identity"))));
    }

    /** The values of a header under its own name and its underscore aliases. */
    private static List<String> valuesOf(Map<String, List<String>> headers, String canonicalName) {
        List<String> values = new ArrayList<>(1);
        headers.forEach((name, list) -> {
            if (HttpForwarding.canonical(name).equals(canonicalName)) {
                values.addAll(list);
            }
        });
        return values;
    }

    /** The message carries a Content-Encoding other than identity, under its own name or an underscore alias. */
    private static boolean encoded(Map<String, List<String>> headers) {
        return valuesOf(headers, "content-encoding").stream()
                .anyMatch(codings -> java.util.Arrays.stream(codings.split(","))
                        .anyMatch(c -> !c.isBlank() && !c.strip().equalsIgnoreCase("identity")));
    }

    /**
     * The path as audited: card numbers, SSNs and IBANs in it masked as in responses (PCI DSS 3.4:
     * a card number in a URL must not be stored in the clear). Only a path with nine digits is searched.
     */
    static String auditedPath(String path) {
        int digits = 0;
        for (int i = 0; i < path.length() && digits < 9; i++) {
            if (Character.isDigit(path.charAt(i))) {
                digits++;
            }
        }
        if (digits < 9) {
            return path;
        }
        String masked = path;
        for (var kind : List.of(io.portcullis.engine.dlp.SensitiveData.Kind.CARD, io.portcullis.engine.dlp.SensitiveData.Kind.US_SSN,
                io.portcullis.engine.dlp.SensitiveData.Kind.IBAN)) {
            masked = io.portcullis.engine.dlp.SensitiveData.mask(kind, masked);
        }
        return masked;
    }

    /** A permitted request whose obligations could not be fulfilled: refused, 500. */
    private Admission unfulfilled(ApiRequest request, Decision decision, ObligationException e, String stage, long start) {
        LOG.error("request {} refused: obligation not fulfilled: {}", request.id(), e.getMessage());
        Decision failed = Decision.indeterminate(500, "OBLIGATION_UNFULFILLED", decision.revision());
        record(request, stage, failed, failed.reasons(), decision.ruleIds(), List.of(), null, start);
        return new Admission(request.id(), start, request, failed, null, refusal(request, 500, failed.reasons(), failed.message()));
    }

    /** 429 with the limit's state and Retry-After; 503 when a quota cannot be counted (the cluster's store is down). */
    private Admission rateLimited(ApiRequest request, HttpRequestMessage message, Decision decision, RateLimits.Verdict limited,
                                  RequestRejectedException breach, String requestId, long start) {
        int status = limited.unavailable() ? 503 : 429;
        String text = limited.unavailable() ? "The service cannot take this request now; try again later."
                : limited.tooCostly() ? "This request costs more than the limit " + limited.refusedBy().name() + " allows at all ("
                + limited.refusedBy().capacity() + " per " + period(limited.refusedBy().period()) + "); make it cheaper."
                : "Too many requests: the limit " + limited.refusedBy().name() + " allows " + limited.refusedBy().capacity()
                + " per " + period(limited.refusedBy().period()) + ".";
        Decision refused = new Decision(Decision.Effect.DENY, status, List.of(limited.reason()), text, List.of(limited.refusedBy()),
                decision.ruleIds(), decision.revision());
        record(request, "REQUEST", refused, breach == null ? refused.reasons() : union(refused.reasons(), List.of(breach.reason())),
                refused.ruleIds(), refused.obligations(), null, start);
        HttpResponseMessage refusal = refusal(request, status, refused.reasons(), text);
        return new Admission(requestId, start, request, refused, null, refusal.withAddedHeaders(limited.headers()));
    }

    private static String period(java.time.Duration period) {
        long seconds = period.toSeconds();
        return seconds % 86_400 == 0 ? seconds / 86_400 + " day(s)" : seconds % 3_600 == 0 ? seconds / 3_600 + " hour(s)"
                : seconds % 60 == 0 ? seconds / 60 + " minute(s)" : seconds + " second(s)";
    }

    /** A browser asking whether it may send a cross-origin request: answered here, never forwarded. */
    private Admission preflight(HttpRequestMessage message, Peer peer, String requestId, long start) {
        HttpResponseMessage answer = http.preflight(message);
        if (answer == null) {
            return refuseUnread(requestId, start, message, peer, 403, "CORS_NOT_ALLOWED",
                    "This API may not be called from that origin with that request.");
        }
        ApiRequest unread = unread(requestId, message, peer);
        Decision allowed = new Decision(Decision.Effect.PERMIT, 204, List.of("CORS_PREFLIGHT"), "", List.of(), List.of(), "");
        record(unread, "PREFLIGHT", allowed, allowed.reasons(), List.of(), List.of(), null, start);
        return new Admission(requestId, start, null, allowed, null, answer);
    }

    /** Decides the upstream's response to an admitted request and returns what the client gets. */
    public HttpResponseMessage release(Admission admission, HttpResponseMessage upstream) {
        MDC.put(MDC_REQUEST_ID, admission.requestId());
        HttpResponseMessage out;
        try {
            out = decideResponse(admission, upstream);
            if (!admission.responseHeaders().isEmpty()) {
                out = out.withAddedHeaders(admission.responseHeaders());
            }
        } catch (Throwable t) {
            LOG.error("response to {} withheld: enforcement failed: {}", admission.requestId(), t.toString(), t);
            out = refuseResponse(admission, Decision.indeterminate(502, "GATEWAY_ERROR", admission.decision().revision()),
                    upstream.status());
        } finally {
            MDC.remove(MDC_REQUEST_ID);
        }
        return hardened(admission, out, true);
    }

    private HttpResponseMessage hardened(Admission admission, HttpResponseMessage response, boolean fromUpstream) {
        ApiRequest request = admission.request();
        return http.harden(response, request.header("origin"), request.peer().secure(), request.principal().authenticated(),
                fromUpstream);
    }

    private HttpResponseMessage decideResponse(Admission admission, HttpResponseMessage upstream) {
        ApiRequest request = admission.request();
        String requestId = admission.requestId();
        if (UpstreamErrors.revealing(adapter.serverErrorsAreFaults(), upstream)) {
            LOG.warn("response to {} replaced: the upstream answered {} with a server error or internals", requestId,
                    upstream.status());
            Decision hidden = new Decision(Decision.Effect.DENY, upstream.status() >= 500 ? upstream.status() : 502,
                    List.of(UpstreamErrors.HIDDEN), "The service could not complete the request.", List.of(), List.of(),
                    admission.decision().revision());
            HttpResponseMessage generic = refuseResponse(admission, hidden, upstream.status());
            String retryAfter = upstream.header("retry-after");
            if (retryAfter == null) {
                return generic;
            }
            return generic.withAddedHeaders(Map.of("retry-after", List.of(retryAfter)));
        }
        if (upstream.body().length > 0 && encoded(upstream.headers())) {
            // A coding the upstream client did not decode (br, zstd): neither the rules nor DLP can read it.
            LOG.warn("response to {} withheld: the upstream answered in a content coding the gateway cannot read", requestId);
            return refuseResponse(admission, Decision.indeterminate(502, UPSTREAM_RESPONSE_ENCODED, admission.decision().revision()),
                    upstream.status());
        }
        ApiResponse response;
        try {
            response = adapter.normalizeResponse(request, upstream);
        } catch (RequestRejectedException e) {
            LOG.warn("response to {} withheld: {}", requestId, e.getMessage());
            return refuseResponse(admission, Decision.indeterminate(502, e.reason(), admission.decision().revision()),
                    upstream.status());
        }
        Decision decision = Decision.allOf(adapter.views(response).stream()
                .map(view -> masksFound(engine.decideResponse(view.response()), view.response()).within(view.bodyPointer()))
                .toList());
        if (decision.obligations().stream().anyMatch(o -> o instanceof io.portcullis.engine.model.Obligation.RateLimit)) {
            // Limits are counted before the upstream is called; one found on the answer cannot be kept.
            LOG.error("response to {} withheld: a response rule set a rate limit, which only request rules can", requestId);
            return refuseResponse(admission, Decision.indeterminate(502, "OBLIGATION_UNFULFILLED", decision.revision()),
                    upstream.status());
        }
        if (!decision.permitted()) {
            return refuseResponse(admission, decision, upstream.status(), response.removedSensitiveData());
        }
        HttpResponseMessage out = upstream.withHeaders(HttpForwarding.toClient(upstream, requestId));
        try {
            out = adapter.fulfil(request, out, decision.obligations());
        } catch (ObligationException e) {
            LOG.error("response to {} withheld: obligation not fulfilled: {}", requestId, e.getMessage());
            return refuseResponse(admission, Decision.indeterminate(502, "OBLIGATION_UNFULFILLED", decision.revision()),
                    upstream.status());
        }
        List<String> reasons = union(admission.decision().reasons(), decision.reasons());
        if (!response.removedSensitiveData().isEmpty()) {
            // The upstream exposes what its API description does not declare; the client did not get it.
            reasons = union(reasons, List.of(SENSITIVE_DATA_CUT));
        }
        List<String> ruleIds = union(admission.decision().ruleIds(), decision.ruleIds());
        List<Obligation> obligations = new ArrayList<>(admission.decision().obligations());
        obligations.addAll(decision.obligations());
        Decision permit = new Decision(Decision.Effect.PERMIT, upstream.status(), reasons, "", obligations, ruleIds,
                decision.revision());
        record(request, "RESPONSE", permit, reasons, ruleIds, obligations, upstream.status(), admission.startNanos(),
                response.removedSensitiveData());
        return out;
    }

    /** A rule's "mask this kind of data" as one mask per value the response holds of that kind. */
    private static Decision masksFound(Decision decision, ApiResponse response) {
        if (decision.obligations().stream().noneMatch(o -> o instanceof Obligation.MaskData)) {
            return decision;
        }
        List<Obligation> obligations = new ArrayList<>();
        for (Obligation obligation : decision.obligations()) {
            if (obligation instanceof Obligation.MaskData mask) {
                response.sensitiveData().found().stream()
                        .filter(found -> found.kind() == mask.kind())
                        .map(found -> new Obligation.MaskValue(found.pointer(), found.kind()))
                        .distinct()
                        .forEach(obligations::add);
            } else {
                obligations.add(obligation);
            }
        }
        return new Decision(decision.effect(), decision.status(), decision.reasons(), decision.message(), obligations,
                decision.ruleIds(), decision.revision());
    }

    /** The upstream could not be reached or did not answer in time. */
    public HttpResponseMessage upstreamFailed(Admission admission, boolean timedOut, Throwable cause) {
        String reason = timedOut ? "UPSTREAM_TIMEOUT" : "UPSTREAM_UNAVAILABLE";
        LOG.warn("request {}: upstream of route {} failed: {}", admission.requestId(), route, cause.toString());
        Decision failed = Decision.indeterminate(timedOut ? 504 : 502, reason, admission.decision().revision());
        record(admission.request(), "UPSTREAM", failed, failed.reasons(), admission.decision().ruleIds(), List.of(), null,
                admission.startNanos());
        return hardened(admission, refusal(admission.request(), failed.status(), failed.reasons(),
                timedOut ? "The service behind this gateway did not answer in time."
                        : "The service behind this gateway is not available."), false);
    }

    /** The protocol's refusal of a request it could not read; a 401 also names the ways the caller can authenticate. */
    private HttpResponseMessage refusal(String requestId, HttpRequestMessage refused, int status, List<String> reasons,
                                        String message) {
        return challenged(adapter.refusal(requestId, refused, status, reasons, message), status);
    }

    /** The protocol's refusal of a request it read, in that request's terms. */
    private HttpResponseMessage refusal(ApiRequest request, int status, List<String> reasons, String message) {
        return challenged(adapter.refusal(request, status, reasons, message), status);
    }

    private HttpResponseMessage challenged(HttpResponseMessage refusal, int status) {
        if (status != 401 || authentication.challenges().isEmpty()) {
            return refusal;
        }
        return refusal.withAddedHeaders(Map.of("www-authenticate", authentication.challenges()));
    }

    /**
     * The refusal's message, and the adapter's diagnostics when the caller may see them: the caller
     * is authenticated from the request's headers and asked for the operation that grants them.
     */
    private String clientMessage(RequestRejectedException rejected, String requestId, HttpRequestMessage message, Peer peer) {
        if (rejected.diagnostics() == null) {
            return rejected.getMessage();
        }
        ApiRequest asking = authentication.authenticate(unread(requestId, message, peer).toBuilder()
                .operation(rejected.diagnosticsOperation()).headers(message.headers()).build());
        return engine.decide(asking).permitted() ? rejected.getMessage() + " " + rejected.diagnostics() : rejected.getMessage();
    }

    private ApiRequest unread(String requestId, HttpRequestMessage message, Peer peer) {
        return ApiRequest.builder().id(requestId).receivedAt(clock.instant()).protocol(adapter.protocol())
                .route(route).method(message.method()).path(truncate(message.rawPath())).peer(peer).build();
    }

    /** The adapter's refusal of a request it read whole, audited with its caller. */
    private Admission refuseRead(ApiRequest request, HttpRequestMessage message, RequestRejectedException breach, long start) {
        String text = clientMessage(breach, request.id(), message, request.peer());
        Decision refused = new Decision(Decision.Effect.DENY, breach.status(), List.of(breach.reason()), text, List.of(),
                List.of(), "");
        record(request, "ADAPTER", refused, refused.reasons(), List.of(), List.of(), null, start);
        return new Admission(request.id(), start, request, refused, null,
                refusal(request, breach.status(), refused.reasons(), text));
    }

    private Admission refuseUnread(String requestId, long start, HttpRequestMessage message, Peer peer, int status,
                                   String reason, String clientMessage) {
        ApiRequest unread = unread(requestId, message, peer);
        Decision refused = new Decision(Decision.Effect.DENY, status, List.of(reason), clientMessage, List.of(), List.of(), "");
        record(unread, "ADAPTER", refused, refused.reasons(), List.of(), List.of(), null, start);
        return new Admission(requestId, start, null, refused, null,
                refusal(requestId, message, status, List.of(reason), clientMessage));
    }

    private HttpResponseMessage refuseResponse(Admission admission, Decision decision, int upstreamStatus) {
        return refuseResponse(admission, decision, upstreamStatus, List.of());
    }

    private HttpResponseMessage refuseResponse(Admission admission, Decision decision, int upstreamStatus,
                                               List<io.portcullis.engine.dlp.SensitiveData.Found> removed) {
        List<String> reasons = removed.isEmpty() ? decision.reasons() : union(decision.reasons(), List.of(SENSITIVE_DATA_CUT));
        record(admission.request(), "RESPONSE", decision, reasons,
                union(admission.decision().ruleIds(), decision.ruleIds()), List.of(), upstreamStatus, admission.startNanos(), removed);
        return refusal(admission.request(), decision.status(), decision.reasons(), decision.message());
    }

    private void record(ApiRequest request, String stage, Decision decision, List<String> reasons, List<String> ruleIds,
                        List<Obligation> obligations, Integer upstreamStatus, long start) {
        record(request, stage, decision, reasons, ruleIds, obligations, upstreamStatus, start, List.of());
    }

    /** At most this many findings in removed parts go into one audit event (a SIEM bounds an event's size). */
    private static final int MAX_REMOVED_LISTED = 20;

    /**
     * @param removed sensitive data in parts of the answer the adapter removed: listed with the redacted
     *                fields, the first {@value #MAX_REMOVED_LISTED} and a count of the rest
     */
    private void record(ApiRequest request, String stage, Decision decision, List<String> reasons, List<String> ruleIds,
                        List<Obligation> obligations, Integer upstreamStatus, long start,
                        List<io.portcullis.engine.dlp.SensitiveData.Found> found) {
        List<io.portcullis.engine.dlp.SensitiveData.Found> removed = found.size() <= MAX_REMOVED_LISTED ? found
                : found.subList(0, MAX_REMOVED_LISTED);
        java.util.stream.Stream<String> more = found.size() <= MAX_REMOVED_LISTED ? java.util.stream.Stream.empty()
                : java.util.stream.Stream.of((found.size() - MAX_REMOVED_LISTED) + " more sensitive values in removed fields");
        var principal = request.principal();
        DecisionEvent event = new DecisionEvent(DecisionEvent.VERSION, request.id(), request.receivedAt(), route,
                request.protocol().name(), request.operation(), request.method(), auditedPath(request.path()), request.peer().address(),
                request.peer().hasClientCertificate() ? request.peer().clientCertificate().subject() + " x5t#S256="
                        + request.peer().clientCertificate().sha256Thumbprint() : null,
                new DecisionEvent.Caller(principal.subject(), principal.authMethod().name(),
                        principal.methods().stream().map(Enum::name).sorted().toList(), principal.keyId(),
                        principal.roles().stream().sorted().toList(), principal.tenant()),
                request.authenticationFailure(),
                request.attribute(io.portcullis.engine.authn.AuthenticationChain.CLAIMED_IDENTITY) instanceof String claimed
                        ? claimed : null,
                stage, decision.effect().name(), decision.status(), reasons, ruleIds,
                obligations.stream().map(Obligation::describe).toList(),
                java.util.stream.Stream.concat(obligations.stream().map(o -> o instanceof Obligation.RedactField field ? field.pointer()
                                : o instanceof Obligation.MaskValue mask ? mask.pointer() : null),
                                removed.stream().map(io.portcullis.engine.dlp.SensitiveData.Found::pointer))
                        .filter(java.util.Objects::nonNull).distinct().toList(),
                java.util.stream.Stream.concat(
                        request.detections().stream().map(d -> d.describe() + " (" + d.evidence() + ", " + d.score() + ")"),
                        java.util.stream.Stream.concat(removed.stream().map(one -> one.kind().name() + " at response" + one.pointer()
                                + " (in a field the API description does not declare, removed)"), more)).toList(),
                decision.revision(), upstreamStatus, (System.nanoTime() - start) / 1_000);
        audit.record(event);
    }

    private static List<String> union(List<String> first, List<String> second) {
        Set<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        all.remove("");
        return List.copyOf(all);
    }

    private static String truncate(String path) {
        return path.length() <= 256 ? path : path.substring(0, 256);
    }
}
