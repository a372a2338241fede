package io.portcullis.graphql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A refusal as GraphQL clients expect it (GraphQL over HTTP): {@code {"errors": [{"message",
 * "extensions": {"code", "requestId"}}]}}, one error per reason code, the message the rule or
 * adapter wrote for the client. Never the parser's or validator's own messages, which quote the
 * document and suggest schema names.
 */
public final class GraphQlErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GENERIC = "The request was refused.";

    private GraphQlErrors() {
    }

    public static byte[] render(String requestId, List<String> reasons, String message) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode errors = body.putArray("errors");
        List<String> codes = reasons.isEmpty() ? List.of("REFUSED") : reasons;
        for (String code : codes) {
            ObjectNode error = errors.addObject();
            error.put("message", message == null || message.isBlank() ? GENERIC : message);
            ObjectNode extensions = error.putObject("extensions");
            extensions.put("code", code);
            extensions.put("requestId", requestId);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a GraphQL error could not be written", e);
        }
    }
}
