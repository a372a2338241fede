package io.portcullis.graphql;

import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import graphql.parser.exceptions.ParseCancelledException;
import graphql.parser.exceptions.ParseCancelledTooDeepException;
import graphql.parser.exceptions.ParseCancelledTooManyCharsException;
import io.portcullis.engine.adapter.RequestRejectedException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads which operation a GraphQL request runs, without a schema: its type, name, root fields and
 * depth, as a {@link GraphQlOperation} for rules. Parsing is bounded by {@link GraphQlParseLimits},
 * so a hostile document is cut off while it is read, not after.
 *
 * <p>Use one instance per route, from any thread:
 * {@code reader.read(body.query(), body.operationName(), body.variables())}, where {@code operationName} may be null
 * when the document holds a single operation.
 *
 * <p>Besides syntax, the reader refuses what would let the gateway and the GraphQL server disagree
 * about the operation that runs: duplicate operation or fragment names, an anonymous operation
 * beside others, spreads of undefined fragments, fragment cycles (anywhere in the document, as the
 * GraphQL validation rules require), and definitions that are not operations or fragments.
 *
 * <p>Refusals are {@link RequestRejectedException}s with status 400 and one of the reason codes
 * below. Messages are fixed texts: graphql-java's own messages quote the offending tokens and are
 * never passed on.
 */
public final class GraphQlOperationReader {

    /** Not GraphQL, or no document at all. */
    public static final String GRAPHQL_SYNTAX = "GRAPHQL_SYNTAX";
    /** Over a {@link GraphQlParseLimits} limit, or fragments nested deeper than the rule depth. */
    public static final String GRAPHQL_LIMIT = "GRAPHQL_LIMIT";
    /** No operation, or none with the requested operation name. */
    public static final String GRAPHQL_OPERATION_UNKNOWN = "GRAPHQL_OPERATION_UNKNOWN";
    /** Several operations and no operation name to choose one. */
    public static final String GRAPHQL_OPERATION_AMBIGUOUS = "GRAPHQL_OPERATION_AMBIGUOUS";
    /** Fragments that spread each other in a cycle. */
    public static final String GRAPHQL_FRAGMENT_CYCLE = "GRAPHQL_FRAGMENT_CYCLE";
    /** Parses, but breaks a document-level GraphQL validation rule (see the class comment). */
    public static final String GRAPHQL_INVALID = "GRAPHQL_INVALID";

    private final ParserOptions parserOptions;
    private final int maxNesting;
    private final GraphQlContract contract;

    public GraphQlOperationReader(GraphQlParseLimits limits) {
        this(limits, null);
    }

    /** @param contract the service's schema that documents must be valid against, or null to read without one */
    public GraphQlOperationReader(GraphQlParseLimits limits, GraphQlContract contract) {
        this.contract = contract;
        Objects.requireNonNull(limits, "limits");
        this.parserOptions = ParserOptions.getDefaultOperationParserOptions().transform(options -> options
                .maxCharacters(limits.maxCharacters())
                .maxTokens(limits.maxTokens())
                .maxWhitespaceTokens(limits.maxWhitespaceTokens())
                .maxRuleDepth(limits.maxRuleDepth()));
        // The parser bounds nesting within one definition; spreads can chain definitions without
        // bound, so the walk below applies the same bound across them (and protects its stack).
        this.maxNesting = limits.maxRuleDepth();
    }

    /**
     * @param document      the GraphQL request document ({@code query} in a GraphQL-over-HTTP request)
     * @param operationName the operation to run; null or empty when the document has only one
     * @throws RequestRejectedException status 400 with one of this class's reason codes
     */
    public GraphQlOperation read(String document, String operationName) throws RequestRejectedException {
        return read(document, operationName, null);
    }

    /**
     * @param variables the request's variables (a JSON object) or null; with a schema, they are
     *                  coerced to their declared types and substituted into the selections' arguments
     */
    public GraphQlOperation read(String document, String operationName, JsonNode variables) throws RequestRejectedException {
        if (document == null || document.isBlank()) {
            throw reject(GRAPHQL_SYNTAX, "The request has no GraphQL document.");
        }
        Document parsed = parse(document);

        List<OperationDefinition> operations = new ArrayList<>();
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        for (Definition<?> definition : parsed.getDefinitions()) {
            if (definition instanceof OperationDefinition operation) {
                operations.add(operation);
            } else if (definition instanceof FragmentDefinition fragment) {
                if (fragments.putIfAbsent(fragment.getName(), fragment) != null) {
                    throw reject(GRAPHQL_INVALID, "The GraphQL document defines two fragments with the same name.");
                }
            } else {
                throw reject(GRAPHQL_INVALID, "The GraphQL document may only contain operations and fragments.");
            }
        }
        checkOperationNames(operations);

        SelectionWalk walk = new SelectionWalk(fragments, maxNesting);
        for (String fragment : fragments.keySet()) {
            walk.fragmentDepth(fragment, 0);
        }
        for (OperationDefinition operation : operations) {
            walk.depth(operation.getSelectionSet(), 0);
        }
        // Validated only now: the walk above has bounded depth and ruled out cycles, so the
        // validator's own recursion cannot be driven past its stack.
        if (contract != null) {
            contract.validate(parsed);
        }

        OperationDefinition operation = select(operations, operationName);
        List<GraphQlRootField> selections = contract == null ? List.of()
                : new SelectionPlanner(contract.schema(), fragments, operation, contract.coerceVariables(operation, variables),
                        contract.defaultListSize())
                        .rootFields(operation);
        long cost = 0;
        for (GraphQlRootField selection : selections) {
            cost = cost + selection.cost() < 0 ? Long.MAX_VALUE : cost + selection.cost();
        }
        return new GraphQlOperation(
                operation.getOperation().name().toLowerCase(Locale.ROOT),
                Objects.requireNonNullElse(operation.getName(), ""),
                walk.rootFields(operation.getSelectionSet()),
                walk.depth(operation.getSelectionSet(), 0),
                walk.metrics(operation.getSelectionSet()),
                selections, cost, operations.size());
    }

    private Document parse(String document) throws RequestRejectedException {
        try {
            return Parser.parse(ParserEnvironment.newParserEnvironment()
                    .document(document)
                    .parserOptions(parserOptions)
                    .build());
        } catch (ParseCancelledException | ParseCancelledTooDeepException | ParseCancelledTooManyCharsException e) {
            throw reject(GRAPHQL_LIMIT, "The GraphQL document is too large or too deeply nested.");
        } catch (InvalidSyntaxException e) {
            throw reject(GRAPHQL_SYNTAX, "The GraphQL document is not valid GraphQL syntax.");
        }
    }

    private static void checkOperationNames(List<OperationDefinition> operations) throws RequestRejectedException {
        Set<String> names = new HashSet<>();
        for (OperationDefinition operation : operations) {
            if (operation.getName() == null) {
                if (operations.size() > 1) {
                    throw reject(GRAPHQL_INVALID, "An anonymous GraphQL operation must be the only operation.");
                }
                continue;
            }
            if (!names.add(operation.getName())) {
                throw reject(GRAPHQL_INVALID, "The GraphQL document defines two operations with the same name.");
            }
        }
    }

    private static OperationDefinition select(List<OperationDefinition> operations, String operationName)
            throws RequestRejectedException {
        if (operations.isEmpty()) {
            throw reject(GRAPHQL_OPERATION_UNKNOWN, "The GraphQL document has no operation.");
        }
        if (operationName == null || operationName.isEmpty()) {
            if (operations.size() > 1) {
                throw reject(GRAPHQL_OPERATION_AMBIGUOUS,
                        "The GraphQL document has several operations; choose one with operationName.");
            }
            return operations.get(0);
        }
        for (OperationDefinition operation : operations) {
            if (operationName.equals(operation.getName())) {
                return operation;
            }
        }
        throw reject(GRAPHQL_OPERATION_UNKNOWN, "The GraphQL document has no operation with the requested name.");
    }

    private static RequestRejectedException reject(String reason, String message) {
        return new RequestRejectedException(400, reason, message);
    }

    /**
     * Walks selection sets with fragments expanded. A fragment's depth does not depend on where it
     * is spread, so it is computed once and remembered: without that, fragments that each spread
     * the next one twice make the walk exponential in the document's size.
     */
    private static final class SelectionWalk {

        private final Map<String, FragmentDefinition> fragments;
        private final int maxNesting;
        private final Map<String, Integer> fragmentDepths = new HashMap<>();
        private final Map<String, GraphQlMetrics> fragmentMetrics = new HashMap<>();
        private final Set<String> inProgress = new HashSet<>();

        SelectionWalk(Map<String, FragmentDefinition> fragments, int maxNesting) {
            this.fragments = fragments;
            this.maxNesting = maxNesting;
        }

        int depth(SelectionSet selectionSet, int nesting) throws RequestRejectedException {
            if (selectionSet == null) {
                return 0;
            }
            if (nesting > maxNesting) {
                throw reject(GRAPHQL_LIMIT, "The GraphQL document is too large or too deeply nested.");
            }
            int deepest = 0;
            for (Selection<?> selection : selectionSet.getSelections()) {
                deepest = Math.max(deepest, depth(selection, nesting + 1));
            }
            return deepest;
        }

        private int depth(Selection<?> selection, int nesting) throws RequestRejectedException {
            if (selection instanceof Field field) {
                return 1 + depth(field.getSelectionSet(), nesting);
            }
            if (selection instanceof InlineFragment inline) {
                return depth(inline.getSelectionSet(), nesting);
            }
            if (selection instanceof FragmentSpread spread) {
                return fragmentDepth(spread.getName(), nesting);
            }
            throw new IllegalStateException("unexpected selection type " + selection.getClass().getName());
        }

        int fragmentDepth(String name, int nesting) throws RequestRejectedException {
            Integer known = fragmentDepths.get(name);
            if (known != null) {
                // A fragment remembered from elsewhere still nests as deep here as it reaches.
                if (nesting + known > maxNesting) {
                    throw reject(GRAPHQL_LIMIT, "The GraphQL document is too large or too deeply nested.");
                }
                return known;
            }
            FragmentDefinition fragment = fragments.get(name);
            if (fragment == null) {
                throw reject(GRAPHQL_INVALID, "The GraphQL document spreads a fragment it does not define.");
            }
            if (!inProgress.add(name)) {
                throw reject(GRAPHQL_FRAGMENT_CYCLE, "The GraphQL document has fragments that spread each other in a cycle.");
            }
            int depth = depth(fragment.getSelectionSet(), nesting);
            inProgress.remove(name);
            fragmentDepths.put(name, depth);
            return depth;
        }

        /**
         * Only valid after every fragment's depth was computed, which proves there is no cycle.
         * Fragments are counted once and remembered, like depths, so the count stays linear in the
         * document even when the expanded operation is exponential.
         */
        GraphQlMetrics metrics(SelectionSet selectionSet) {
            if (selectionSet == null) {
                return GraphQlMetrics.NONE;
            }
            GraphQlMetrics total = GraphQlMetrics.NONE;
            Map<String, Integer> keys = new HashMap<>();
            for (Selection<?> selection : selectionSet.getSelections()) {
                if (selection instanceof Field field) {
                    String key = field.getAlias() != null ? field.getAlias() : field.getName();
                    int seen = keys.merge(key, 1, Integer::sum);
                    boolean introspection = field.getName().equals("__schema") || field.getName().equals("__type");
                    total = total.plus(new GraphQlMetrics(1, field.getAlias() != null ? 1 : 0, field.getDirectives().size(),
                            seen, introspection)).plus(metrics(field.getSelectionSet()));
                } else if (selection instanceof InlineFragment inline) {
                    total = total.plus(metrics(inline.getSelectionSet()));
                } else if (selection instanceof FragmentSpread spread) {
                    total = total.plus(fragmentMetrics(spread.getName()));
                }
            }
            return total;
        }

        private GraphQlMetrics fragmentMetrics(String name) {
            GraphQlMetrics known = fragmentMetrics.get(name);
            if (known == null) {
                known = metrics(fragments.get(name).getSelectionSet());
                fragmentMetrics.put(name, known);
            }
            return known;
        }

        /** Only valid after every fragment's depth was computed, which proves there is no cycle. */
        List<String> rootFields(SelectionSet selectionSet) {
            Set<String> names = new LinkedHashSet<>();
            collectRootFields(selectionSet, names, new HashSet<>());
            return List.copyOf(names);
        }

        private void collectRootFields(SelectionSet selectionSet, Set<String> names, Set<String> expanded) {
            for (Selection<?> selection : selectionSet.getSelections()) {
                if (selection instanceof Field field) {
                    names.add(field.getName());
                } else if (selection instanceof InlineFragment inline) {
                    collectRootFields(inline.getSelectionSet(), names, expanded);
                } else if (selection instanceof FragmentSpread spread && expanded.add(spread.getName())) {
                    collectRootFields(fragments.get(spread.getName()).getSelectionSet(), names, expanded);
                }
            }
        }
    }
}
