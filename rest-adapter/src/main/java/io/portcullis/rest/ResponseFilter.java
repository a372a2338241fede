package io.portcullis.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.media.Schema;
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

    /** What an object schema admits, worked out once per schema for a whole answer (a list repeats it). */
    @SuppressWarnings("rawtypes")
    private record Admitted(Map<String, Schema> declared, Object additional) {
    }

    /**
     * Filters {@code node} in place.
     *
     * @return what was removed, by JSON pointer; empty when nothing was
     */
    static Map<String, JsonNode> filter(JsonNode node, Schema<?> schema) {
        Map<String, JsonNode> removed = new LinkedHashMap<>();
        filter(node, schema, new java.util.IdentityHashMap<>(), 0, "", removed);
        return removed;
    }

    @SuppressWarnings("rawtypes")
    private static void filter(JsonNode node, Schema<?> schema, Map<Schema<?>, Admitted> admitted, int depth, String path,
                               Map<String, JsonNode> removed) {
        if (schema == null || depth > 200) {
            return;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isContainerNode()) {
                    filter(array.get(i), schema.getItems(), admitted, depth + 1, path + "/" + i, removed);
                }
            }
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        Admitted admits = admitted.computeIfAbsent(schema, s -> {
            Map<String, Schema> declared = new LinkedHashMap<>();
            return new Admitted(declared, collect(s, declared));
        });
        if (admits.declared().isEmpty() && admits.additional() == null) {
            return; // a schema that says nothing about properties: a free-form object
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            Schema<?> property = admits.declared().get(field.getKey());
            if (property == null && admits.additional() instanceof Schema<?> extra) {
                property = extra;
            }
            boolean declared = property != null || Boolean.TRUE.equals(admits.additional());
            // A pointer is written for what is removed and for each object or array walked into, none for a scalar kept.
            if (!declared || property != null && Boolean.TRUE.equals(property.getWriteOnly())) {
                removed.put(path + "/" + io.portcullis.engine.json.JsonBodyValues.escape(field.getKey()), field.getValue());
                fields.remove();
            } else if (field.getValue().isContainerNode()) {
                filter(field.getValue(), property, admitted, depth + 1,
                        path + "/" + io.portcullis.engine.json.JsonBodyValues.escape(field.getKey()), removed);
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
