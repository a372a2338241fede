package io.portcullis.engine.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as a listener received it, independent of any server library.
 *
 * @param method   request method, upper case
 * @param rawPath  path exactly as sent, still percent-encoded
 * @param rawQuery query string as sent without the '?', or empty
 * @param headers  header names lower-cased, values in order of appearance
 * @param body     the body bytes (empty when none)
 */
public record HttpRequestMessage(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                                 byte[] body) {

    public HttpRequestMessage {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        rawQuery = rawQuery == null ? "" : rawQuery;
        headers = lowerCased(headers);
        body = body == null ? new byte[0] : body;
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public HttpRequestMessage withHeaders(Map<String, List<String>> newHeaders) {
        return new HttpRequestMessage(method, rawPath, rawQuery, newHeaders, body);
    }

    public HttpRequestMessage withBody(Map<String, List<String>> newHeaders, byte[] newBody) {
        return new HttpRequestMessage(method, rawPath, rawQuery, newHeaders, newBody);
    }

    static Map<String, List<String>> lowerCased(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values), (a, b) -> {
            List<String> joined = new java.util.ArrayList<>(a);
            joined.addAll(b);
            return List.copyOf(joined);
        }));
        return Collections.unmodifiableMap(copy);
    }
}
