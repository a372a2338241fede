package io.portcullis.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpRequestMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GraphQlHttpRequestTest {

    static HttpRequestMessage post(String body) {
        return new HttpRequestMessage("POST", "/graphql", "", Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPostedRequestAndABatch() throws Exception {
        List<GraphQlHttpRequest> one = GraphQlHttpRequest.readAll(post(
                "{\"query\":\"query Q($id: ID!) { account(id: $id) { id } }\",\"operationName\":\"Q\",\"variables\":{\"id\":\"acc-1\"}}")).requests();
        GraphQlHttpRequest.Batch batched = GraphQlHttpRequest.readAll(post("[{\"query\":\"{ a }\"},{\"query\":\"{ b }\"}]"));
        List<GraphQlHttpRequest> batch = batched.requests();
        assertThat(batched.batch()).isTrue();

        assertThat(one).singleElement().satisfies(request -> {
            assertThat(request.operationName()).isEqualTo("Q");
            assertThat(request.variables().get("id").asText()).isEqualTo("acc-1");
            assertThat(request.viaGet()).isFalse();
        });
        assertThat(batch).extracting(GraphQlHttpRequest::query).containsExactly("{ a }", "{ b }");
    }

    @Test
    void getRunsQueriesOnly() throws Exception {
        HttpRequestMessage get = new HttpRequestMessage("GET", "/graphql",
                "query=mutation%20%7B%20transfer(amount%3A%201)%20%7B%20id%20%7D%20%7D", Map.of(), new byte[0]);
        GraphQlHttpRequest request = GraphQlHttpRequest.readAll(get).requests().get(0);
        GraphQlOperation mutation = new GraphQlOperationReader(GraphQlParseLimits.DEFAULTS).read(request.query(), null);

        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> request.requireQueryIfGet(mutation));

        assertThat(refused.status()).isEqualTo(405);
        assertThat(refused.reason()).isEqualTo(GraphQlHttpRequest.MUTATION_BY_GET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"query\":\"{ a }\",\"query\":\"{ b }\"}", "{\"query\":\"{ a }\"} trailing",
            "{\"query\":42}", "{\"query\":\"{ a }\",\"variables\":[1]}", "[]", "[1]", "{}"})
    void anythingElseIsRefusedWithoutEchoingIt(String body) {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> GraphQlHttpRequest.readAll(post(body)));

        // JSON-level faults carry the same codes as on every JSON route; GraphQL-level ones their own.
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isIn(GraphQlHttpRequest.REQUEST_INVALID, "JSON_MALFORMED", "JSON_DUPLICATE_KEY");
        assertThat(refused.getMessage()).doesNotContain("trailing").doesNotContain("42");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "query=%7B%20a%20%7D&query=%7B%20b%20%7D | GRAPHQL_REQUEST_INVALID",
            "query=%7B%20a%20%7                       | QUERY_MALFORMED",
            "query=%C0%AE                             | QUERY_MALFORMED",
            "query=%7Ba%7D&variables=%5B1%5D          | GRAPHQL_REQUEST_INVALID"})
    void getParametersAreDecodedStrictlyAndOnce(String rawQuery, String reason) {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> GraphQlHttpRequest.readAll(new HttpRequestMessage("GET", "/graphql", rawQuery, Map.of(), new byte[0])));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo(reason);
    }

    @Test
    void otherMethodsAndMediaTypesAreRefused() {
        HttpRequestMessage put = new HttpRequestMessage("PUT", "/graphql", "", Map.of(), new byte[0]);
        HttpRequestMessage text = new HttpRequestMessage("POST", "/graphql", "", Map.of("content-type", List.of("text/plain")),
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(catchThrowableOfType(RequestRejectedException.class, () -> GraphQlHttpRequest.readAll(put)).status()).isEqualTo(405);
        assertThat(catchThrowableOfType(RequestRejectedException.class, () -> GraphQlHttpRequest.readAll(text)).status()).isEqualTo(415);
    }
}
