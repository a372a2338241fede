package io.portcullis.engine.gate;

import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Decision;

/**
 * The outcome of {@link Gatekeeper#admit}: either a message to forward upstream, or a refusal to
 * send to the client. Carried across the upstream call so the response is decided in context.
 *
 * @param request  the normalised request, null when the adapter refused the input itself
 * @param forward  what to send upstream; null when refused
 * @param refusal  what to send the client; null when admitted
 * @param responseHeaders what the gateway adds to the client's response (the rate-limit state)
 */
public record Admission(String requestId, long startNanos, ApiRequest request, Decision decision,
                        HttpRequestMessage forward, HttpResponseMessage refusal,
                        java.util.Map<String, java.util.List<String>> responseHeaders) {

    public Admission(String requestId, long startNanos, ApiRequest request, Decision decision, HttpRequestMessage forward,
                     HttpResponseMessage refusal) {
        this(requestId, startNanos, request, decision, forward, refusal, java.util.Map.of());
    }

    public boolean admitted() {
        return refusal == null;
    }
}
