package io.portcullis.graphql;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a GraphQL request asks for, in the terms rules use: "mutations on {@code transfer} need
 * the teller role" reads {@code type} and {@code rootFields}; a depth limit reads {@code depth}.
 * Produced by {@link GraphQlOperationReader} from the operation that would actually run, with
 * fragments expanded, so neither aliases nor fragments can hide a field from a rule.
 *
 * @param type       {@code query}, {@code mutation} or {@code subscription}
 * @param name       the operation's name, empty for an anonymous operation
 * @param rootFields distinct field names of the top-level selection in document order; real names,
 *                   not aliases, and fields under {@code @skip}/{@code @include} counted as present
 * @param depth      deepest field nesting, {@code { a { b } }} being 2
 * @param metrics    fields, aliases, directives, duplicates and introspection, fragments expanded
 * @param selections the top-level selections with their arguments, fields and cost, in document
 *                   order ({@code __typename} left out); empty when read without a schema
 * @param cost       the operation's estimated cost, the sum of its selections' (see {@link SelectionPlanner});
 *                   0 when read without a schema
 * @param definedOperations operations the document defines, the one that runs among them
 */
public record GraphQlOperation(String type, String name, List<String> rootFields, int depth, GraphQlMetrics metrics,
                               List<GraphQlRootField> selections, long cost, int definedOperations) {

    private static final Set<String> TYPES = Set.of("query", "mutation", "subscription");

    public GraphQlOperation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown operation type: " + type);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, was " + depth);
        }
        rootFields = List.copyOf(rootFields);
        Objects.requireNonNull(metrics, "metrics");
        selections = List.copyOf(selections);
        if (rootFields.isEmpty()) {
            throw new IllegalArgumentException("an operation selects at least one root field");
        }
    }
}
