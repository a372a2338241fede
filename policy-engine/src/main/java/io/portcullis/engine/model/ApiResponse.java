package io.portcullis.engine.model;

import io.portcullis.engine.dlp.SensitiveData;
import io.portcullis.engine.dlp.SensitiveDataScan;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The upstream's answer to a permitted request, as response rules see it. Response rules can block
 * it (object-level checks on the owner field, data leaks) or oblige changes (redact a field).
 *
 * @param request the request it answers, so rules can compare the response with the caller
 * @param status  HTTP status the upstream returned
 * @param headers response headers, names lower-cased
 * @param body    scalar body values addressed by JSON pointer ({@code /owner})
 * @param sensitiveData        the body's sensitive data, searched when a rule first asks
 * @param removedSensitiveData sensitive data the adapter found in what it removed from the answer
 *                             before the rules and the client saw it (fields an API description does
 *                             not declare), for the audit; not searched on every answer
 */
public record ApiResponse(ApiRequest request, int status, Map<String, List<String>> headers, Map<String, Object> body,
                          SensitiveDataScan sensitiveData, List<SensitiveData.Found> removedSensitiveData) {

    public ApiResponse {
        Objects.requireNonNull(request, "request");
        Map<String, List<String>> headerCopy = new LinkedHashMap<>();
        headers.forEach((k, v) -> headerCopy.put(k, List.copyOf(v)));
        headers = Collections.unmodifiableMap(headerCopy);
        body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
        Objects.requireNonNull(sensitiveData, "sensitiveData");
        removedSensitiveData = List.copyOf(removedSensitiveData);
    }

    /** A response whose body is searched for sensitive data when a rule first asks. */
    public ApiResponse(ApiRequest request, int status, Map<String, List<String>> headers, Map<String, Object> body) {
        this(request, status, headers, body, new SensitiveDataScan(body), List.of());
    }

    /** This response, noting sensitive data found in what the adapter removed from it. */
    public ApiResponse withRemovedSensitiveData(List<SensitiveData.Found> found) {
        return new ApiResponse(request, status, headers, body, sensitiveData, found);
    }

    /** The body holds sensitive data of a kind: {@code hasData("CARD")}, {@code US_SSN}, {@code IBAN}, {@code SECRET}, {@code EMAIL}, {@code PHONE}. */
    public boolean hasData(String kind) {
        return sensitiveData.found().stream().anyMatch(found -> found.kind().name().equals(kind));
    }

    /** The operation of the request this answers; lets response rules match on it directly. */
    public String operation() {
        return request.operation();
    }

    public Principal principal() {
        return request.principal();
    }

    public Object bodyValue(String pointer) {
        return body.get(pointer);
    }

    public String bodyText(String pointer) {
        return body.get(pointer) instanceof String s ? s : null;
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
