package io.portcullis.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.json.JsonBodies;
import io.portcullis.engine.json.JsonLimits;
import io.portcullis.engine.http.MediaType;
import io.portcullis.engine.http.QueryString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The GraphQL operations one HTTP request carries (GraphQL over HTTP): a JSON object
 * {@code {"query", "operationName", "variables"}}, or an array of them (batching), by POST; or the
 * same as query parameters by GET, which may only run queries (a mutation by GET could be sent
 * by any web page a victim visits). JSON is read strictly: duplicate keys, trailing content and
 * oversized documents are refused.
 *
 * @param query         the GraphQL document, or null when the request names a persisted query by hash only
 * @param operationName the operation to run, or null
 * @param variables     the variables as JSON (an object), or null
 * @param persistedQuery the SHA-256 (lower-case hex) the request names in
 *                      {@code extensions.persistedQuery.sha256Hash} (Apollo's convention), or null
 * @param viaGet        the request came by GET: only queries may run
 */
public record GraphQlHttpRequest(String query, String operationName, JsonNode variables, String persistedQuery,
                                 boolean viaGet) {

    public static final String REQUEST_INVALID = "GRAPHQL_REQUEST_INVALID";
    public static final String MUTATION_BY_GET = "GRAPHQL_MUTATION_BY_GET";

    private static final List<String> GRAPHQL_PARAMETERS = List.of("query", "operationName", "variables", "extensions");

    /** The same strict reader and limits as every JSON request body (duplicate keys, depth, sizes). */
    private static final JsonBodies JSON = new JsonBodies(JsonLimits.REQUESTS);

    /**
     * What one HTTP request carries.
     *
     * @param requests the operations requested, in order
     * @param batch    the body was a JSON array: the answer is one too
     */
    public record Batch(List<GraphQlHttpRequest> requests, boolean batch) {
    }

    /**
     * The operations an HTTP request carries, and whether the body was a batch. A GET with a body, or
     * a POST with GraphQL parameters in its URL, is refused: the gateway and the server could read
     * different ones.
     *
     * @throws RequestRejectedException 405 for other methods, 415 for other media types, 400
     *                                  {@link #REQUEST_INVALID} (or a {@code JSON_*} code) for
     *                                  anything else that is not a GraphQL request
     */
    public static Batch readAll(HttpRequestMessage message) throws RequestRejectedException {
        if (message.method().equals("GET")) {
            if (message.body().length > 0) {
                throw invalid("A GraphQL request by GET has no body.");
            }
            return new Batch(List.of(fromQueryString(message.rawQuery())), false);
        }
        if (!message.method().equals("POST")) {
            throw new RequestRejectedException(405, "METHOD_NOT_ALLOWED", "GraphQL requests are sent with POST or GET.");
        }
        if (message.rawQuery() != null && !message.rawQuery().isEmpty()) {
            Map<String, List<String>> parameters = QueryString.parse(message.rawQuery());
            if (GRAPHQL_PARAMETERS.stream().anyMatch(parameters::containsKey)) {
                throw invalid("A GraphQL request by POST carries its query in the body only.");
            }
        }
        if (!"application/json".equals(MediaType.of(message.header("content-type")))) {
            throw new RequestRejectedException(415, "UNSUPPORTED_MEDIA_TYPE", "GraphQL requests are sent as application/json.");
        }
        JsonNode body;
        try {
            body = JSON.read(message.body());
        } catch (JsonBodies.JsonRejected e) {
            throw new RequestRejectedException(400, e.reason, e.getMessage());
        }
        if (body.isArray()) {
            List<GraphQlHttpRequest> batch = new ArrayList<>();
            for (JsonNode element : body) {
                batch.add(fromObject(element));
            }
            if (batch.isEmpty()) {
                throw invalid("The batch holds no GraphQL request.");
            }
            return new Batch(List.copyOf(batch), true);
        }
        return new Batch(List.of(fromObject(body)), false);
    }

    /** Only {@code query} may run this way; the caller checks after parsing (see {@link #MUTATION_BY_GET}). */
    public void requireQueryIfGet(GraphQlOperation operation) throws RequestRejectedException {
        if (viaGet && !operation.type().equals("query")) {
            throw new RequestRejectedException(405, MUTATION_BY_GET, "Only queries may be sent with GET.");
        }
    }

    private static GraphQlHttpRequest fromObject(JsonNode node) throws RequestRejectedException {
        if (!node.isObject()) {
            throw invalid("A GraphQL request is a JSON object.");
        }
        JsonNode query = node.get("query");
        String persistedQuery = persistedQuery(node.get("extensions"));
        if (query == null && persistedQuery == null || query != null && !query.isTextual()) {
            throw invalid("A GraphQL request needs a query string.");
        }
        JsonNode operationName = node.get("operationName");
        if (operationName != null && !operationName.isNull() && !operationName.isTextual()) {
            throw invalid("operationName must be a string.");
        }
        JsonNode variables = node.get("variables");
        if (variables != null && !variables.isNull() && !variables.isObject()) {
            throw invalid("variables must be a JSON object.");
        }
        return new GraphQlHttpRequest(query == null ? null : query.textValue(),
                operationName == null || operationName.isNull() ? null : operationName.textValue(),
                variables == null || variables.isNull() ? null : variables, persistedQuery, false);
    }

    private static String persistedQuery(JsonNode extensions) throws RequestRejectedException {
        if (extensions == null || extensions.isNull()) {
            return null;
        }
        if (!extensions.isObject()) {
            throw invalid("extensions must be a JSON object.");
        }
        JsonNode persisted = extensions.get("persistedQuery");
        if (persisted == null) {
            return null;
        }
        JsonNode hash = persisted.get("sha256Hash");
        if (hash == null || !hash.isTextual() || !hash.textValue().matches("[0-9a-fA-F]{64}")) {
            throw invalid("extensions.persistedQuery.sha256Hash must be a SHA-256 in hex.");
        }
        return hash.textValue().toLowerCase(java.util.Locale.ROOT);
    }

    private static GraphQlHttpRequest fromQueryString(String rawQuery) throws RequestRejectedException {
        Map<String, List<String>> parameters = QueryString.parse(rawQuery);
        if (parameters.values().stream().anyMatch(values -> values.size() > 1)) {
            throw invalid("A GraphQL parameter is repeated.");
        }
        String query = single(parameters, "query");
        String persistedQuery = null;
        String rawExtensions = single(parameters, "extensions");
        if (rawExtensions != null) {
            try {
                persistedQuery = persistedQuery(JSON.read(rawExtensions.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (JsonBodies.JsonRejected e) {
                throw invalid("extensions must be a JSON object.");
            }
        }
        if ((query == null || query.isBlank()) && persistedQuery == null) {
            throw invalid("A GraphQL request needs a query.");
        }
        JsonNode variables = null;
        String rawVariables = single(parameters, "variables");
        if (rawVariables != null) {
            try {
                variables = JSON.read(rawVariables.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (JsonBodies.JsonRejected e) {
                throw invalid("variables must be a JSON object.");
            }
            if (variables != null && !variables.isObject()) {
                throw invalid("variables must be a JSON object.");
            }
        }
        return new GraphQlHttpRequest(query == null || query.isBlank() ? null : query, single(parameters, "operationName"),
                variables, persistedQuery, true);
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null ? null : values.get(0);
    }

    private static RequestRejectedException invalid(String message) {
        return new RequestRejectedException(400, REQUEST_INVALID, message);
    }
}
