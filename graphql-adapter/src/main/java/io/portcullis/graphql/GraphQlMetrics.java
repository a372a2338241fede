package io.portcullis.graphql;

/**
 * How much a GraphQL operation asks of the server, with fragments expanded as the server would
 * run them (a fragment spread three times counts three times), for limits and rules.
 *
 * @param fields          fields selected in all, the basic measure of work (saturates at {@link Long#MAX_VALUE})
 * @param aliases         aliased fields in all: many aliases of one expensive field is a classic amplification
 * @param maxDirectives   most directives on one field
 * @param maxDuplicates   most times one response key is selected in one selection set
 * @param introspection   the operation selects {@code __schema} or {@code __type} somewhere
 */
public record GraphQlMetrics(long fields, long aliases, int maxDirectives, int maxDuplicates, boolean introspection) {

    static final GraphQlMetrics NONE = new GraphQlMetrics(0, 0, 0, 0, false);

    GraphQlMetrics plus(GraphQlMetrics other) {
        return new GraphQlMetrics(saturatedAdd(fields, other.fields), saturatedAdd(aliases, other.aliases),
                Math.max(maxDirectives, other.maxDirectives), Math.max(maxDuplicates, other.maxDuplicates),
                introspection || other.introspection);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
