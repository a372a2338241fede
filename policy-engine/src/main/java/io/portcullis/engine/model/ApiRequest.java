package io.portcullis.engine.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One API call, protocol-neutral: what rules reason about. Adapters build it; rules only read it.
 *
 * <p>{@code operation} is the name rules match on, shaped so that the engine can index it:
 * REST {@code "GET /api/accounts/{id}"}, SOAP the body element's QName, GraphQL the operation type
 * and root fields. A REST request that matches no declared route template has the operation
 * {@link #UNDECLARED_OPERATION}, which no rule should permit.
 *
 * @param id                   gateway-assigned request id (also in logs, audit and client errors)
 * @param receivedAt           when the listener received the request
 * @param protocol             the protocol it arrived in
 * @param route                the configured route that handled it
 * @param operation            the operation name rules match on
 * @param method               the HTTP method
 * @param path                 the decoded request path
 * @param pathParams           values of the route template's {@code {name}} segments
 * @param query                decoded query parameters, in order of appearance
 * @param headers              request headers, names lower-cased
 * @param peer                 the immediate network peer
 * @param principal            the authenticated caller, or {@link Principal#ANONYMOUS}
 * @param authenticationFailure why presented credentials were refused ({@code API_KEY_UNKNOWN}), or empty
 * @param body                 scalar body values addressed by JSON pointer ({@code /amount})
 * @param attributes           typed protocol facts (GraphQL metrics, WS-Security results)
 * @param detections           what the detectors saw
 */
public record ApiRequest(
        String id,
        Instant receivedAt,
        Protocol protocol,
        String route,
        String operation,
        String method,
        String path,
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        Map<String, List<String>> headers,
        Peer peer,
        Principal principal,
        String authenticationFailure,
        Map<String, Object> body,
        Map<String, Object> attributes,
        List<Detection> detections) {

    public static final String UNDECLARED_OPERATION = "UNDECLARED";
    /** Longer text is not read as a number by {@link #bodyNumber}. */
    static final int MAX_NUMBER_CHARS = 1000;

    public ApiRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        pathParams = Map.copyOf(pathParams);
        query = copyMultimap(query);
        headers = copyMultimap(headers);
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(principal, "principal");
        authenticationFailure = authenticationFailure == null ? "" : authenticationFailure;
        body = unmodifiableOrdered(body);
        attributes = unmodifiableOrdered(attributes);
        detections = List.copyOf(detections);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Value of a route template parameter, or null. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** First value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** First value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Scalar body value at a JSON pointer (String, Number, Boolean), or null when absent. */
    public Object bodyValue(String pointer) {
        return body.get(pointer);
    }

    /** Body value at a JSON pointer as text, or null when absent or not a string. */
    public String bodyText(String pointer) {
        return body.get(pointer) instanceof String s ? s : null;
    }

    /**
     * Body value at a JSON pointer as a number, whatever the protocol carried: a JSON number or XML
     * text such as {@code 10000.00}. Null when absent or not a number: a rule that limits a value
     * must refuse null too ({@code bodyNumber("/amount") == null || bodyNumber("/amount") > 10000}),
     * or a value written so that it does not parse here slips past it.
     */
    public java.math.BigDecimal bodyNumber(String pointer) {
        return number(body.get(pointer));
    }

    /**
     * A numeric fact ({@code attributeNumber("graphql.depth") > 8}), or null when absent or not a
     * number: as with {@link #bodyNumber}, a limit rule must treat null as over the limit.
     */
    public java.math.BigDecimal attributeNumber(String name) {
        return number(attributes.get(name));
    }

    private static java.math.BigDecimal number(Object value) {
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Number number) {
            return new java.math.BigDecimal(number.toString());
        }
        // Bounded so parsing stays cheap; the bound is far above any real number, zero-padded ones included.
        if (value instanceof String text && !text.isBlank() && text.length() <= MAX_NUMBER_CHARS) {
            try {
                return new java.math.BigDecimal(text.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A fact as a list, for {@code contains}: the list itself, a single value as a one-element list,
     * empty when absent ({@code attributeValues("wss.algorithms") contains "...#sha1"}).
     */
    public List<Object> attributeValues(String name) {
        Object value = attributes.get(name);
        if (value == null) {
            return List.of();
        }
        return value instanceof java.util.Collection<?> values ? List.<Object>copyOf(values) : List.of(value);
    }

    /** A protocol or gateway fact by name ({@code authn.credentialLocation}), or null. */
    public Object attribute(String name) {
        return attributes.get(name);
    }

    /**
     * Whose rate-limit bucket this call counts against: the authenticated caller
     * ({@code subject:alice}), else the client address ({@code address:203.0.113.7}; an IPv6
     * client's network, see {@link Peer#countingKey()}).
     */
    public String callerKey() {
        if (!principal.authenticated()) {
            return "address:" + peer.countingKey();
        }
        return principal.callerKey();
    }

    /** True when credentials were presented and refused. */
    public boolean authenticationFailed() {
        return !authenticationFailure.isEmpty();
    }

    private static Map<String, List<String>> copyMultimap(Map<String, List<String>> source) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        source.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static Map<String, Object> unmodifiableOrdered(Map<String, Object> source) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(source));
    }

    /** Builder for adapters and fixtures; every field but id, route, operation, method and path has a default. */
    public static final class Builder {
        private String id;
        private Instant receivedAt = Instant.EPOCH;
        private Protocol protocol = Protocol.REST;
        private String route = "";
        private String operation = UNDECLARED_OPERATION;
        private String method = "GET";
        private String path = "/";
        private Map<String, String> pathParams = Map.of();
        private Map<String, List<String>> query = Map.of();
        private Map<String, List<String>> headers = Map.of();
        private Peer peer = Peer.UNKNOWN;
        private Principal principal = Principal.ANONYMOUS;
        private String authenticationFailure = "";
        private Map<String, Object> body = Map.of();
        private Map<String, Object> attributes = Map.of();
        private List<Detection> detections = List.of();

        private Builder() {
        }

        private Builder(ApiRequest r) {
            id = r.id;
            receivedAt = r.receivedAt;
            protocol = r.protocol;
            route = r.route;
            operation = r.operation;
            method = r.method;
            path = r.path;
            pathParams = r.pathParams;
            query = r.query;
            headers = r.headers;
            peer = r.peer;
            principal = r.principal;
            authenticationFailure = r.authenticationFailure;
            body = r.body;
            attributes = r.attributes;
            detections = r.detections;
        }

        public Builder id(String v) { id = v; return this; }
        public Builder receivedAt(Instant v) { receivedAt = v; return this; }
        public Builder protocol(Protocol v) { protocol = v; return this; }
        public Builder route(String v) { route = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder path(String v) { path = v; return this; }
        public Builder pathParams(Map<String, String> v) { pathParams = v; return this; }
        public Builder query(Map<String, List<String>> v) { query = v; return this; }
        public Builder headers(Map<String, List<String>> v) { headers = v; return this; }
        public Builder peer(Peer v) { peer = v; return this; }
        public Builder principal(Principal v) { principal = v; return this; }
        public Builder authenticationFailure(String v) { authenticationFailure = v; return this; }
        public Builder body(Map<String, Object> v) { body = v; return this; }
        public Builder attributes(Map<String, Object> v) { attributes = v; return this; }
        public Builder detections(List<Detection> v) { detections = v; return this; }

        public ApiRequest build() {
            return new ApiRequest(id, receivedAt, protocol, route, operation, method, path, pathParams, query,
                    headers, peer, principal, authenticationFailure, body, attributes, detections);
        }
    }
}
