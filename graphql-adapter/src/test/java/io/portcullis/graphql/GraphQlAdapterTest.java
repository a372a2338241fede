package io.portcullis.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.adapter.ResponseView;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Peer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphQlAdapterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> OPERATIONS = List.of("Query.account as getAccount", "Query.customer as getCustomer",
            "Mutation.transfer as transfer");

    @TempDir
    Path dir;

    GraphQlAdapter adapter(PersistedQueries persisted) throws Exception {
        return new GraphQlAdapter(new GraphQlRouteSettings("bank-graphql", "/graphql", GraphQlContractTest.demo(),
                OPERATIONS, GraphQlParseLimits.DEFAULTS, GraphQlLimits.DEFAULTS, persisted, 1 << 20, 1 << 20));
    }

    static HttpRequestMessage post(String body) {
        return new HttpRequestMessage("POST", "/graphql", null, Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    static ApiRequest normalize(GraphQlAdapter adapter, String body) throws RequestRejectedException {
        return adapter.normalize(post(body), new RequestContext("r1", Instant.EPOCH, "bank-graphql", Peer.UNKNOWN));
    }

    @Test
    void eachRootSelectionIsAViewWithItsArgumentsAsBodyValuesAndItsFields() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        ApiRequest request = normalize(adapter, """
                {"query": "query Q { mine: account(id: \\"acc-alice-1\\") { owner holder { name } } branches { city } } \\n mutation M($to: ID!, $amount: Decimal! = \\"12.50\\") { transfer(fromAccount: \\"acc-alice-1\\", toAccount: $to, amount: $amount, currency: \\"EUR\\") { id } }",
                 "operationName": "M", "variables": {"to": "acc-bob-1"}}""");
        List<ApiRequest> views = adapter.views(request);
        assertThat(views).extracting(ApiRequest::operation).containsExactly("transfer");
        ApiRequest transfer = views.get(0);
        assertThat(transfer.bodyText("/toAccount")).isEqualTo("acc-bob-1");
        assertThat(transfer.bodyNumber("/amount")).isEqualByComparingTo(new BigDecimal("12.50"));
        assertThat(transfer.pathParam("fromAccount")).isEqualTo("acc-alice-1");
        assertThat(transfer.attribute(GraphQlAdapter.OPERATION_TYPE)).isEqualTo("mutation");
        assertThat(transfer.attribute(GraphQlAdapter.OPERATION_NAME)).isEqualTo("M");
        assertThat(transfer.attributes()).doesNotContainKey(GraphQlAdapter.PLAN);

        // The rules judge the variables as the service reads them: an ID sent as a number is a string.
        ApiRequest numbered = normalize(adapter, """
                {"query": "mutation M($to: ID!) { transfer(fromAccount: \\"acc-alice-1\\", toAccount: $to, amount: 1, currency: \\"EUR\\") { id } }",
                 "variables": {"to": 7}}""");
        assertThat(adapter.views(numbered).get(0).bodyText("/toAccount")).isEqualTo("7");
        // And so are literals: an ID written as 7 is "7" to the rules, as the service reads it.
        ApiRequest literal = normalize(adapter, """
                {"query": "mutation { transfer(fromAccount: \\"acc-alice-1\\", toAccount: 7, amount: 1, currency: \\"EUR\\") { id } }"}""");
        assertThat(adapter.views(literal).get(0).body().get("/toAccount")).isEqualTo("7");

        ApiRequest query = normalize(adapter, """
                {"query": "{ mine: account(id: \\"acc-alice-1\\") { owner holder { ... on Customer { nid: nationalId } } } branches { city } }"}""");
        List<ApiRequest> queryViews = adapter.views(query);
        assertThat(queryViews).extracting(ApiRequest::operation).containsExactly("getAccount", "Query.branches");
        assertThat(queryViews.get(0).attributeValues(GraphQlAdapter.FIELDS))
                .containsExactly("Account.holder", "Account.owner", "Customer.nationalId", "Query.account");
        assertThat(queryViews.get(0).attributeNumber(GraphQlAdapter.DEPTH)).isEqualByComparingTo("3");
        assertThat(query.operation()).isEqualTo("getAccount,Query.branches");
    }

    @Test
    void argumentsOfNestedFieldsAreBodyValuesByResponseKeyFragmentsIncluded() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        ApiRequest request = normalize(adapter, """
                {"query": "query($n: Int) { transfers(first: $n) { id } s: statement(accountId: \\"acc-alice-1\\") { ...T } } fragment T on Statement { recent: transfers(first: $n) { id } }",
                 "variables": {"n": 3}}""");
        List<ApiRequest> views = adapter.views(request);
        assertThat(views.get(0).bodyNumber("/first")).isEqualByComparingTo("3");
        assertThat(views.get(1).bodyText("/accountId")).isEqualTo("acc-alice-1");
        assertThat(views.get(1).bodyNumber("/recent/@first")).isEqualByComparingTo("3");
        assertThat(views.get(1).pathParams()).containsOnlyKeys("accountId");

        ApiRequest nested = normalize(adapter, """
                {"query": "{ customer(id: \\"alice\\") { accounts { holder { ...H } } } } fragment H on Customer { accounts { id } name }"}""");
        assertThat(adapter.views(nested).get(0).body()).containsOnlyKeys("/id");

        ApiRequest withNestedArgument = normalize(adapter, """
                {"query": "{ a: statement(accountId: \\"acc-alice-1\\") { transfers { id } } b: account(id: \\"x\\") { holder { accounts { id } } } }"}""");
        assertThat(adapter.views(withNestedArgument).get(0).body()).containsOnlyKeys("/accountId");
    }

    @Test
    void costMultipliesThroughListsBySlicingArgumentAssumedSizeOrTheDefault() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        // transfers(first: 7) { id }: 7 x (1 + 0); branches: assumedSize 20 x 1; customer > accounts (5) > holder.
        ApiRequest request = normalize(adapter, """
                {"query": "{ transfers(first: 7) { id } branches { city } customer(id: \\"alice\\") { accounts { holder { name } } } }"}""");
        List<ApiRequest> views = adapter.views(request);
        assertThat(views).extracting(view -> view.attributeNumber(GraphQlAdapter.FIELD_COST).intValue())
                .containsExactly(7, 20, 1 + 5 * (1 + 1));
        assertThat(views.get(0).attributeNumber(GraphQlAdapter.COST).intValue()).isEqualTo(7 + 20 + 11);

        ApiRequest mutation = normalize(adapter, """
                {"query": "mutation { transfer(fromAccount: \\"a\\", toAccount: \\"b\\", amount: 1, currency: \\"EUR\\") { id } }"}""");
        assertThat(adapter.views(mutation).get(0).attributeNumber(GraphQlAdapter.COST).intValue()).isEqualTo(10);
    }

    @Test
    void aFragmentSpreadManyTimesIsCostedOnceAndCountedEveryTime() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        StringBuilder query = new StringBuilder("{ customer(id: \\\"alice\\\") { ...F0 } }");
        for (int i = 0; i < 30; i++) {
            query.append(" fragment F").append(i).append(" on Customer { accounts { holder { ...F").append(i + 1)
                    .append(" } } name }");
        }
        query.append(" fragment F30 on Customer { name }");
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> normalize(adapter, "{\"query\": \"" + query + "\"}"));
        assertThat(refused.reason()).isIn(GraphQlLimits.TOO_DEEP, GraphQlLimits.TOO_COSTLY);
    }

    @Test
    void responsesAreJudgedPerRootFieldUnderTheirResponseKeyAndRedactionsAreReaddressed() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        ApiRequest request = normalize(adapter, """
                [{"query": "{ branches { city } }"}, {"query": "{ them: customer(id: \\"bob\\") { name nationalId } }"}]""");
        ApiResponse whole = adapter.normalizeResponse(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("application/json")), """
                [{"data": {"branches": [{"city": "Basel"}]}},
                 {"data": {"them": {"name": "Bob", "nationalId": "756.1234.5678.97"}}}]""".getBytes(StandardCharsets.UTF_8)));
        List<ResponseView> views = adapter.views(whole);
        assertThat(views).extracting(ResponseView::bodyPointer).containsExactly("/0/data/branches", "/1/data/them");
        ApiResponse customer = views.get(1).response();
        assertThat(customer.operation()).isEqualTo("getCustomer");
        assertThat(customer.bodyText("/nationalId")).isEqualTo("756.1234.5678.97");

        Decision decided = new Decision(Decision.Effect.PERMIT, 200, List.of(), "",
                List.of(Obligation.redactField("/nationalId")), List.of(), "r").within(views.get(1).bodyPointer());
        HttpResponseMessage out = adapter.fulfil(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("application/json")),
                JSON.writeValueAsBytes(JSON.readTree("[{\"data\":{\"branches\":[]}},{\"data\":{\"them\":{\"name\":\"Bob\",\"nationalId\":\"x\"}}}]"))),
                decided.obligations());
        assertThat(new String(out.body(), StandardCharsets.UTF_8)).doesNotContain("nationalId").contains("Bob");
    }

    @Test
    void errorsAndExtensionsAreAViewOfTheirOwnSoDataLossRulesSeeThem() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        ApiRequest request = normalize(adapter, "{\"query\": \"{ account(id: \\\"acc-bob-1\\\") { owner } }\"}");
        ApiResponse whole = adapter.normalizeResponse(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("application/json")),
                "{\"data\":{\"account\":null},\"errors\":[{\"message\":\"card 4111 1111 1111 1111 declined\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
        List<ResponseView> views = adapter.views(whole);
        assertThat(views).hasSize(2);
        ApiResponse extras = views.get(1).response();
        assertThat(extras.operation()).isEqualTo(GraphQlAdapter.RESPONSE_EXTRAS);
        assertThat(extras.hasData("CARD")).isTrue();
        assertThat(views.get(1).bodyPointer()).isEmpty();
        assertThat(extras.bodyText("/errors/0/message")).contains("declined");
    }

    @Test
    void aPersistedQueryAllowlistRunsOnlyRegisteredDocumentsAndWritesInTheOneNamedByHash() throws Exception {
        String registered = "query Mine { account(id: \"acc-alice-1\") { owner } }";
        String hash = PersistedQueries.sha256(registered);
        Path manifest = Files.writeString(dir.resolve("manifest.json"), JSON.writeValueAsString(Map.of(
                "format", "apollo-persisted-query-manifest", "version", 1,
                "operations", List.of(Map.of("id", hash, "name", "Mine", "type", "query", "body", registered)))));
        GraphQlAdapter adapter = adapter(PersistedQueries.load(manifest));

        String byHash = "{\"extensions\": {\"persistedQuery\": {\"version\": 1, \"sha256Hash\": \"" + hash + "\"}}}";
        ApiRequest request = normalize(adapter, byHash);
        assertThat(adapter.views(request)).extracting(ApiRequest::operation).containsExactly("getAccount");
        HttpRequestMessage forwarded = adapter.fulfil(request, post(byHash), List.of());
        assertThat(JSON.readTree(forwarded.body()).get("query").asText()).isEqualTo(registered);

        RequestRejectedException unregistered = catchThrowableOfType(RequestRejectedException.class,
                () -> normalize(adapter, "{\"query\": \"{ account(id: \\\"acc-bob-1\\\") { owner } }\"}"));
        assertThat(unregistered.reason()).isEqualTo(PersistedQueries.NOT_ALLOWLISTED);
        assertThat(unregistered.status()).isEqualTo(403);

        RequestRejectedException mismatch = catchThrowableOfType(RequestRejectedException.class, () -> normalize(adapter,
                "{\"query\": \"{ branches { city } }\", " + byHash.substring(1)));
        assertThat(mismatch.reason()).isEqualTo(PersistedQueries.HASH_MISMATCH);
    }

    @Test
    void aHashSentBesideTheQueryMustBeTheQuerysEvenWithoutAnAllowlist() throws Exception {
        String other = PersistedQueries.sha256("{ transfers { id amount } }");
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> normalize(adapter(null),
                "{\"query\": \"{ __typename }\", \"extensions\": {\"persistedQuery\": {\"version\": 1, \"sha256Hash\": \""
                        + other + "\"}}}"));
        assertThat(refused.reason()).isEqualTo(PersistedQueries.HASH_MISMATCH);
    }

    @Test
    void aPersistedQueryNamedByHashInAGetIsWrittenIntoTheForwardedQueryString() throws Exception {
        String registered = "{ branches { city } }";
        String hash = PersistedQueries.sha256(registered);
        Path manifest = Files.writeString(dir.resolve("manifest.json"), JSON.writeValueAsString(Map.of(
                "format", "apollo-persisted-query-manifest", "version", 1,
                "operations", List.of(Map.of("id", hash, "body", registered)))));
        GraphQlAdapter adapter = adapter(PersistedQueries.load(manifest));
        HttpRequestMessage get = new HttpRequestMessage("GET", "/graphql",
                "extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22" + hash + "%22%7D%7D",
                Map.of(), new byte[0]);
        ApiRequest request = adapter.normalize(get, new RequestContext("r1", Instant.EPOCH, "bank-graphql", Peer.UNKNOWN));
        HttpRequestMessage forwarded = adapter.fulfil(request, get, List.of());
        assertThat(forwarded.rawQuery()).startsWith("query=%7B%20branches%20%7B%20city%20%7D%20%7D&extensions=");
    }

    @Test
    void onlyTheRoutesOwnPathInItsOneSpellingIsServed() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        for (String path : List.of("/graphql/../api/accounts/acc-bob-1", "/graphql/x", "/graphql;a=b", "/GRAPHQL", "/graphql%2f")) {
            RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalize(
                    new HttpRequestMessage("GET", path, "query=%7B__typename%7D", Map.of(), new byte[0]),
                    new RequestContext("r1", Instant.EPOCH, "bank-graphql", Peer.UNKNOWN)));
            assertThat(refused).as(path).isNotNull();
            assertThat(refused.status()).as(path).isIn(400, 404);
        }
    }

    @Test
    void anAliasNamingAnotherFieldIsRefusedSoResponseRulesReadWhatTheyMean() throws Exception {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> normalize(adapter(null),
                "{\"query\": \"{ account(id: \\\"acc-bob-1\\\") { owner: __typename balance } }\"}"));
        assertThat(refused.reason()).isEqualTo(SelectionPlanner.ALIAS_SHADOWS_FIELD);
    }

    @Test
    void aSuccessfulAnswerThatIsNotShapedForTheRequestIsWithheld() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        ApiRequest single = normalize(adapter, "{\"query\": \"{ account(id: \\\"acc-bob-1\\\") { owner } }\"}");
        for (String body : List.of("[{\"data\": {\"account\": {\"owner\": \"bob\"}}}]", "\"text\"")) {
            RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalizeResponse(
                    single, new HttpResponseMessage(200, Map.of("content-type", List.of("application/json")),
                            body.getBytes(StandardCharsets.UTF_8))));
            assertThat(refused.reason()).as(body).isEqualTo("UPSTREAM_RESPONSE_NOT_GRAPHQL");
        }
        RequestRejectedException html = catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalizeResponse(single,
                new HttpResponseMessage(200, Map.of("content-type", List.of("text/html")), "<p>bob</p>".getBytes(StandardCharsets.UTF_8))));
        assertThat(html.reason()).isEqualTo("UPSTREAM_RESPONSE_NOT_GRAPHQL");
        // An error page is not judged either: withheld, whatever its status.
        RequestRejectedException errorPage = catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalizeResponse(single,
                new HttpResponseMessage(404, Map.of("content-type", List.of("text/html")),
                        "<p>card 4111 1111 1111 1111</p>".getBytes(StandardCharsets.UTF_8))));
        assertThat(errorPage.reason()).isEqualTo("UPSTREAM_RESPONSE_NOT_GRAPHQL");
    }

    @Test
    void aRedactionInOneBatchedAnswerStillRefusesABodyWithTheFieldElsewhere() throws Exception {
        GraphQlAdapter adapter = adapter(null);
        ApiRequest request = normalize(adapter, "[{\"query\": \"{ customer(id: \\\"bob\\\") { nationalId } }\"},"
                + " {\"query\": \"{ account(id: \\\"acc-bob-1\\\") { holder { nationalId } } }\"}]");
        Decision decided = new Decision(Decision.Effect.PERMIT, 200, List.of(), "",
                List.of(Obligation.redactField("/nationalId")), List.of(), "r").within("/0/data/customer");
        HttpResponseMessage both = new HttpResponseMessage(200, Map.of("content-type", List.of("application/json")),
                "[{\"data\":{\"customer\":{\"nationalId\":\"x\"}}},{\"data\":{\"account\":{\"holder\":{\"nationalId\":\"x\"}}}}]"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(catchThrowableOfType(io.portcullis.engine.adapter.ObligationException.class,
                () -> adapter.fulfil(request, both, decided.obligations()))).isNotNull();
    }

    @Test
    void aManifestWhoseIdsAreNotTheDocumentsHashesIsRefusedAtLoad() throws Exception {
        Path manifest = Files.writeString(dir.resolve("bad.json"), JSON.writeValueAsString(Map.of(
                "format", "apollo-persisted-query-manifest", "version", 1,
                "operations", List.of(Map.of("id", "0".repeat(64), "body", "{ branches { city } }")))));
        assertThat(catchThrowableOfType(java.io.IOException.class, () -> PersistedQueries.load(manifest)))
                .hasMessageContaining("operations[0]: id must be the SHA-256 (hex) of body");
    }

    @Test
    void aDeclarationNamingNoRootFieldIsRefused() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new GraphQlAdapter(new GraphQlRouteSettings("r", "/graphql",
                GraphQlContractTest.demo(), List.of("Query.acount as getAccount"),
                GraphQlParseLimits.DEFAULTS, GraphQlLimits.DEFAULTS, null, 1 << 20, 1 << 20))))
                .hasMessageContaining("the schema has no root field Query.acount");
    }
}
