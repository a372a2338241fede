package io.portcullis.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.introspection.Introspection;
import graphql.language.Argument;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.EnumValue;
import graphql.language.Field;
import graphql.language.FloatValue;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.schema.GraphQLAppliedDirective;
import graphql.schema.GraphQLCompositeType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.json.JsonBodyValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Walks an operation that has passed schema validation with the schema's types: which fields it
 * selects under each root field, what each root field is given as arguments, and what it costs.
 *
 * <p>Cost follows the IBM GraphQL cost specification's shape: a field costs its weight plus the cost
 * of what is selected in it, and a list that much for every element it is taken to hold, so
 * {@code transfers(first: 5000) { id }} costs 5000. Weights come from
 * {@code @cost(weight:)} on the field definition, else 1 for fields of object type and 0 for
 * scalars; list sizes from {@code @listSize}: the value of a slicing argument the request gives
 * ({@code first: 20}), else the directive's {@code assumedSize}, else the route's default.
 * Fragments are costed once and remembered, like depth in {@link GraphQlOperationReader}.
 */
final class SelectionPlanner {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final GraphQLSchema schema;
    private final Map<String, FragmentDefinition> fragments;
    private final Map<String, JsonNode> variables;
    private final int defaultListSize;
    private final Map<String, Walk> fragmentWalks = new HashMap<>();

    /**
     * What a selection set (or field) adds up to.
     *
     * @param arguments the arguments of the fields in it, as a tree by response key, each field's own
     *                  as {@code @name} ({@code {"holder": {"accounts": {"@first": 5}}}}), so a body
     *                  pointer reads {@code /holder/accounts/@first} as SOAP reads an attribute
     * @param values    scalar values in {@code arguments}, counted before any copy is made
     */
    private record Walk(long cost, TreeSet<String> fields, ObjectNode arguments, long values) {

        static Walk empty() {
            return new Walk(0, new TreeSet<>(), NODES.objectNode(), 0);
        }
    }

    /** More argument values than a request body may hold: rules could not see them all. */
    static final long MAX_ARGUMENT_VALUES = JsonBodyValues.MAX_VALUES;

    SelectionPlanner(GraphQLSchema schema, Map<String, FragmentDefinition> fragments, OperationDefinition operation,
                     JsonNode variables, int defaultListSize) {
        this.schema = schema;
        this.fragments = fragments;
        this.defaultListSize = defaultListSize;
        this.variables = new HashMap<>();
        for (VariableDefinition definition : operation.getVariableDefinitions()) {
            JsonNode given = variables == null ? null : variables.get(definition.getName());
            if (given != null) {
                this.variables.put(definition.getName(), given);
            } else if (definition.getDefaultValue() != null) {
                this.variables.put(definition.getName(), json(definition.getDefaultValue()));
            }
        }
    }

    /** An alias that is the name of another field of the same type: response rules would read the wrong value. */
    static final String ALIAS_SHADOWS_FIELD = "GRAPHQL_ALIAS_SHADOWS_FIELD";

    List<GraphQlRootField> rootFields(OperationDefinition operation) throws RequestRejectedException {
        GraphQLObjectType root = switch (operation.getOperation()) {
            case QUERY -> schema.getQueryType();
            case MUTATION -> schema.getMutationType();
            case SUBSCRIPTION -> schema.getSubscriptionType();
        };
        List<GraphQlRootField> rootFields = new ArrayList<>();
        collectRootFields(operation.getSelectionSet(), root, rootFields, new java.util.HashSet<>());
        return rootFields;
    }

    private void collectRootFields(SelectionSet selectionSet, GraphQLObjectType root, List<GraphQlRootField> into,
                                   java.util.Set<String> expanded) throws RequestRejectedException {
        for (Selection<?> selection : selectionSet.getSelections()) {
            if (selection instanceof Field field) {
                Walk walk = field(field, root);
                java.util.Map<String, Object> arguments;
                try {
                    arguments = JsonBodyValues.flatten(rootArguments(walk.arguments()));
                } catch (JsonBodyValues.TooComplexException e) {
                    throw new RequestRejectedException(400, GraphQlOperationReader.GRAPHQL_LIMIT,
                            "The GraphQL document is too large or too deeply nested.");
                }
                into.add(new GraphQlRootField(root.getName(), field.getName(),
                        field.getAlias() != null ? field.getAlias() : field.getName(),
                        arguments, List.copyOf(walk.fields()), walk.cost()));
            } else if (selection instanceof InlineFragment inline) {
                collectRootFields(inline.getSelectionSet(), root, into, expanded);
            } else if (selection instanceof FragmentSpread spread && expanded.add(spread.getName())) {
                collectRootFields(fragments.get(spread.getName()).getSelectionSet(), root, into, expanded);
            }
        }
    }

    /**
     * A root field's own arguments at the top ({@code /id}, as a REST body or path carries them), the
     * arguments beneath it by response key ({@code /holder/accounts/@first}).
     */
    private static ObjectNode rootArguments(ObjectNode walked) throws RequestRejectedException {
        ObjectNode arguments = NODES.objectNode();
        for (java.util.Map.Entry<String, JsonNode> entry : walked.properties()) {
            String name = entry.getKey().startsWith("@") ? entry.getKey().substring(1) : entry.getKey();
            if (arguments.has(name)) {
                throw new RequestRejectedException(400, GraphQlOperationReader.GRAPHQL_INVALID,
                        "A root field's argument has the name of a field selected beneath it.");
            }
            arguments.set(name, entry.getValue());
        }
        return arguments;
    }

    private Walk selectionSet(SelectionSet selectionSet, GraphQLCompositeType parent) throws RequestRejectedException {
        long cost = 0;
        TreeSet<String> fields = new TreeSet<>();
        ObjectNode arguments = NODES.objectNode();
        long values = 0;
        for (Selection<?> selection : selectionSet.getSelections()) {
            Walk walk;
            if (selection instanceof Field field) {
                if (field.getName().equals(Introspection.TypeNameMetaFieldDef.getName())) {
                    checkAlias(field, parent);
                    continue;
                }
                walk = field(field, parent);
                values = countValues(values, walk.values());
                if (walk.values() > 0) {
                    String key = field.getAlias() != null ? field.getAlias() : field.getName();
                    merge(arguments, NODES.objectNode().set(key, walk.arguments()));
                }
                cost = saturatedAdd(cost, walk.cost());
                fields.addAll(walk.fields());
                continue;
            } else if (selection instanceof InlineFragment inline) {
                GraphQLCompositeType type = inline.getTypeCondition() == null ? parent
                        : (GraphQLCompositeType) schema.getType(inline.getTypeCondition().getName());
                walk = selectionSet(inline.getSelectionSet(), type);
            } else {
                walk = fragment(((FragmentSpread) selection).getName());
            }
            cost = saturatedAdd(cost, walk.cost());
            fields.addAll(walk.fields());
            values = countValues(values, walk.values());
            if (walk.values() > 0) {
                merge(arguments, walk.arguments());
            }
        }
        return new Walk(cost, fields, arguments, values);
    }

    private static long countValues(long sum, long more) throws RequestRejectedException {
        long total = saturatedAdd(sum, more);
        if (total > MAX_ARGUMENT_VALUES) {
            throw new RequestRejectedException(400, GraphQlOperationReader.GRAPHQL_LIMIT,
                    "The GraphQL document is too large or too deeply nested.");
        }
        return total;
    }

    /**
     * Copies {@code source} into {@code target}. A key in both is the same field selected twice,
     * which GraphQL allows only with the same arguments: objects merge, values stay as they are.
     */
    private static void merge(ObjectNode target, ObjectNode source) {
        for (java.util.Map.Entry<String, JsonNode> entry : source.properties()) {
            JsonNode existing = target.get(entry.getKey());
            if (existing == null) {
                target.set(entry.getKey(), entry.getValue().deepCopy());
            } else if (existing instanceof ObjectNode into && entry.getValue() instanceof ObjectNode from
                    && !entry.getKey().startsWith("@")) {
                merge(into, from);
            }
        }
    }

    private static long leaves(JsonNode value) {
        if (value.isContainerNode()) {
            long count = 0;
            for (JsonNode element : value) {
                count = saturatedAdd(count, leaves(element));
            }
            return count;
        }
        return 1;
    }

    private Walk fragment(String name) throws RequestRejectedException {
        Walk known = fragmentWalks.get(name);
        if (known == null) {
            FragmentDefinition fragment = fragments.get(name);
            known = selectionSet(fragment.getSelectionSet(),
                    (GraphQLCompositeType) schema.getType(fragment.getTypeCondition().getName()));
            fragmentWalks.put(name, known);
        }
        return known;
    }

    /** { owner: __typename } would put a value of the caller's choosing where rules read the owner. */
    private static void checkAlias(Field field, GraphQLCompositeType parent) throws RequestRejectedException {
        if (field.getAlias() != null && !field.getAlias().equals(field.getName())
                && parent instanceof graphql.schema.GraphQLFieldsContainer fields && fields.getFieldDefinition(field.getAlias()) != null) {
            throw new RequestRejectedException(400, ALIAS_SHADOWS_FIELD,
                    "An alias in the GraphQL operation is the name of another field.");
        }
    }

    private Walk field(Field field, GraphQLCompositeType parent) throws RequestRejectedException {
        checkAlias(field, parent);
        GraphQLFieldDefinition definition = Introspection.getFieldDef(schema, parent, field.getName());
        GraphQLType type = definition.getType();
        GraphQLType element = GraphQLTypeUtil.unwrapAll(type);
        Walk children = field.getSelectionSet() == null || !(element instanceof GraphQLCompositeType composite)
                ? Walk.empty()
                : selectionSet(field.getSelectionSet(), composite);
        long cost = saturatedAdd(weight(definition, element), children.cost());
        if (GraphQLTypeUtil.isList(GraphQLTypeUtil.unwrapNonNull(type))) {
            cost = saturatedMultiply(cost, listSize(field, definition));
        }
        TreeSet<String> fields = children.fields();
        fields.add(((graphql.schema.GraphQLNamedType) parent).getName() + "." + field.getName());
        ObjectNode arguments = children.arguments();
        long values = children.values();
        for (Argument argument : field.getArguments()) {
            graphql.schema.GraphQLArgument declared = definition.getArgument(argument.getName());
            JsonNode value = declared == null ? json(argument.getValue()) : coerced(json(argument.getValue()), declared.getType());
            if (!value.isMissingNode()) {
                values = countValues(values, leaves(value));
                arguments.set("@" + argument.getName(), value);
            }
        }
        return new Walk(cost, fields, arguments, values);
    }

    /**
     * A literal coerced as graphql-java coerces a variable's value, so rules read an argument alike
     * either way: an {@code ID} written as a number is its string, an {@code Int} where a
     * {@code Float} belongs is a Float, a single value where a list belongs is a list of one; input
     * objects and lists all the way down. Anything else is as written (the schema validated it). One
     * difference stays: a variable's input object has its fields' defaults filled in, a literal's not.
     */
    static JsonNode coerced(JsonNode value, graphql.schema.GraphQLInputType type) {
        GraphQLType expected = GraphQLTypeUtil.unwrapNonNull(type);
        if (value.isMissingNode() || value.isNull()) {
            return value;
        }
        if (expected instanceof graphql.schema.GraphQLList list) {
            graphql.schema.GraphQLInputType element = (graphql.schema.GraphQLInputType) list.getWrappedType();
            ArrayNode values = NODES.arrayNode();
            if (value instanceof ArrayNode array) {
                array.forEach(item -> values.add(coerced(item, element)));
            } else {
                values.add(coerced(value, element));
            }
            return values;
        }
        if (expected instanceof graphql.schema.GraphQLInputObjectType object && value instanceof ObjectNode fields) {
            ObjectNode values = NODES.objectNode();
            fields.fields().forEachRemaining(entry -> {
                graphql.schema.GraphQLInputObjectField declared = object.getField(entry.getKey());
                values.set(entry.getKey(), declared == null ? entry.getValue() : coerced(entry.getValue(), declared.getType()));
            });
            return values;
        }
        if (expected instanceof graphql.schema.GraphQLScalarType scalar && value.isIntegralNumber()) {
            if ("ID".equals(scalar.getName())) {
                return NODES.textNode(value.asText());
            }
            if ("Float".equals(scalar.getName())) {
                return NODES.numberNode(value.doubleValue());
            }
        }
        return value;
    }

    private static long weight(GraphQLFieldDefinition definition, GraphQLType element) {
        GraphQLAppliedDirective cost = definition.getAppliedDirective("cost");
        if (cost != null && cost.getArgument("weight") != null && cost.getArgument("weight").getValue() instanceof Number w) {
            return Math.max(0, w.longValue());
        }
        return element instanceof GraphQLCompositeType ? 1 : 0;
    }

    private long listSize(Field field, GraphQLFieldDefinition definition) {
        GraphQLAppliedDirective listSize = definition.getAppliedDirective("listSize");
        if (listSize == null) {
            return defaultListSize;
        }
        if (listSize.getArgument("slicingArguments") != null
                && listSize.getArgument("slicingArguments").getValue() instanceof List<?> slicing) {
            for (Argument argument : field.getArguments()) {
                if (slicing.contains(argument.getName())) {
                    JsonNode value = json(argument.getValue());
                    if (value.canConvertToLong()) {
                        return Math.max(0, value.longValue());
                    }
                }
            }
        }
        if (listSize.getArgument("assumedSize") != null && listSize.getArgument("assumedSize").getValue() instanceof Number size) {
            return Math.max(0, size.longValue());
        }
        return defaultListSize;
    }

    /** A GraphQL value as the JSON a variable would carry; a variable the request does not set is missing. */
    private JsonNode json(Value<?> value) {
        return literal(value, variables::get);
    }

    /**
     * A GraphQL value as the JSON a variable would carry; {@code variables} answers a variable's
     * value, or null when the request does not set it (then the value is missing).
     */
    static JsonNode literal(Value<?> value, java.util.function.Function<String, JsonNode> variables) {
        if (value instanceof VariableReference reference) {
            JsonNode given = variables.apply(reference.getName());
            return given == null ? NODES.missingNode() : given;
        }
        if (value instanceof StringValue text) {
            return NODES.textNode(text.getValue());
        }
        if (value instanceof IntValue number) {
            return NODES.numberNode(number.getValue());
        }
        if (value instanceof FloatValue number) {
            return NODES.numberNode(number.getValue());
        }
        if (value instanceof BooleanValue bool) {
            return NODES.booleanNode(bool.isValue());
        }
        if (value instanceof EnumValue enumValue) {
            return NODES.textNode(enumValue.getName());
        }
        if (value instanceof NullValue) {
            return NODES.nullNode();
        }
        if (value instanceof ArrayValue array) {
            ArrayNode values = NODES.arrayNode();
            array.getValues().forEach(element -> {
                JsonNode json = literal(element, variables);
                values.add(json.isMissingNode() ? NODES.nullNode() : json);
            });
            return values;
        }
        if (value instanceof ObjectValue object) {
            ObjectNode values = NODES.objectNode();
            for (ObjectField field : object.getObjectFields()) {
                JsonNode json = literal(field.getValue(), variables);
                if (!json.isMissingNode()) {
                    values.set(field.getName(), json);
                }
            }
            return values;
        }
        throw new IllegalStateException("unexpected GraphQL value " + value.getClass().getName());
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        long product = a * b;
        return (a != 0 && (product / a != b || product < 0)) ? Long.MAX_VALUE : product;
    }
}
