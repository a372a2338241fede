package io.portcullis.engine.adapter;

import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Protocol;
import java.util.List;

/**
 * What each protocol adapter (REST, SOAP, GraphQL) provides: turning its wire format into the
 * protocol-neutral model, and decisions back into its own error format. One instance serves one
 * configured route, so it may hold that route's settings (templates, schemas, limits).
 */
public interface ProtocolAdapter {

    Protocol protocol();

    /**
     * @throws RequestRejectedException when the request is malformed or over a limit; nothing of
     *                                  the offending input may appear in the exception's message
     */
    ApiRequest normalize(HttpRequestMessage message, RequestContext context) throws RequestRejectedException;

    /**
     * The views of a request the rules judge one by one; the request goes through only if every
     * view is permitted. Most requests are one operation and their own only view; a GraphQL request
     * selecting several root fields is one view per root field, so a public field cannot carry a
     * private one past the rules.
     *
     * @param request the request after authentication (views carry its principal)
     */
    default List<ApiRequest> views(ApiRequest request) {
        return List.of(request);
    }

    /**
     * The protocol answers its own faults with an HTTP 5xx (SOAP): a server error is then not by
     * itself a leak of the upstream's internals (see {@code UpstreamErrors}).
     */
    default boolean serverErrorsAreFaults() {
        return false;
    }

    /** @throws RequestRejectedException when the upstream's response cannot be read as this protocol */
    ApiResponse normalizeResponse(ApiRequest request, HttpResponseMessage response) throws RequestRejectedException;

    /**
     * The views of a response the rules judge one by one, each answering the request view it
     * belongs to; the response goes through only if no view is denied. A GraphQL response is one
     * view per root field ({@code /data/account} for the {@code account} view), so an object-level
     * rule reads {@code /owner} on every face.
     */
    default List<ResponseView> views(ApiResponse response) {
        return List.of(new ResponseView(response, ""));
    }

    /**
     * The protocol's error for a refusal of a request it could not read: problem+json, a SOAP fault, a
     * GraphQL error.
     *
     * @param refused the refused request as it arrived, so the answer can be in what the caller speaks
     *                (a SOAP version, say); never echoed
     */
    HttpResponseMessage refusal(String requestId, HttpRequestMessage refused, int status, List<String> reasons, String message);

    /** The protocol's error for a refusal of a request it read, in that request's terms (SOAP relates it by WS-Addressing). */
    HttpResponseMessage refusal(ApiRequest request, int status, List<String> reasons, String message);

    /**
     * The protocol's own answer to a request the gateway serves itself instead of forwarding it (a
     * WS-Trust request for a security context, which the gateway issues). Asked only once the rules
     * have permitted the request.
     *
     * @param obligations the decision's obligations, which the answer must fulfil (headers) or refuse
     * @return the answer, or null to forward the request upstream
     * @throws RequestRejectedException when the request, permitted, still cannot be served (its status and reason go to the client)
     * @throws ObligationException      when an obligation cannot be fulfilled on this answer
     */
    default HttpResponseMessage answer(ApiRequest request, List<Obligation> obligations)
            throws RequestRejectedException, ObligationException {
        return null;
    }

    /**
     * Makes what is forwarded upstream: applies request-side obligations, and whatever the
     * protocol's processing changed (a SOAP body decrypted, its consumed Security header removed).
     *
     * @param request the request as {@link #normalize} made it and the rules decided it
     */
    HttpRequestMessage fulfil(ApiRequest request, HttpRequestMessage forward, List<Obligation> obligations)
            throws ObligationException;

    /**
     * Makes what is returned to the client: applies response-side obligations, and whatever the
     * protocol secures on the way out (a SOAP response signed, or encrypted for the caller).
     */
    HttpResponseMessage fulfil(ApiRequest request, HttpResponseMessage response, List<Obligation> obligations)
            throws ObligationException;
}
