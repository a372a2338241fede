package io.portcullis.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.adapter.RequestRejectedException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The route's hard ceilings on real documents, and the errors a refused client gets. */
class GraphQlLimitsTest {

    final GraphQlOperationReader reader = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS);
    final GraphQlLimits limits = new GraphQlLimits(2, 3, 20, 2, 2, 1, 2, 1_000);

    String refusal(String document) {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> limits.check(reader.read(document, null)));
        assertThat(refused).as(document).isNotNull();
        assertThat(refused.status()).isEqualTo(400);
        return refused.reason();
    }

    @Test
    void anOrdinaryQueryIsWithinEveryCeiling() throws Exception {
        limits.check(reader.read("{ account(id: 1) { id holder { name } } }", null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{ account(id: 1) { holder { accounts { holder { name } } } } }                    | GRAPHQL_TOO_DEEP",
            "query Q { a: account(id: 1) { id } b: account(id: 2) { id } c: account(id: 3) { id } } | GRAPHQL_TOO_MANY_ALIASES",
            "{ account(id: 1) { id } customer(id: 1) { id } branches { id } }                  | GRAPHQL_TOO_MANY_ROOT_FIELDS",
            "{ account(id: 1) @include(if: true) @skip(if: false) { id } }                      | GRAPHQL_TOO_MANY_DIRECTIVES",
            "{ account(id: 1) { id id id } }                                                    | GRAPHQL_DUPLICATE_FIELDS"})
    void eachCeilingHasItsReason(String document, String reason) {
        assertThat(refusal(document)).isEqualTo(reason);
    }

    @Test
    void fieldsAreCountedWithFragmentsExpanded() {
        // 8 fields in the fragment, spread three times: 24, over the ceiling of 20, though the document names 8.
        String document = "{ ...F ...F ...F } fragment F on Query { branches { id city address } account(id: 1) { id owner balance } }";

        assertThat(refusal(document)).isEqualTo(GraphQlLimits.TOO_MANY_FIELDS);
    }

    @Test
    void batchesOverTheCeilingAreRefused() throws Exception {
        limits.checkBatch(2);
        assertThatThrownBy(() -> limits.checkBatch(100)).hasFieldOrPropertyWithValue("reason", GraphQlLimits.TOO_MANY_OPERATIONS);
    }

    @Test
    void errorsFollowGraphQlOverHttpAndNameOnlyTheCode() throws Exception {
        JsonNode body = new ObjectMapper().readTree(GraphQlErrors.render("req-9", List.of(GraphQlLimits.TOO_DEEP),
                "The GraphQL operation is nested too deeply."));

        assertThat(body.get("errors")).hasSize(1);
        assertThat(body.at("/errors/0/message").asText()).isEqualTo("The GraphQL operation is nested too deeply.");
        assertThat(body.at("/errors/0/extensions/code").asText()).isEqualTo("GRAPHQL_TOO_DEEP");
        assertThat(body.at("/errors/0/extensions/requestId").asText()).isEqualTo("req-9");
        assertThat(body.has("data")).isFalse();
    }

    @Test
    void aDocumentDefiningMoreOperationsThanABatchMayHoldIsRefusedThoughOnlyOneRuns() throws Exception {
        String three = "query A { a } query B { b } query C { c }";
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> limits.check(reader.read(three, "A")));
        assertThat(refused.reason()).isEqualTo(GraphQlLimits.TOO_MANY_OPERATIONS);
        limits.check(reader.read("query A { a } query B { b }", "A"));
    }
}
