package io.portcullis.engine.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP response, from the upstream or made by the gateway.
 *
 * @param status  status code
 * @param headers header names lower-cased
 * @param body    body bytes (empty when none)
 */
public record HttpResponseMessage(int status, Map<String, List<String>> headers, byte[] body) {

    public HttpResponseMessage {
        headers = HttpRequestMessage.lowerCased(headers);
        body = body == null ? new byte[0] : body;
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public HttpResponseMessage withHeaders(Map<String, List<String>> newHeaders) {
        return new HttpResponseMessage(status, newHeaders, body);
    }

    /** This response with {@code more} headers, each replacing one of the same name. */
    public HttpResponseMessage withAddedHeaders(Map<String, List<String>> more) {
        Map<String, List<String>> merged = new java.util.LinkedHashMap<>(headers);
        merged.putAll(more);
        return new HttpResponseMessage(status, merged, body);
    }
}
