package io.portcullis.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.engine.http.HttpForwarding;
import io.portcullis.engine.http.HttpResponseMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9457 {@code application/problem+json} refusals: a generic title for the status, the
 * client-safe message from the rule, the reason codes and the request id to quote to support.
 */
public final class ProblemDetails {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(409, "Conflict"), Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private ProblemDetails() {
    }

    public static HttpResponseMessage of(String requestId, int status, List<String> reasons, String message) {
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "about:blank");
        problem.put("title", TITLES.getOrDefault(status, status >= 500 ? "Server Error" : "Request Refused"));
        problem.put("status", status);
        if (!message.isEmpty()) {
            problem.put("detail", message);
        }
        problem.put("requestId", requestId);
        reasons.forEach(problem.putArray("reasons")::add);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/problem+json"));
        headers.put("cache-control", List.of("no-store"));
        headers.put(HttpForwarding.REQUEST_ID, List.of(requestId));
        try {
            return new HttpResponseMessage(status, headers, JSON.writeValueAsBytes(problem));
        } catch (Exception e) {
            throw new IllegalStateException("a problem document could not be written", e);
        }
    }
}
