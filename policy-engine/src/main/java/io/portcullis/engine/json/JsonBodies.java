package io.portcullis.engine.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.engine.http.MediaType;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.Obligation;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON bodies strictly (duplicate keys and trailing content refused, nesting bounded) and
 * removes fields by JSON pointer for redaction obligations: the one JSON reader of the REST and
 * GraphQL adapters.
 */
public final class JsonBodies {

    /** Longer member names are refused: no API needs them, and every flattened pointer repeats them. */
    public static final int MAX_NAME_LENGTH = 1024;
    public static final long MAX_TOKENS = 200_000;

    private final ObjectMapper mapper;
    private final JsonLimits limits;

    public JsonBodies(JsonLimits limits) {
        this.limits = limits;
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxNameLength(MAX_NAME_LENGTH)
                .maxTokenCount(MAX_TOKENS)
                .maxStringLength(limits.maxStringLength())
                .build());
        mapper.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // Amounts stay exact decimals, as the rules compare them.
        mapper.enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    public static boolean isJson(String contentType) {
        String mediaType = MediaType.of(contentType);
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /** @throws JsonRejected naming what is wrong, never the content */
    public JsonNode read(byte[] body) throws JsonRejected {
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            JsonNode node = mapper.readTree(parser);
            if (node == null) {
                throw new JsonRejected("JSON_MALFORMED", "The request body is not valid JSON.");
            }
            // Response limits bound nothing but depth (the parser's): no walk needed.
            if (limits.maxObjectEntries() != Integer.MAX_VALUE || limits.maxArrayLength() != Integer.MAX_VALUE) {
                checkSizes(node);
            }
            return node;
        } catch (StreamConstraintsException e) {
            if (e.getMessage() != null && e.getMessage().contains("nesting depth")) {
                throw new JsonRejected("JSON_TOO_DEEP", "The JSON body is nested too deeply.");
            }
            if (e.getMessage() != null && e.getMessage().contains("String value length")) {
                throw new JsonRejected("JSON_STRING_TOO_LONG", "A string in the JSON body is longer than this API accepts.");
            }
            throw new JsonRejected("JSON_TOO_COMPLEX", "The JSON body has more values or longer names than this API accepts.");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
                throw new JsonRejected("JSON_DUPLICATE_KEY", "The JSON body repeats a key within one object.");
            }
            throw new JsonRejected("JSON_MALFORMED", "The request body is not valid JSON.");
        }
    }

    /** Object and array sizes; depth is bounded by the parser, so this walk cannot run deep. */
    private void checkSizes(JsonNode node) throws JsonRejected {
        if (node.isObject()) {
            if (node.size() > limits.maxObjectEntries()) {
                throw new JsonRejected("JSON_TOO_MANY_ENTRIES", "An object in the JSON body has more members than this API accepts.");
            }
        } else if (node.isArray()) {
            if (node.size() > limits.maxArrayLength()) {
                throw new JsonRejected("JSON_ARRAY_TOO_LONG", "An array in the JSON body is longer than this API accepts.");
            }
        } else {
            return;
        }
        for (JsonNode child : node) {
            checkSizes(child);
        }
    }

    public byte[] write(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a parsed JSON tree could not be written back", e);
        }
    }

    /**
     * An upstream's response body as values by JSON pointer; empty when it is not JSON.
     *
     * @throws RequestRejectedException 502 when it is too large, malformed or too complex to inspect
     */
    public Map<String, Object> responseValues(HttpResponseMessage response, int maxResponseBytes)
            throws RequestRejectedException {
        return values(responseTree(response, maxResponseBytes));
    }

    /**
     * An upstream's response body as a tree; null when it is empty or not JSON.
     *
     * @throws RequestRejectedException 502 when it is too large or malformed
     */
    public JsonNode responseTree(HttpResponseMessage response, int maxResponseBytes) throws RequestRejectedException {
        if (response.body().length > maxResponseBytes) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_TOO_LARGE",
                    "The upstream's response is larger than this API may return.");
        }
        if (response.body().length == 0 || !isJson(response.header("content-type"))) {
            return null;
        }
        try {
            return read(response.body());
        } catch (JsonRejected e) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_MALFORMED",
                    "The upstream's JSON response could not be read (" + e.reason + ").");
        }
    }

    /**
     * A response tree as values by JSON pointer; empty for null.
     *
     * @throws RequestRejectedException 502 when it is too complex to inspect
     */
    public static Map<String, Object> values(JsonNode tree) throws RequestRejectedException {
        if (tree == null) {
            return Map.of();
        }
        try {
            return JsonBodyValues.flatten(tree);
        } catch (JsonBodyValues.TooComplexException e) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_TOO_COMPLEX",
                    "The upstream's JSON response is larger than the gateway inspects.");
        }
    }

    /** A JSON response with the obligations applied: headers set or removed, fields redacted. */
    public HttpResponseMessage fulfil(HttpResponseMessage response, List<Obligation> obligations) throws ObligationException {
        if (obligations.isEmpty()) {
            return response;
        }
        return new HttpResponseMessage(response.status(),
                io.portcullis.engine.http.HeaderObligations.apply(response.headers(), obligations),
                redact(response.body(), response.header("content-type"), obligations));
    }

    /**
     * The body with the fields that {@link Obligation.RedactField}s name removed.
     *
     * @throws ObligationException when the body is not JSON, or a field by name also appears
     *                             elsewhere (see {@link #remove}): such a body must not go out
     */
    public byte[] redact(byte[] body, String contentType, List<Obligation> obligations) throws ObligationException {
        if (!changesBody(obligations) || body.length == 0) {
            return body;
        }
        if (!isJson(contentType)) {
            throw new ObligationException("fields can only be redacted or masked in JSON bodies");
        }
        JsonNode root;
        try {
            root = read(body);
        } catch (JsonRejected e) {
            throw new ObligationException("the body to redact is not valid JSON (" + e.reason + ")");
        }
        edit(root, obligations);
        return write(root);
    }

    /**
     * The obligations change the body (redact or mask a field).
     *
     * @throws ObligationException for a {@link Obligation.MaskData} the gateway did not turn into
     *                             values: outside responses nothing says where the data is
     */
    public static boolean changesBody(List<Obligation> obligations) throws ObligationException {
        boolean changes = false;
        for (Obligation obligation : obligations) {
            if (obligation instanceof Obligation.MaskData) {
                throw new ObligationException("sensitive data can only be masked in responses");
            }
            changes |= obligation instanceof Obligation.RedactField || obligation instanceof Obligation.MaskValue;
        }
        return changes;
    }

    /** Applies the redactions and masks to a parsed body, in place. */
    public static void edit(JsonNode root, List<Obligation> obligations) throws ObligationException {
        for (Obligation edit : obligations) {
            if (edit instanceof Obligation.MaskValue mask) {
                mask(root, mask);
            } else if (edit instanceof Obligation.RedactField field && !remove(root, field.pointer(), field.rulePointer())) {
                throw new ObligationException("the field to redact at " + field.pointer() + " also appears elsewhere in the body");
            }
        }
    }

    /** Masks the data in the value at the pointer; a value gone by now (redacted, cut to the schema) needs nothing. */
    private static void mask(JsonNode root, Obligation.MaskValue mask) {
        Target target = Target.of(root, mask.pointer());
        if (target.parent() instanceof ObjectNode object && object.get(target.last()) != null
                && object.get(target.last()).isValueNode()) {
            object.put(target.last(), io.portcullis.engine.dlp.SensitiveData.mask(mask.kind(), object.get(target.last()).asText()));
        } else if (target.parent() instanceof ArrayNode array && target.index() >= 0 && target.index() < array.size()
                && array.get(target.index()).isValueNode()) {
            array.set(target.index(), array.textNode(io.portcullis.engine.dlp.SensitiveData.mask(mask.kind(),
                    array.get(target.index()).asText())));
        }
    }

    /**
     * Where a JSON pointer ends: its parent node, its last token unescaped, and that token as an
     * array index (-1 when it is none).
     */
    private record Target(JsonNode parent, String last, int index) {

        static Target of(JsonNode root, String pointer) {
            int slash = pointer.lastIndexOf('/');
            String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
            return new Target(root.at(pointer.substring(0, slash)), last, arrayIndex(last));
        }
    }

    /** An array index as a pointer writes it: 1 to 9 digits. */
    private static int arrayIndex(String token) {
        if (token.isEmpty() || token.length() > 9) {
            return -1;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(token);
    }

    /**
     * Removes the member (or nulls the array element) at a JSON pointer; absent pointers are left
     * alone.
     *
     * @return false when the pointer names a field by object path only ({@code /nationalId}) and a
     *         member of that name is still somewhere else in the document (a list, a wrapper): the
     *         caller must not pass such a body on as redacted. A rule's pointer with an array index
     *         addresses one element on purpose, so other elements are not searched.
     * @param rulePointer the pointer as the rule wrote it (the tail of {@code pointer}): only its
     *                    own array indexes say that one element is meant
     */
    public static boolean remove(JsonNode root, String pointer, String rulePointer) {
        Target target = Target.of(root, pointer);
        if (target.parent() instanceof ObjectNode object) {
            object.remove(target.last());
        } else if (target.parent() instanceof ArrayNode array && target.index() >= 0) {
            if (target.index() < array.size()) {
                array.set(target.index(), array.nullNode());
            }
            return true;
        }
        boolean addressesOneElement = java.util.Arrays.stream(rulePointer.split("/")).anyMatch(t -> arrayIndex(t) >= 0);
        return addressesOneElement || root.findParent(target.last()) == null;
    }

    public static final class JsonRejected extends Exception {
        public final String reason;

        JsonRejected(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }
}
