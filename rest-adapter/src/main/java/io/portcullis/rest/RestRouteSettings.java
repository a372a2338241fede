package io.portcullis.rest;

import io.portcullis.engine.json.JsonLimits;
import java.util.List;
import java.util.Locale;

/**
 * How the REST adapter treats one route.
 *
 * @param route             route name, for the model and audit
 * @param operations        declared operations ({@code "GET /api/accounts/{id}"}); anything else is UNDECLARED
 * @param maxBodyBytes      larger bodies are refused with 413
 * @param jsonLimits        what a JSON request body may hold (depth, object entries, array length,
 *                          string length); over them, 400
 * @param bodyContentTypes  media types accepted for request bodies; JSON ones are parsed
 * @param maxResponseBytes  larger upstream responses are withheld (502) rather than inspected
 * @param openApi           the API's OpenAPI description that requests must match and responses
 *                          are cut to, or null
 */
public record RestRouteSettings(String route, List<String> operations, int maxBodyBytes, JsonLimits jsonLimits,
                                List<String> bodyContentTypes, int maxResponseBytes, OpenApiContract openApi) {

    public static final List<String> JSON_ONLY = List.of("application/json");
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 16 << 20;

    public RestRouteSettings {
        operations = List.copyOf(operations);
        bodyContentTypes = bodyContentTypes.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        java.util.Objects.requireNonNull(jsonLimits, "jsonLimits");
        if (maxBodyBytes <= 0 || maxResponseBytes <= 0) {
            throw new IllegalArgumentException("body limits must be positive");
        }
    }

    /** A route without an OpenAPI description: the declared operations are its whole contract. */
    public RestRouteSettings(String route, List<String> operations, int maxBodyBytes, JsonLimits jsonLimits,
                             List<String> bodyContentTypes, int maxResponseBytes) {
        this(route, operations, maxBodyBytes, jsonLimits, bodyContentTypes, maxResponseBytes, null);
    }
}
