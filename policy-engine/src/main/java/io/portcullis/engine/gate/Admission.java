package io.portcullis.engine.gate;

import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Decision;

/**
 * The outcome of {@link Gatekeeper#admit}: either a message to forward upstream, or a reply to send
 * the client instead: a refusal, or the gateway's own answer (a CORS preflight, an issued
 * WS-SecureConversation context), told apart by the decision. Carried across the upstream call so
 * the response is decided in context.
 *
 * @param request  the normalised request, null when the adapter refused the input itself
 * @param forward  what to send upstream; null when refused
 * @param reply    what to send the client instead of forwarding; null when admitted
 * @param responseHeaders what the gateway adds to the client's response (the rate-limit state)
 */
public record Admission(String requestId, long startNanos, ApiRequest request, Decision decision,
                        HttpRequestMessage forward, HttpResponseMessage reply,
                        java.util.Map<String, java.util.List<String>> responseHeaders) {

    public Admission(String requestId, long startNanos, ApiRequest request, Decision decision, HttpRequestMessage forward,
                     HttpResponseMessage reply) {
        this(requestId, startNanos, request, decision, forward, reply, java.util.Map.of());
    }

    public boolean admitted() {
        return reply == null;
    }

    /** Answered by the gateway itself, permitted: nothing goes upstream, and nothing was refused. */
    public boolean answered() {
        return reply != null && decision != null && decision.permitted();
    }
}
