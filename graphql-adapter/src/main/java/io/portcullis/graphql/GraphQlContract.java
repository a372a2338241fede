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
 * gateway. graphql-java's validation messages are never passed on: they quote the document and
 * suggest field names ("Did you mean ..."), which would tell an ordinary caller the schema.
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

    /** @throws RequestRejectedException 400 {@link #INVALID_FOR_SCHEMA}, with a fixed message */
    void validate(Document document) throws RequestRejectedException {
        List<ValidationError> errors = new Validator().validateDocument(schema, document, Locale.ROOT);
        if (!errors.isEmpty()) {
            throw new RequestRejectedException(400, INVALID_FOR_SCHEMA,
                    "The GraphQL request does not match the service's schema.");
        }
    }
}
