package io.portcullis.camel.component;

import io.portcullis.engine.http.HttpResponseMessage;

/**
 * Thrown by {@code portcullis:enforce?onDeny=exception} so that a route's own error handling
 * decides what to do with a refusal. The refusal the gateway would have sent is attached.
 */
public final class PolicyDeniedException extends Exception {

    private final transient HttpResponseMessage refusal;

    public PolicyDeniedException(String requestId, HttpResponseMessage refusal) {
        super("request " + requestId + " refused by policy with status " + refusal.status());
        this.refusal = refusal;
    }

    public HttpResponseMessage refusal() {
        return refusal;
    }
}
