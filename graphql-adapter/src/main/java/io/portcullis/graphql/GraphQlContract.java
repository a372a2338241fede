package io.portcullis.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import graphql.GraphQLContext;
import graphql.GraphQLException;
import graphql.execution.RawVariables;
import graphql.execution.ValuesResolver;
import graphql.language.AstPrinter;
import graphql.language.OperationDefinition;
import graphql.language.VariableDefinition;
import graphql.language.Document;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.errors.SchemaProblem;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A GraphQL service's schema (its SDL file), against which requests are validated before anything
 * else sees them: unknown fields, wrong argument types and invalid fragments are refused at the
 * gateway, so the service never answers with its own "Did you mean ..." suggestions. graphql-java's
 * validation messages are never passed on (they quote the document); suggestions for unknown
 * fields are made here and shown only to callers the rules let read the schema.
 */
public final class GraphQlContract {

    /** The document is not valid against the service's schema. */
    public static final String INVALID_FOR_SCHEMA = "GRAPHQL_INVALID_FOR_SCHEMA";

    /** Elements assumed in a list whose field sets no {@code @listSize}. */
    public static final int DEFAULT_LIST_SIZE = 10;

    private final GraphQLSchema schema;
    private final int defaultListSize;

    private GraphQlContract(GraphQLSchema schema, int defaultListSize) {
        this.schema = schema;
        this.defaultListSize = defaultListSize;
    }

    /** A scalar format the schema cannot take; the message begins {@code scalars.<name>:}. */
    public static final class ScalarFormatException extends IllegalArgumentException {
        ScalarFormatException(String scalar, String problem) {
            super("scalars." + scalar + ": " + problem);
        }
    }

    /** A value of a schema's own scalar may be any JSON value, objects and lists included (a {@code JSON} scalar). */
    public static final String ANY_VALUE = "any";
    /** A value of a schema's own scalar may be any string, number or boolean, never an object or a list. */
    public static final String LEAF_VALUE = "leaf";

    /**
     * @param defaultListSize elements assumed in a list, for cost, where the schema's
     *                        {@code @listSize} and the request say nothing
     * @param scalarFormats   for every one of the schema's own scalars: a regular expression the whole
     *                        value must match (a string; a number in plain decimal notation, 1e3 as
     *                        1000; a boolean as true or false), {@link #LEAF_VALUE} (any string,
     *                        number or boolean, never an object or a list, where an operator object
     *                        such as {@code {"$ne": ""}} would pass), or {@link #ANY_VALUE}. A scalar
     *                        without one is refused: what it takes is the route's to say, not a default.
     * @throws IOException           naming the file when it cannot be read or is not a valid schema
     * @throws ScalarFormatException naming a scalar without a format, one the schema does not define, or
     *                               a pattern that does not compile
     */
    public static GraphQlContract load(Path sdl, int defaultListSize, java.util.Map<String, String> scalarFormats) throws IOException {
        if (defaultListSize < 1) {
            throw new IllegalArgumentException("defaultListSize must be at least 1, was " + defaultListSize);
        }
        graphql.schema.idl.TypeDefinitionRegistry types;
        try {
            types = new SchemaParser().parse(Files.readString(sdl));
        } catch (SchemaProblem e) {
            throw new IOException(sdl + " is not a valid GraphQL schema: " + e.getMessage(), e);
        }
        java.util.Map<String, java.util.regex.Pattern> patterns = new java.util.HashMap<>();
        java.util.Set<String> anyValue = new java.util.HashSet<>();
        for (java.util.Map.Entry<String, String> format : scalarFormats.entrySet()) {
            String name = format.getKey();
            if (ANY_VALUE.equals(format.getValue())) {
                anyValue.add(name);
            } else if (!LEAF_VALUE.equals(format.getValue())) {
                try {
                    patterns.put(name, java.util.regex.Pattern.compile(format.getValue()));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new ScalarFormatException(name, "not a regular expression: " + e.getDescription());
                }
            }
        }
        GraphQLSchema schema;
        try {
            schema = schema(types, patterns, anyValue);
        } catch (SchemaProblem e) {
            throw new IOException(sdl + " is not a valid GraphQL schema: " + e.getMessage(), e);
        }
        for (String name : scalarFormats.keySet()) {
            if (!types.scalars().containsKey(name) || graphql.schema.idl.ScalarInfo.isGraphqlSpecifiedScalar(name)) {
                throw new ScalarFormatException(name, sdl.getFileName() + " defines no scalar " + name + " of its own");
            }
        }
        for (String name : new java.util.TreeSet<>(types.scalars().keySet())) {
            if (!graphql.schema.idl.ScalarInfo.isGraphqlSpecifiedScalar(name) && !scalarFormats.containsKey(name)) {
                throw new ScalarFormatException(name, sdl.getFileName() + " defines it and the route gives it no format: "
                        + "a pattern its values must match, '" + LEAF_VALUE + "' (any string, number or boolean) or '"
                        + ANY_VALUE + "' (objects and lists too)");
            }
        }
        return new GraphQlContract(schema, defaultListSize);
    }

    /**
     * The schema without resolvers (graphql-java's echoing wiring): its own scalars take leaf values
     * in the format the route gives them (the gateway cannot know it otherwise), and {@code ID} takes what the GraphQL specification lets it (a string or an integer),
     * not graphql-java's anything-with-a-toString, so an object cannot pass for an id.
     */
    private static GraphQLSchema schema(graphql.schema.idl.TypeDefinitionRegistry types,
                                        java.util.Map<String, java.util.regex.Pattern> patterns, java.util.Set<String> anyValue) {
        return new graphql.schema.idl.SchemaGenerator().makeExecutableSchema(types,
                graphql.schema.idl.EchoingWiringFactory.newEchoingWiring(wiring -> {
                    types.scalars().keySet().stream().filter(name -> !graphql.schema.idl.ScalarInfo.isGraphqlSpecifiedScalar(name))
                            .forEach(name -> wiring.scalar(opaque(name, patterns.get(name), anyValue.contains(name))));
                    wiring.strictMode(false).scalar(SPECIFIED_ID);
                }));
    }

    /**
     * A schema's own scalar: a leaf value (or any value, where the route says so) matching its format
     * if the route gives one; a literal is read as the plain value it spells (not graphql-java's AST).
     */
    private static graphql.schema.GraphQLScalarType opaque(String name, java.util.regex.Pattern format, boolean anyValue) {
        return graphql.schema.GraphQLScalarType.newScalar().name(name).coercing(new graphql.schema.Coercing<Object, Object>() {
            @Override
            public Object serialize(Object result, GraphQLContext context, Locale locale) {
                return result;
            }

            @Override
            public Object parseValue(Object input, GraphQLContext context, Locale locale) {
                if (!acceptable(input)) {
                    throw new graphql.schema.CoercingParseValueException("not a value of " + name);
                }
                return input;
            }

            @Override
            public Object parseLiteral(graphql.language.Value<?> input, graphql.execution.CoercedVariables variables,
                                       GraphQLContext context, Locale locale) {
                Object value = plain(input, variables);
                if (!acceptable(value)) {
                    throw new graphql.schema.CoercingParseLiteralException("not a value of " + name);
                }
                return value;
            }

            private boolean acceptable(Object value) {
                if (value == null || anyValue) {
                    return true;
                }
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    return false;
                }
                if (format == null) {
                    return true;
                }
                if (value instanceof java.math.BigDecimal decimal && (Math.abs(decimal.scale()) > MAX_DIGITS
                        || decimal.precision() - decimal.scale() > MAX_DIGITS)) {
                    // 1e999999999 is a short literal and a billion digits written out: no format takes it.
                    return false;
                }
                String text = value instanceof java.math.BigDecimal decimal ? decimal.toPlainString() : value.toString();
                return format.matcher(text).matches();
            }
        }).build();
    }

    /** Digits a number may have on either side of its point to be matched against a scalar's format. */
    private static final int MAX_DIGITS = 100;

    /** A literal as the plain Java value graphql-java reads from a variable, read the way the planner reads it. */
    private static Object plain(graphql.language.Value<?> value, graphql.execution.CoercedVariables variables) {
        return java(SelectionPlanner.literal(value, name -> variables.containsKey(name) ? json(variables.get(name)) : null));
    }

    private static final graphql.schema.GraphQLScalarType SPECIFIED_ID = graphql.schema.GraphQLScalarType.newScalar()
            .name("ID").description(graphql.Scalars.GraphQLID.getDescription())
            .coercing(new graphql.schema.Coercing<Object, String>() {
                @Override
                public String serialize(Object result, GraphQLContext context, Locale locale) {
                    return String.valueOf(result);
                }

                @Override
                public String parseValue(Object input, GraphQLContext context, Locale locale) {
                    if (input instanceof String || input instanceof Integer || input instanceof Long
                            || input instanceof java.math.BigInteger) {
                        return input.toString();
                    }
                    throw new graphql.schema.CoercingParseValueException("An ID is a string or an integer.");
                }

                @Override
                public String parseLiteral(graphql.language.Value<?> input, graphql.execution.CoercedVariables variables,
                                           GraphQLContext context, Locale locale) {
                    if (input instanceof graphql.language.StringValue text) {
                        return text.getValue();
                    }
                    if (input instanceof graphql.language.IntValue number) {
                        return number.getValue().toString();
                    }
                    throw new graphql.schema.CoercingParseLiteralException("An ID is a string or an integer.");
                }
            }).build();

    /** True when {@code qualifiedName} ({@code Query.account}) is a field of one of the schema's root types. */
    public boolean hasRootField(String qualifiedName) {
        int dot = qualifiedName.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String type = qualifiedName.substring(0, dot);
        return java.util.stream.Stream.of(schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType())
                .filter(root -> root != null && root.getName().equals(type))
                .anyMatch(root -> root.getFieldDefinition(qualifiedName.substring(dot + 1)) != null);
    }

    GraphQLSchema schema() {
        return schema;
    }

    int defaultListSize() {
        return defaultListSize;
    }

    /**
     * @throws RequestRejectedException 400 {@link #INVALID_FOR_SCHEMA}, with a fixed message; field
     *                                  suggestions only as diagnostics for callers the rules let read
     *                                  the schema ({@link #SCHEMA_READING})
     */
    void validate(Document document) throws RequestRejectedException {
        List<ValidationError> errors = new Validator().validateDocument(schema, document, Locale.ROOT);
        if (!errors.isEmpty()) {
            RequestRejectedException refused = new RequestRejectedException(400, INVALID_FOR_SCHEMA,
                    "The GraphQL request does not match the service's schema.");
            String suggestions = suggestions(errors);
            throw suggestions.isEmpty() ? refused : refused.withDiagnostics(SCHEMA_READING, suggestions);
        }
    }

    /** A variable's value is not one of its declared type (or a required one is missing). */
    public static final String VARIABLES_INVALID = "GRAPHQL_VARIABLES_INVALID";

    private static final com.fasterxml.jackson.databind.node.JsonNodeFactory NODES = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

    /**
     * Coerces the variables the operation declares as the service will (GraphQL's input coercion:
     * an {@code Int!} must be a 32-bit integer and present, an enum one of its values, an input
     * object only its fields), so the service is not sent what it would refuse. The schema's own
     * scalars take what the route's formats let them; variables the operation does not declare are
     * ignored, as the service ignores them.
     *
     * @return the variables as the service will read them (an {@code ID} sent as 7 is "7", a single
     *         value for a list a list of one, defaults filled in), for the rules to judge
     * @throws RequestRejectedException 400 {@link #VARIABLES_INVALID} naming the variable and the
     *                                  type the document declares, never the value
     */
    JsonNode coerceVariables(OperationDefinition operation, JsonNode variables) throws RequestRejectedException {
        if (operation.getVariableDefinitions().isEmpty()) {
            return NODES.objectNode();
        }
        java.util.Map<String, Object> raw = new java.util.HashMap<>();
        for (VariableDefinition definition : operation.getVariableDefinitions()) {
            JsonNode given = variables == null ? null : variables.get(definition.getName());
            if (given != null) {
                raw.put(definition.getName(), java(given));
            }
        }
        java.util.Map<String, Object> coerced = coerced(operation.getVariableDefinitions(), raw);
        if (coerced == null) {
            // Which one: asked again one by one, only for a request that is refused anyway.
            for (VariableDefinition definition : operation.getVariableDefinitions()) {
                if (coerced(List.of(definition), raw) == null) {
                    throw new RequestRejectedException(400, VARIABLES_INVALID, "Variable '$" + definition.getName()
                            + "' is not a valid " + AstPrinter.printAst(definition.getType()) + ".");
                }
            }
            throw new RequestRejectedException(400, VARIABLES_INVALID, "The variables are not of their declared types.");
        }
        return json(coerced);
    }

    // Direct conversions, not Jackson's convertValue/valueToTree: those serialize through a buffer,
    // which cost a third of the coercion's time on the request path.

    /** A JSON value as graphql-java reads external input: String, Number, Boolean, List, Map, or null. */
    private static Object java(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray()) {
            List<Object> elements = new java.util.ArrayList<>(node.size());
            node.forEach(element -> elements.add(java(element)));
            return elements;
        }
        if (node.isObject()) {
            java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
            node.fields().forEachRemaining(field -> fields.put(field.getKey(), java(field.getValue())));
            return fields;
        }
        return null;
    }

    /** A coerced value back as JSON, for the rules. */
    private static JsonNode json(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Integer number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Double number) {
            return NODES.numberNode(number);
        }
        if (value instanceof java.math.BigInteger number) {
            return NODES.numberNode(number);
        }
        if (value instanceof java.math.BigDecimal number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Number number) {
            return NODES.numberNode(number.doubleValue());
        }
        if (value instanceof java.util.Map<?, ?> map) {
            com.fasterxml.jackson.databind.node.ObjectNode object = NODES.objectNode();
            map.forEach((name, field) -> object.set(String.valueOf(name), json(field)));
            return object;
        }
        if (value instanceof Iterable<?> elements) {
            com.fasterxml.jackson.databind.node.ArrayNode array = NODES.arrayNode();
            elements.forEach(element -> array.add(json(element)));
            return array;
        }
        return NODES.textNode(String.valueOf(value));
    }

    /** The variables coerced, or null when one is not of its type. */
    private java.util.Map<String, Object> coerced(List<VariableDefinition> definitions, java.util.Map<String, Object> raw) {
        try {
            return ValuesResolver.coerceVariableValues(schema, definitions, RawVariables.of(raw), GraphQLContext.getDefault(),
                    Locale.ROOT).toMap();
        } catch (GraphQLException e) {
            return null;
        }
    }

    /** The operation whose permission lets a caller see the schema's names: introspection's. */
    static final String SCHEMA_READING = "Query.__schema";

    private static final java.util.regex.Pattern UNKNOWN_FIELD =
            java.util.regex.Pattern.compile("Field '([_A-Za-z][_0-9A-Za-z]*)' in type '([_A-Za-z][_0-9A-Za-z]*)' is undefined");

    /** "Did you mean" for each unknown field, from the fields its type has (as graphql-js suggests them). */
    private String suggestions(List<ValidationError> errors) {
        List<String> hints = new java.util.ArrayList<>();
        for (ValidationError error : errors) {
            if (error.getValidationErrorType() != graphql.validation.ValidationErrorType.FieldUndefined) {
                continue;
            }
            java.util.regex.Matcher unknown = UNKNOWN_FIELD.matcher(error.getMessage());
            if (unknown.find() && schema.getType(unknown.group(2)) instanceof graphql.schema.GraphQLFieldsContainer type) {
                List<String> close = closest(unknown.group(1), type.getFieldDefinitions().stream()
                        .map(graphql.schema.GraphQLFieldDefinition::getName).toList());
                if (!close.isEmpty()) {
                    hints.add(type.getName() + "." + unknown.group(1) + ": did you mean " + String.join(" or ", close) + "?");
                }
            }
        }
        return String.join(" ", hints);
    }

    static List<String> closest(String input, List<String> options) {
        int threshold = (int) Math.floor(input.length() * 0.4) + 1;
        return options.stream()
                .map(option -> java.util.Map.entry(option, distance(input.toLowerCase(Locale.ROOT), option.toLowerCase(Locale.ROOT))))
                .filter(entry -> entry.getValue() <= threshold)
                .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey()))
                .limit(5)
                .map(java.util.Map.Entry::getKey)
                .toList();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
