package io.portcullis.graphql;

import io.portcullis.engine.adapter.RequestRejectedException;

/**
 * Ceilings a route sets on what one GraphQL request may ask, checked before any rule or upstream
 * sees it. They are hard limits for everyone; the per-principal policy (lower limits for ordinary
 * callers, introspection for some) belongs in rules, which read the same numbers as facts.
 *
 * @param maxOperations         operations in one HTTP request (array batching), and defined in one document
 * @param maxDepth              field nesting, fragments expanded
 * @param maxFields             fields selected in all, fragments expanded
 * @param maxAliases            aliased fields in all
 * @param maxRootFields         distinct top-level fields of one operation
 * @param maxDirectivesPerField directives on one field
 * @param maxDuplicates         times one response key may be selected in one selection set
 * @param maxCost               estimated cost of one operation, and of all in one request (see {@link SelectionPlanner})
 */
public record GraphQlLimits(int maxOperations, int maxDepth, int maxFields, int maxAliases, int maxRootFields,
                            int maxDirectivesPerField, int maxDuplicates, long maxCost) {

    /** Operation over {@link #maxOperations}. */
    public static final String TOO_MANY_OPERATIONS = "GRAPHQL_TOO_MANY_OPERATIONS";
    public static final String TOO_DEEP = "GRAPHQL_TOO_DEEP";
    public static final String TOO_MANY_FIELDS = "GRAPHQL_TOO_MANY_FIELDS";
    public static final String TOO_MANY_ALIASES = "GRAPHQL_TOO_MANY_ALIASES";
    public static final String TOO_MANY_ROOT_FIELDS = "GRAPHQL_TOO_MANY_ROOT_FIELDS";
    public static final String TOO_MANY_DIRECTIVES = "GRAPHQL_TOO_MANY_DIRECTIVES";
    public static final String DUPLICATE_FIELDS = "GRAPHQL_DUPLICATE_FIELDS";
    public static final String TOO_COSTLY = "GRAPHQL_TOO_COSTLY";

    /** Generous for real clients, far below what an amplification attack needs. */
    public static final GraphQlLimits DEFAULTS = new GraphQlLimits(10, 15, 2_000, 30, 20, 5, 5, 10_000);

    public GraphQlLimits {
        int[] all = {maxOperations, maxDepth, maxFields, maxAliases, maxRootFields, maxDirectivesPerField, maxDuplicates};
        for (int limit : all) {
            if (limit < 1) {
                throw new IllegalArgumentException("GraphQL limits must be at least 1");
            }
        }
        if (maxCost < 1) {
            throw new IllegalArgumentException("GraphQL limits must be at least 1");
        }
    }

    /** @throws RequestRejectedException 400 with the reason naming the first ceiling exceeded */
    public void check(GraphQlOperation operation) throws RequestRejectedException {
        // A document's other operations do not run, but the server still parses and validates them.
        checkBatch(operation.definedOperations());
        GraphQlMetrics metrics = operation.metrics();
        if (operation.depth() > maxDepth) {
            throw refused(TOO_DEEP, "The GraphQL operation is nested too deeply.");
        }
        if (metrics.fields() > maxFields) {
            throw refused(TOO_MANY_FIELDS, "The GraphQL operation selects too many fields.");
        }
        if (metrics.aliases() > maxAliases) {
            throw refused(TOO_MANY_ALIASES, "The GraphQL operation uses too many aliases.");
        }
        if (operation.rootFields().size() > maxRootFields) {
            throw refused(TOO_MANY_ROOT_FIELDS, "The GraphQL operation selects too many top-level fields.");
        }
        if (metrics.maxDirectives() > maxDirectivesPerField) {
            throw refused(TOO_MANY_DIRECTIVES, "A field in the GraphQL operation has too many directives.");
        }
        if (metrics.maxDuplicates() > maxDuplicates) {
            throw refused(DUPLICATE_FIELDS, "The GraphQL operation selects the same field too many times.");
        }
        if (operation.cost() > maxCost) {
            throw refused(TOO_COSTLY, "The GraphQL operation would cost the service too much.");
        }
    }

    /** @throws RequestRejectedException 400 {@link #TOO_COSTLY} when a batch's operations cost more than one may */
    public void checkBatchCost(long cost) throws RequestRejectedException {
        if (cost > maxCost) {
            throw refused(TOO_COSTLY, "The GraphQL operation would cost the service too much.");
        }
    }

    /** @throws RequestRejectedException 400 {@link #TOO_MANY_OPERATIONS} */
    public void checkBatch(int operations) throws RequestRejectedException {
        if (operations > maxOperations) {
            throw refused(TOO_MANY_OPERATIONS, "The request batches too many GraphQL operations.");
        }
    }

    private static RequestRejectedException refused(String reason, String message) {
        return new RequestRejectedException(400, reason, message);
    }
}
