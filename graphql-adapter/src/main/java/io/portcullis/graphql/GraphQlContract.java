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

    private final GraphQLSchema schema;

    private GraphQlContract(GraphQLSchema schema) {
        this.schema = schema;
    }

    /** @throws IOException naming the file when it cannot be read or is not a valid schema */
    public static GraphQlContract load(Path sdl) throws IOException {
        try {
            return new GraphQlContract(UnExecutableSchemaGenerator.makeUnExecutableSchema(
                    new SchemaParser().parse(Files.readString(sdl))));
        } catch (SchemaProblem e) {
            throw new IOException(sdl + " is not a valid GraphQL schema: " + e.getMessage(), e);
        }
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
