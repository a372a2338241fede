package io.portcullis.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.engine.json.JsonBodyValues;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a JSON response down to what its OpenAPI schema declares (OWASP API3, excessive data
 * exposure): properties the schema does not list are removed unless it admits additional ones, and
 * write-only properties always are. An upstream that starts returning a new internal field leaks
 * nothing until the description lists it.
 */
final class ResponseFilter {

    private ResponseFilter() {
    }

    /**
     * The top of the answer is what the schema says it is: an array for an array schema, an object
     * for an object schema. Otherwise the schema's properties do not apply and nothing could be cut.
     */
    static boolean shapeMatches(JsonNode node, Schema<?> schema) {
        String type = schema.getType() != null ? schema.getType()
                : schema.getTypes() != null && schema.getTypes().size() == 1 ? schema.getTypes().iterator().next() : null;
        if ("array".equals(type) || schema instanceof io.swagger.v3.oas.models.media.ArraySchema) {
            return node.isArray();
        }
        if ("object".equals(type) || schema.getProperties() != null) {
            return node.isObject();
        }
        return true;
    }

    /**
     * Filters {@code node} in place.
     *
     * @return the pointers removed (for the audit; names only, never values)
     */
    static List<String> filter(JsonNode node, Schema<?> schema) {
        List<String> removed = new ArrayList<>();
        filter(node, schema, "", removed, 0);
        return removed;
    }

    @SuppressWarnings("rawtypes")
    private static void filter(JsonNode node, Schema<?> schema, String pointer, List<String> removed, int depth) {
        if (schema == null || depth > 200) {
            return;
        }
        if (node instanceof ArrayNode array) {
            Schema<?> items = schema.getItems();
            for (int i = 0; i < array.size(); i++) {
                filter(array.get(i), items, pointer + "/" + i, removed, depth + 1);
            }
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        Map<String, Schema> declared = new LinkedHashMap<>();
        Object additional = collect(schema, declared);
        if (declared.isEmpty() && additional == null) {
            return; // a schema that says nothing about properties: a free-form object
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String at = pointer + "/" + JsonBodyValues.escape(field.getKey());
            Schema<?> property = declared.get(field.getKey());
            if (property == null && additional instanceof Schema<?> extra) {
                property = extra;
            }
            boolean admitted = property != null || Boolean.TRUE.equals(additional);
            if (!admitted || property != null && Boolean.TRUE.equals(property.getWriteOnly())) {
                fields.remove();
                removed.add(at);
            } else {
                filter(field.getValue(), property, at, removed, depth + 1);
            }
        }
    }

    /**
     * The properties a schema declares, its composition's included.
     *
     * @return what it says of additional properties: a schema, {@code true}, or null for "none"
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Object collect(Schema<?> schema, Map<String, Schema> declared) {
        Object additional = schema.getAdditionalProperties() instanceof Boolean b && !b ? null : schema.getAdditionalProperties();
        if (schema.getProperties() != null) {
            schema.getProperties().forEach(declared::putIfAbsent);
        }
        for (List<Schema> parts : java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (parts != null) {
                for (Schema part : parts) {
                    Object more = collect(part, declared);
                    if (additional == null) {
                        additional = more;
                    }
                }
            }
        }
        return additional;
    }
}
