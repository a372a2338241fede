package io.portcullis.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo bank's own schema as the contract. */
class GraphQlContractTest {

    static final Path DEMO_SCHEMA = Path.of("../examples/config/graphql/demo-bank.graphqls");
    static GraphQlOperationReader reader;

    /** The demo's schema, its Decimal taking any leaf value (the demo route gives it a pattern). */
    static GraphQlContract demo() throws java.io.IOException {
        return GraphQlContract.load(DEMO_SCHEMA, 10, java.util.Map.of("Decimal", GraphQlContract.LEAF_VALUE));
    }

    @BeforeAll
    static void load() throws Exception {
        reader = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS, demo());
    }

    @Test
    void documentsTheSchemaDescribesPass() throws Exception {
        assertThat(reader.read("query($id: ID!) { account(id: $id) { id owner holder { name } } }", null,
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"id\": \"acc-1\"}")).depth()).isEqualTo(3);
        assertThat(reader.read("mutation { transfer(fromAccount: \"a\", toAccount: \"b\", amount: \"1.00\", currency: \"EUR\") { id } }",
                null).type()).isEqualTo("mutation");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{ acount(id: 1) { id } }",
            "{ account(id: 1) { id passwrd } }",
            "{ account { id } }",
            "{ account(id: 1) }",
            "{ customer(id: 1) { ...F } } fragment F on Account { id }"})
    void anythingElseIsRefusedWithoutSuggestingNames(String document) {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> reader.read(document, null));

        assertThat(refused.reason()).isEqualTo(GraphQlContract.INVALID_FOR_SCHEMA);
        assertThat(refused.getMessage()).doesNotContain("account").doesNotContain("Did you mean").doesNotContain("password");
    }

    static final String TRANSFER = "mutation($from: ID!, $to: ID!, $amount: Decimal!) {"
            + " transfer(fromAccount: $from, toAccount: $to, amount: $amount, currency: \"EUR\") { id } }";
    static final String TRANSFERS = "query($n: Int = 10) { transfers(first: $n) { id } }";

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "M | {\"from\": \"a\", \"amount\": \"1.00\"}                   | $to   | ID!",
            "M | {\"from\": \"a\", \"to\": null, \"amount\": 1}               | $to   | ID!",
            "M | {\"from\": [\"a\"], \"to\": \"b\", \"amount\": 1}            | $from | ID!",
            "M | {\"from\": {\"$ne\": 1}, \"to\": \"b\", \"amount\": 1}        | $from | ID!",
            "M | {\"from\": true, \"to\": \"b\", \"amount\": 1}               | $from | ID!",
            "M | {\"from\": \"a\", \"to\": \"b\"}                          | $amount | Decimal!",
            "Q | {\"n\": \"5 OR 1=1\"}                                  | $n    | Int",
            "Q | {\"n\": 4294967296}                                    | $n    | Int",
            "Q | {\"n\": 2.5}                                           | $n    | Int"})
    void aVariableThatIsNotOfItsDeclaredTypeIsRefusedNamingItNotItsValue(String document, String variables, String name,
                                                                          String type) throws Exception {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> reader.read(
                document.equals("M") ? TRANSFER : TRANSFERS, null, new com.fasterxml.jackson.databind.ObjectMapper().readTree(variables)));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo(GraphQlContract.VARIABLES_INVALID);
        assertThat(refused.getMessage()).isEqualTo("Variable '" + name + "' is not a valid " + type + ".")
                .doesNotContain("OR 1=1").doesNotContain("$ne");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "M | {\"from\": \"a\", \"to\": \"b\", \"amount\": \"12.50\"}",
            "M | {\"from\": 7, \"to\": \"b\", \"amount\": 12.5, \"undeclared\": {\"any\": [1]}}",
            "Q | {\"n\": 3}",
            "Q | {\"n\": null}",
            "Q | {}"})
    void variablesOfTheirDeclaredTypesPass(String document, String variables) throws Exception {
        assertThat(reader.read(document.equals("M") ? TRANSFER : TRANSFERS, null,
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(variables)).rootFields()).hasSize(1);
    }

    @Test
    void enumsAndInputObjectsAreCoercedAsTheServiceWould(@TempDir Path dir) throws Exception {
        Path sdl = Files.writeString(dir.resolve("s.graphqls"), """
                enum Currency { EUR USD }
                input Payment { amount: Float!, currency: Currency! }
                type Query { quote(payment: Payment!): Float }
                """);
        GraphQlOperationReader typed = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS, GraphQlContract.load(sdl, 10, java.util.Map.of()));
        String query = "query($p: Payment!) { quote(payment: $p) }";
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

        assertThat(typed.read(query, null, json.readTree("{\"p\": {\"amount\": 5, \"currency\": \"EUR\"}}")).type()).isEqualTo("query");
        for (String wrong : new String[] {
                "{\"p\": {\"amount\": 5, \"currency\": \"XQZ\"}}",
                "{\"p\": {\"amount\": 5, \"currency\": \"EUR\", \"role\": \"admin\"}}",
                "{\"p\": {\"currency\": \"EUR\"}}",
                "{\"p\": {\"amount\": \"5\", \"currency\": \"EUR\"}}"}) {
            assertThat(catchThrowableOfType(RequestRejectedException.class, () -> typed.read(query, null, json.readTree(wrong))).getMessage())
                    .as(wrong).isEqualTo("Variable '$p' is not a valid Payment!.");
        }
    }

    @Test
    void aSchemasOwnScalarsTakeLeafValuesOrTheFormatTheRouteGives(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        // 'leaf': strings, numbers, booleans; never an object or a list.
        RequestRejectedException operator = catchThrowableOfType(RequestRejectedException.class, () -> reader.read(TRANSFER, null,
                json.readTree("{\"from\": \"a\", \"to\": \"b\", \"amount\": {\"$gt\": 0}}")));
        assertThat(operator.getMessage()).isEqualTo("Variable '$amount' is not a valid Decimal!.");

        Path sdl = Files.writeString(dir.resolve("s.graphqls"), """
                scalar Decimal
                scalar JSON
                type Query { pay(amount: Decimal!, meta: JSON): Boolean }
                """);
        GraphQlOperationReader formatted = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS, GraphQlContract.load(sdl, 10,
                java.util.Map.of("Decimal", "^-?[0-9]{1,15}([.][0-9]{1,4})?$", "JSON", GraphQlContract.ANY_VALUE)));
        String query = "query($a: Decimal!, $m: JSON) { pay(amount: $a, meta: $m) }";
        for (String good : new String[] {"{\"a\": \"12.50\"}", "{\"a\": 12.5, \"m\": {\"tags\": [1, 2]}}", "{\"a\": -3}"}) {
            assertThat(formatted.read(query, null, json.readTree(good)).rootFields()).as(good).containsExactly("pay");
        }
        for (String bad : new String[] {"{\"a\": \"12.5.1\"}", "{\"a\": \"1e9\"}", "{\"a\": [1]}", "{\"a\": true}"}) {
            assertThat(catchThrowableOfType(RequestRejectedException.class, () -> formatted.read(query, null, json.readTree(bad))).reason())
                    .as(bad).isEqualTo(GraphQlContract.VARIABLES_INVALID);
        }
        // A literal is held to the same format, by the schema validation.
        assertThat(catchThrowableOfType(RequestRejectedException.class, () -> formatted.read("{ pay(amount: \"abc\") }", null))
                .reason()).isEqualTo(GraphQlContract.INVALID_FOR_SCHEMA);
        assertThat(formatted.read("{ pay(amount: \"7.25\", meta: {a: 1}) }", null).rootFields()).containsExactly("pay");
        // A short number that is a billion digits written out is no value of the format, not a billion-digit string.
        assertThat(catchThrowableOfType(RequestRejectedException.class, () -> formatted.read("{ pay(amount: 1e999999999) }", null))
                .reason()).isEqualTo(GraphQlContract.INVALID_FOR_SCHEMA);

        // Every scalar of the schema's own needs a format: what it takes is the route's to say.
        assertThatThrownBy(() -> GraphQlContract.load(sdl, 10, java.util.Map.of("Decimal", "leaf")))
                .hasMessageContaining("scalars.JSON: s.graphqls defines it and the route gives it no format");
        assertThatThrownBy(() -> GraphQlContract.load(sdl, 10, java.util.Map.of("Money", "^[0-9]+$", "Decimal", "leaf", "JSON", "any")))
                .hasMessageContaining("scalars.Money: s.graphqls defines no scalar Money of its own");
        assertThatThrownBy(() -> GraphQlContract.load(sdl, 10, java.util.Map.of("Decimal", "([")))
                .hasMessageContaining("scalars.Decimal: not a regular expression");
    }

    @Test
    void aFileThatIsNoSchemaIsRefusedAtLoad(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.graphqls"), "type Query { a: Missing }");

        assertThatThrownBy(() -> GraphQlContract.load(broken, 10, java.util.Map.of())).hasMessageContaining("not a valid GraphQL schema");
    }

    @Test
    void suggestionsAreDiagnosticsForSchemaReadersOnly() throws Exception {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> reader.read("{ acount(id: \"x\") { id } }", null));
        assertThat(refused.getMessage()).doesNotContain("account");
        assertThat(refused.diagnosticsOperation()).isEqualTo("Query.__schema");
        assertThat(refused.diagnostics()).isEqualTo("Query.acount: did you mean account?");
        assertThat(GraphQlContract.closest("balanse", java.util.List.of("balance", "owner", "currency"))).containsExactly("balance");
        assertThat(GraphQlContract.closest("xyz", java.util.List.of("balance", "owner"))).isEmpty();
    }

    @Test
    void aLiteralIsCoercedAsAVariablesValueWouldBe() {
        var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        assertThat(SelectionPlanner.coerced(nodes.numberNode(7), graphql.Scalars.GraphQLID)).isEqualTo(nodes.textNode("7"));
        assertThat(SelectionPlanner.coerced(nodes.numberNode(3), graphql.Scalars.GraphQLFloat)).isEqualTo(nodes.numberNode(3.0));
        assertThat(SelectionPlanner.coerced(nodes.numberNode(3), graphql.Scalars.GraphQLInt)).isEqualTo(nodes.numberNode(3));
        assertThat(SelectionPlanner.coerced(nodes.textNode("a"), graphql.schema.GraphQLList.list(graphql.Scalars.GraphQLID)))
                .isEqualTo(nodes.arrayNode().add("a"));
    }
}
