package io.portcullis.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GraphQlOperationReaderTest {

    private final GraphQlOperationReader reader = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS);

    @Test
    void rootFieldsAreRealNamesNotAliases() throws Exception {
        GraphQlOperation operation = reader.read("""
                {
                  me: viewer { id }
                  accounts(first: 2) { id balance }
                  again: accounts(first: 3) { id }
                }
                """, null);

        assertThat(operation.type()).isEqualTo("query");
        assertThat(operation.name()).isEmpty();
        assertThat(operation.rootFields()).containsExactly("viewer", "accounts");
        assertThat(operation.depth()).isEqualTo(2);
    }

    @Test
    void metricsCountTheOperationAsTheServerWouldRunIt() throws Exception {
        GraphQlOperation operation = reader.read("""
                query Flood {
                  a1: account(id: 1) { ...Details }
                  a2: account(id: 1) { ...Details }
                  a3: account(id: 1) @include(if: true) @skip(if: false) { id }
                  account(id: 2) { id id id }
                }
                fragment Details on Account { id balance holder { name } }
                """, null);

        GraphQlMetrics metrics = operation.metrics();
        assertThat(metrics.aliases()).isEqualTo(3);
        assertThat(metrics.fields()).as("4 roots, 2 x 4 from the fragment, 1 + 3 below").isEqualTo(4 + 8 + 1 + 3);
        assertThat(metrics.maxDirectives()).isEqualTo(2);
        assertThat(metrics.maxDuplicates()).isEqualTo(3);
        assertThat(metrics.introspection()).isFalse();
    }

    @Test
    void introspectionIsFoundWhereverItHides() throws Exception {
        GraphQlOperation operation = reader.read("""
                { account(id: 1) { id } ...Sneaky }
                fragment Sneaky on Query { ... on Query { __schema { types { name } } } }
                """, null);

        assertThat(operation.metrics().introspection()).isTrue();
        assertThat(reader.read("{ account(id: 1) { __typename id } }", null).metrics().introspection()).isFalse();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void fieldCountsOfExponentialFragmentsStayCheapAndSaturate() throws Exception {
        StringBuilder document = new StringBuilder("{ ...F0 }\n");
        for (int i = 0; i < 70; i++) {
            document.append("fragment F").append(i).append(" on Query { a: x { ...F").append(i + 1)
                    .append(" } b: x { ...F").append(i + 1).append(" } }\n");
        }
        document.append("fragment F70 on Query { x }\n");

        GraphQlMetrics metrics = reader.read(document.toString(), null).metrics();

        assertThat(metrics.fields()).isEqualTo(Long.MAX_VALUE);
        assertThat(metrics.aliases()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void picksMutationByOperationName() throws Exception {
        String document = """
                query ReadAccount { account(id: 1) { balance } }
                mutation MoveMoney { transfer(from: 1, to: 2, amount: 10) { id status } }
                """;

        GraphQlOperation operation = reader.read(document, "MoveMoney");

        assertThat(operation.type()).isEqualTo("mutation");
        assertThat(operation.name()).isEqualTo("MoveMoney");
        assertThat(operation.rootFields()).containsExactly("transfer");
        assertThat(reader.read(document, "ReadAccount").type()).isEqualTo("query");
    }

    @Test
    void countsDepthAndRootFieldsThroughFragments() throws Exception {
        GraphQlOperation operation = reader.read("""
                query Deep {
                  ...Top
                  ... on Query { adminSettings { flag } }
                }
                fragment Top on Query { account { ...Owner } }
                fragment Owner on Account { owner { address { city } } }
                """, "Deep");

        // account > owner > address > city
        assertThat(operation.depth()).isEqualTo(4);
        assertThat(operation.rootFields()).containsExactly("account", "adminSettings");
    }

    @Test
    void refusesCircularFragmentsWithoutEchoingThem() {
        RequestRejectedException refusal = refusal("""
                query { ...Alpha }
                fragment Alpha on Query { x { ...Bravo } }
                fragment Bravo on X { y { ...Alpha } }
                """, null);

        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.reason()).isEqualTo(GraphQlOperationReader.GRAPHQL_FRAGMENT_CYCLE);
        assertThat(refusal.getMessage()).doesNotContain("Alpha").doesNotContain("Bravo");
    }

    @Test
    void refusesCycleInFragmentTheOperationDoesNotUse() {
        RequestRejectedException refusal = refusal("""
                query { ok }
                fragment Loop on Query { ...Loop }
                """, null);

        assertThat(refusal.reason()).isEqualTo(GraphQlOperationReader.GRAPHQL_FRAGMENT_CYCLE);
    }

    @Test
    void refusesTokenBombWithLimitReason() {
        GraphQlOperationReader strict = new GraphQlOperationReader(new GraphQlParseLimits(1_000_000, 1_000, 50_000, 200));
        String bomb = "{ " + "boomField ".repeat(20_000) + "}";

        RequestRejectedException refusal =
                catchThrowableOfType(RequestRejectedException.class, () -> strict.read(bomb, null));

        assertThat(refusal).isNotNull();
        assertThat(refusal.reason()).isEqualTo(GraphQlOperationReader.GRAPHQL_LIMIT);
        assertThat(refusal.getMessage()).doesNotContain("boomField");
    }

    @Test
    void refusesDocumentOverTheCharacterLimit() {
        GraphQlOperationReader strict = new GraphQlOperationReader(new GraphQlParseLimits(100, 10_000, 50_000, 200));

        String oversized = "{ " + "a ".repeat(100) + "}";

        RequestRejectedException refusal =
                catchThrowableOfType(RequestRejectedException.class, () -> strict.read(oversized, null));

        assertThat(refusal).isNotNull();
        assertThat(refusal.reason()).isEqualTo(GraphQlOperationReader.GRAPHQL_LIMIT);
    }

    /** Each fragment spreads the next twice: 2^40 paths, which only a memoising walk survives. */
    @Test
    // A separate thread, so a regression fails at the timeout instead of hanging the build.
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fragmentFanOutIsNotExponential() throws Exception {
        StringBuilder document = new StringBuilder("{ ...F0 }\n");
        for (int i = 0; i < 40; i++) {
            document.append("fragment F").append(i).append(" on T { n").append(i)
                    .append(" { ...F").append(i + 1).append(" ...F").append(i + 1).append(" } }\n");
        }
        document.append("fragment F40 on T { leaf }\n");

        GraphQlOperation operation = reader.read(document.toString(), null);

        assertThat(operation.depth()).isEqualTo(41);
        assertThat(operation.rootFields()).containsExactly("n0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{ secretField( }                                       | GRAPHQL_SYNTAX",
            "query A { a } query B { b }                            | GRAPHQL_OPERATION_AMBIGUOUS",
            "fragment F on Query { a }                              | GRAPHQL_OPERATION_UNKNOWN",
            "query A { a } query A { b }                            | GRAPHQL_INVALID",
            "{ a } query B { b }                                    | GRAPHQL_INVALID",
            "{ ...secretFragment }                                  | GRAPHQL_INVALID",
            "type secretType { a: Int }                             | GRAPHQL_INVALID",
            "{ a } fragment F on Q { a } fragment F on Q { b }      | GRAPHQL_INVALID",
    })
    void refusesWithReasonAndWithoutEchoingInput(String document, String reason) {
        RequestRejectedException refusal = refusal(document, null);

        assertThat(refusal.reason()).isEqualTo(reason);
        assertThat(refusal.getMessage()).doesNotContainIgnoringCase("secret");
    }

    @Test
    void refusesUnknownOperationName() {
        RequestRejectedException refusal = refusal("query A { a } query B { b }", "secretName");

        assertThat(refusal.reason()).isEqualTo(GraphQlOperationReader.GRAPHQL_OPERATION_UNKNOWN);
        assertThat(refusal.getMessage()).doesNotContain("secretName");
    }

    private RequestRejectedException refusal(String document, String operationName) {
        RequestRejectedException refusal =
                catchThrowableOfType(RequestRejectedException.class, () -> reader.read(document, operationName));
        assertThat(refusal).as("refused").isNotNull();
        return refusal;
    }

    @Test
    void aFragmentRememberedFromElsewhereCountsItsDepthWhereItIsSpreadAgain() {
        // Ten fragments, each 30 levels deep and spreading the one before: 300 levels in all, past the
        // walk's bound of 200, though each fragment alone is well within it.
        StringBuilder document = new StringBuilder("{ a { ...F9 } }");
        String thirty = "x {".repeat(30) + " y " + "}".repeat(30);
        document.append(" fragment F0 on T { ").append(thirty).append(" }");
        for (int i = 1; i < 10; i++) {
            document.append(" fragment F").append(i).append(" on T { ").append("x {".repeat(30)).append(" ...F").append(i - 1)
                    .append(" ").append("}".repeat(30)).append(" }");
        }
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> reader.read(document.toString(), null));
        assertThat(refused).isNotNull();
        assertThat(refused.reason()).isEqualTo(GraphQlOperationReader.GRAPHQL_LIMIT);
    }
}
