package io.portcullis.graphql;

import graphql.language.Document;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
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

    /** @throws IOException naming the file when it cannot be read or is not a valid schema */
    public static GraphQlContract load(Path sdl) throws IOException {
        return load(sdl, DEFAULT_LIST_SIZE);
    }

    /**
     * @param defaultListSize elements assumed in a list, for cost, where the schema's
     *                        {@code @listSize} and the request say nothing
     * @throws IOException naming the file when it cannot be read or is not a valid schema
     */
    public static GraphQlContract load(Path sdl, int defaultListSize) throws IOException {
        if (defaultListSize < 1) {
            throw new IllegalArgumentException("defaultListSize must be at least 1, was " + defaultListSize);
        }
        try {
            return new GraphQlContract(UnExecutableSchemaGenerator.makeUnExecutableSchema(
                    new SchemaParser().parse(Files.readString(sdl))), defaultListSize);
        } catch (SchemaProblem e) {
            throw new IOException(sdl + " is not a valid GraphQL schema: " + e.getMessage(), e);
        }
    }

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
