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

    @BeforeAll
    static void load() throws Exception {
        reader = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS, GraphQlContract.load(DEMO_SCHEMA));
    }

    @Test
    void documentsTheSchemaDescribesPass() throws Exception {
        assertThat(reader.read("query($id: ID!) { account(id: $id) { id owner holder { name } } }", null).depth()).isEqualTo(3);
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

    @Test
    void aFileThatIsNoSchemaIsRefusedAtLoad(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.graphqls"), "type Query { a: Missing }");

        assertThatThrownBy(() -> GraphQlContract.load(broken)).hasMessageContaining("not a valid GraphQL schema");
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
}
