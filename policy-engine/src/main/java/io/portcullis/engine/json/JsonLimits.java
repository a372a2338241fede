package io.portcullis.engine.json;

/**
 * What one JSON document may hold, checked while it is read, with or without a schema: the shapes
 * that cost a parser or the service behind it most for the fewest bytes.
 *
 * @param maxDepth         deepest nesting of objects and arrays
 * @param maxObjectEntries members of one object
 * @param maxArrayLength   elements of one array
 * @param maxStringLength  characters of one string value
 */
public record JsonLimits(int maxDepth, int maxObjectEntries, int maxArrayLength, int maxStringLength) {

    /** For request bodies: generous for real API calls, far below what a flood needs. */
    public static final JsonLimits REQUESTS = new JsonLimits(32, 1_000, 10_000, 1_000_000);
    /**
     * For upstream responses, which the gateway reads to judge and redact: the upstream is trusted
     * to be large (a list of every transfer), so only depth is bounded; size is bounded by the
     * route's maxResponseBytes.
     */
    public static final JsonLimits RESPONSES = new JsonLimits(128, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public JsonLimits {
        if (maxDepth < 1 || maxObjectEntries < 1 || maxArrayLength < 1 || maxStringLength < 1) {
            throw new IllegalArgumentException("JSON limits must be at least 1");
        }
    }

    public JsonLimits withMaxDepth(int depth) {
        return new JsonLimits(depth, maxObjectEntries, maxArrayLength, maxStringLength);
    }
}
