package io.portcullis.engine.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flattens a JSON document into its scalar values addressed by JSON pointer (RFC 6901):
 * {@code {"a":{"b":[1,"x"]}}} gives {@code /a/b/0 → 1, /a/b/1 → "x"}. Strings stay strings,
 * numbers become {@link java.math.BigDecimal} or {@link Long}, booleans stay booleans, JSON null
 * becomes null. Rules address body values this way whatever the protocol.
 *
 * <p>Flattening is bounded: every value repeats its whole path, so a small document with a long
 * key over a large array would otherwise grow into gigabytes of pointers.
 */
public final class JsonBodyValues {

    /** Values flattened at most. */
    public static final int MAX_VALUES = 10_000;
    /** Characters of all pointers together at most. */
    public static final int MAX_POINTER_CHARS = 1 << 20;

    /** A document with more values, or longer paths, than the limits allow. */
    public static final class TooComplexException extends IllegalArgumentException {
        TooComplexException() {
            super("the JSON document has more values or longer paths than the gateway inspects");
        }
    }

    private JsonBodyValues() {
    }

    /** @throws TooComplexException when the document exceeds {@link #MAX_VALUES} or {@link #MAX_POINTER_CHARS} */
    public static Map<String, Object> flatten(JsonNode document) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (document != null && !document.isMissingNode()) {
            collect(document, "", values, new int[1]);
        }
        return values;
    }

    /** Escapes one reference token of a JSON pointer. */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static void collect(JsonNode node, String pointer, Map<String, Object> values, int[] pointerChars) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collect(field.getValue(), pointer + "/" + escape(field.getKey()), values, pointerChars);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, values, pointerChars);
            }
        } else {
            pointerChars[0] += pointer.length();
            if (values.size() >= MAX_VALUES || pointerChars[0] > MAX_POINTER_CHARS) {
                throw new TooComplexException();
            }
            values.put(pointer.isEmpty() ? "/" : pointer, scalar(node));
        }
    }

    private static Object scalar(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }
}
