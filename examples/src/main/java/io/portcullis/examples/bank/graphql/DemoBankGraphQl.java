package io.portcullis.examples.bank.graphql;

import graphql.ExecutionInput;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLScalarType;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.portcullis.examples.bank.DemoBank;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The demo bank's GraphQL face (graphql-java) over the same {@link DemoBank} as its REST and SOAP
 * faces, from the schema the gateway also reads ({@code examples/config/graphql/demo-bank.graphqls}).
 * It trusts the gateway in front of it: who is calling comes from {@code X-Authenticated-Subject}.
 */
public final class DemoBankGraphQl {

    /** GraphQL context key of the caller the gateway names. */
    public static final String CALLER = "caller";

    private final GraphQL graphQl;

    /** A statement of one account: what the slow {@code Query.statement} resolver builds. */
    public record Statement(String accountId, String owner, BigDecimal balance, java.util.List<DemoBank.Transfer> transfers) {
    }

    /**
     * @param statementDelay how long building a statement takes: the demo's slow resolver, which the
     *                       gateway's route timeout cuts short
     */
    public DemoBankGraphQl(DemoBank bank, Path schema, java.time.Duration statementDelay) throws IOException {
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(DECIMAL)
                .type("Query", type -> type
                        .dataFetcher("account", env -> bank.account(env.getArgument("id")).orElse(null))
                        .dataFetcher("customer", env -> bank.customer(env.getArgument("id")).orElse(null))
                        .dataFetcher("transfers", env -> first(bank.transfers(), env.getArgument("first")))
                        .dataFetcher("branches", env -> bank.branches())
                        .dataFetcher("statement", env -> statement(bank, env.getArgument("accountId"), statementDelay)))
                .type("Mutation", type -> type.dataFetcher("transfer", transfer(bank)))
                .type("Statement", type -> type.dataFetcher("transfers",
                        env -> first(((Statement) env.getSource()).transfers(), env.getArgument("first"))))
                .type("Account", type -> type.dataFetcher("holder",
                        env -> bank.customer(((DemoBank.Account) env.getSource()).owner()).orElse(null)))
                .type("Customer", type -> type.dataFetcher("accounts",
                        env -> bank.accountsOf(((DemoBank.Customer) env.getSource()).id())))
                .build();
        this.graphQl = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(
                new SchemaParser().parse(Files.readString(schema)), wiring)).build();
    }

    /** Runs one request; the result in the GraphQL-over-HTTP response shape ({@code data}, {@code errors}). */
    public Map<String, Object> execute(String query, String operationName, Map<String, Object> variables, String caller) {
        ExecutionInput input = ExecutionInput.newExecutionInput(query)
                .operationName(operationName)
                .variables(variables == null ? Map.of() : variables)
                .graphQLContext(Map.of(CALLER, caller == null ? "" : caller))
                .build();
        return graphQl.execute(input).toSpecification();
    }

    private static <T> java.util.List<T> first(java.util.List<T> all, Integer first) {
        return first == null ? all : all.subList(0, Math.max(0, Math.min(first, all.size())));
    }

    private static Statement statement(DemoBank bank, String accountId, java.time.Duration delay) throws InterruptedException {
        Thread.sleep(delay.toMillis());
        return bank.account(accountId).map(account -> new Statement(account.id(), account.owner(), account.balance(),
                bank.transfers().stream().filter(t -> t.fromAccount().equals(accountId) || t.toAccount().equals(accountId))
                        .toList())).orElse(null);
    }

    private static DataFetcher<Object> transfer(DemoBank bank) {
        return env -> {
            String caller = env.getGraphQlContext().getOrDefault(CALLER, "");
            try {
                return bank.transfer(env.getArgument("fromAccount"), env.getArgument("toAccount"),
                        env.getArgument("amount"), env.getArgument("currency"), caller);
            } catch (DemoBank.TransferRefused e) {
                return DataFetcherResult.newResult()
                        .error(GraphqlErrorBuilder.newError(env).message(e.getMessage()).build()).build();
            }
        };
    }

    /** Exact decimal amounts: JSON numbers or strings in, strings out (no binary floating point for money). */
    static final GraphQLScalarType DECIMAL = GraphQLScalarType.newScalar().name("Decimal")
            .description("An exact decimal number, such as 25.00")
            .coercing(new Coercing<BigDecimal, String>() {
                @Override
                public String serialize(Object value, GraphQLContext context, Locale locale) {
                    if (value instanceof BigDecimal decimal) {
                        return decimal.toPlainString();
                    }
                    throw new CoercingSerializeException("not a decimal");
                }

                @Override
                public BigDecimal parseValue(Object input, GraphQLContext context, Locale locale) {
                    try {
                        return new BigDecimal(String.valueOf(input));
                    } catch (NumberFormatException e) {
                        throw new CoercingParseValueException("not a decimal number");
                    }
                }

                @Override
                public BigDecimal parseLiteral(graphql.language.Value<?> input, graphql.execution.CoercedVariables variables,
                                               GraphQLContext context, Locale locale) {
                    if (input instanceof StringValue text) {
                        return parseValue(text.getValue(), context, locale);
                    }
                    if (input instanceof FloatValue number) {
                        return number.getValue();
                    }
                    if (input instanceof IntValue number) {
                        return new BigDecimal(number.getValue());
                    }
                    throw new CoercingParseLiteralException("not a decimal number");
                }
            }).build();
}
