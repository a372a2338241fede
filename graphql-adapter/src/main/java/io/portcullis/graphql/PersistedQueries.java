package io.portcullis.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A route's persisted-query allowlist: only documents registered in advance run, so an attacker
 * cannot send a query of their own however it is shaped. Read from an Apollo persisted-query
 * manifest ({@code {"format": "apollo-persisted-query-manifest", "version": 1, "operations":
 * [{"id": sha256(body), "body": "query ..."}]}}), which client build tools generate.
 *
 * <p>A request may send the document, its hash ({@code extensions.persistedQuery.sha256Hash}), or
 * both; either way the document must be registered, and the hash, when sent, must be the document's.
 */
public final class PersistedQueries {

    /** The document (or hash) is not on the route's allowlist. */
    public static final String NOT_ALLOWLISTED = "GRAPHQL_QUERY_NOT_ALLOWLISTED";
    /** The hash sent is not the SHA-256 of the document sent. */
    public static final String HASH_MISMATCH = "GRAPHQL_PERSISTED_QUERY_HASH_MISMATCH";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> documentsByHash;

    private PersistedQueries(Map<String, String> documentsByHash) {
        this.documentsByHash = Map.copyOf(documentsByHash);
    }

    /** @throws IOException naming the file and the entry when it is not a valid manifest */
    public static PersistedQueries load(Path manifest) throws IOException {
        JsonNode root = JSON.readTree(manifest.toFile());
        if (root == null || !"apollo-persisted-query-manifest".equals(root.path("format").asText())
                || !root.path("operations").isArray()) {
            throw new IOException(manifest + ": not an Apollo persisted-query manifest (format, version, operations)");
        }
        Map<String, String> documents = new HashMap<>();
        int index = 0;
        for (JsonNode operation : root.get("operations")) {
            String body = operation.path("body").asText(null);
            String id = operation.path("id").asText("");
            if (body == null || !id.equalsIgnoreCase(sha256(body))) {
                throw new IOException(manifest + ": operations[" + index + "]: id must be the SHA-256 (hex) of body");
            }
            documents.put(id.toLowerCase(java.util.Locale.ROOT), body);
            index++;
        }
        return new PersistedQueries(documents);
    }

    /**
     * @return the registered document the request runs
     * @throws RequestRejectedException 403 {@link #NOT_ALLOWLISTED}, or 400 {@link #HASH_MISMATCH}
     */
    public String admit(GraphQlHttpRequest request) throws RequestRejectedException {
        checkHash(request);
        String hash = request.query() == null ? request.persistedQuery() : sha256(request.query());
        String document = documentsByHash.get(hash);
        if (document == null) {
            throw new RequestRejectedException(403, NOT_ALLOWLISTED, "This API only runs registered queries.");
        }
        return document;
    }

    /**
     * A request that sends both a document and a hash must send the document's hash, allowlist or
     * not: a server keeping Apollo's automatic persisted queries runs the document it has cached
     * under the hash, which would then be another than the one the gateway judged.
     *
     * @throws RequestRejectedException 400 {@link #HASH_MISMATCH}
     */
    public static void checkHash(GraphQlHttpRequest request) throws RequestRejectedException {
        if (request.query() != null && request.persistedQuery() != null && !request.persistedQuery().equals(sha256(request.query()))) {
            throw new RequestRejectedException(400, HASH_MISMATCH, "The persisted query hash does not match the query.");
        }
    }

    static String sha256(String document) {
        return io.portcullis.engine.Sha256.hex(document);
    }
}
