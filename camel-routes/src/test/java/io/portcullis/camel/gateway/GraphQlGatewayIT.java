package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.engine.audit.DecisionEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo bank's GraphQL face through the gateway (route {@code bank-graphql} of the example
 * configuration, its rules from {@code rules/}): real GraphQL-over-HTTP requests, judged per root
 * field, against the graphql-java upstream.
 */
class GraphQlGatewayIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "alice-demo-key";
    static final String ADMIN = "admin-demo-key";

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway();

    @Test
    void anOrdinaryQueryAndMutationGoThrough() throws Exception {
        HttpResponse<String> query = post(ALICE, request("query Mine($id: ID!) { account(id: $id) { id owner balance } }",
                Map.of("id", "acc-alice-1")));
        assertThat(query.statusCode()).isEqualTo(200);
        assertThat(json(query).at("/data/account/owner").asText()).isEqualTo("alice");
        assertThat(eventOf(query).operation()).isEqualTo("getAccount");
        assertThat(eventOf(query).effect()).isEqualTo("PERMIT");

        HttpResponse<String> mutation = post(ALICE, request(
                "mutation { transfer(fromAccount: \"acc-alice-1\", toAccount: \"acc-bob-1\", amount: \"25.00\", currency: \"EUR\") { id amount } }",
                null));
        assertThat(mutation.statusCode()).isEqualTo(200);
        assertThat(json(mutation).at("/data/transfer/amount").asText()).isEqualTo("25.00");
    }

    @Test
    void eachRootFieldIsJudgedOnItsOwnSoAPublicOneCannotCarryAnotherCallersAccount() throws Exception {
        HttpResponse<String> mixed = post(ALICE, request(
                "{ branches { city } mine: account(id: \"acc-alice-1\") { owner } theirs: account(id: \"acc-bob-1\") { owner balance } }",
                null));
        assertRefused(mixed, 403, "BOLA_NOT_OWNER");
        assertThat(mixed.body()).doesNotContain("bob").doesNotContain("87.00");
        assertThat(eventOf(mixed).operation()).isEqualTo("listBranches,getAccount");
    }

    @Test
    void theTransferLimitRuleHoldsOnTheGraphQlFaceAsOnRestAndSoap() throws Exception {
        String overTheLimit = "mutation($amount: Decimal!) { transfer(fromAccount: \"acc-alice-1\", toAccount: \"acc-bob-1\", "
                + "amount: $amount, currency: \"EUR\") { id } }";
        assertRefused(post(ALICE, request(overTheLimit, Map.of("amount", 10000.01))), 403, "TRANSFER_LIMIT_EXCEEDED");
        // An amount that is no decimal number goes no further (graphQl.scalars; the rule would count it as over the limit).
        assertRefused(post(ALICE, request(overTheLimit, Map.of("amount", "ten thousand"))), 400, "GRAPHQL_VARIABLES_INVALID");
        assertRefused(post(ALICE, request(overTheLimit.replace("acc-alice-1", "acc-bob-1"), Map.of("amount", "5.00"))), 403,
                "BOLA_NOT_OWNER");
    }

    @Test
    void aQueryNestedPastTheDepthLimitIsRefusedForACustomerAlsoThroughFragmentsButNotForTheAdmin() throws Exception {
        String deep = "{ account(id: \"acc-alice-1\") { holder { accounts { holder { accounts { holder { accounts { holder { name } } } } } } } } }";
        assertRefused(post(ALICE, request(deep, null)), 400, "GRAPHQL_DEPTH_LIMIT");
        String viaFragments = "{ account(id: \"acc-alice-1\") { ...A } } fragment A on Account { holder { ...C } } "
                + "fragment C on Customer { accounts { holder { accounts { holder { accounts { holder { name } } } } } } }";
        assertRefused(post(ALICE, request(viaFragments, null)), 400, "GRAPHQL_DEPTH_LIMIT");

        HttpResponse<String> relaxed = post(ADMIN, request(deep, null));
        assertThat(relaxed.statusCode()).isEqualTo(200);
        assertThat(json(relaxed).at("/data/account/holder/accounts/0/holder/accounts/0/holder/accounts/0/holder/name").asText())
                .isNotEmpty();

        String pastTheCeiling = "{ account(id: \"acc-alice-1\") {" + " holder { accounts {".repeat(8) + " id" + " } }".repeat(8) + " } }";
        assertRefused(post(ADMIN, request(pastTheCeiling, null)), 400, "GRAPHQL_TOO_DEEP");
    }

    @Test
    void circularFragmentsAreRefused() throws Exception {
        String cycle = "{ account(id: \"acc-alice-1\") { ...A } } fragment A on Account { holder { ...B } } "
                + "fragment B on Customer { accounts { ...A } }";
        assertRefused(post(ALICE, request(cycle, null)), 400, "GRAPHQL_FRAGMENT_CYCLE");
    }

    @Test
    void anAliasFloodIsRefusedAndFewerAliasesAreACustomerLimitTheAdminIsTrustedPast() throws Exception {
        StringBuilder flood = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            flood.append(" a").append(i).append(": branches { city }");
        }
        assertRefused(post(ADMIN, request(flood + " }", null)), 400, "GRAPHQL_TOO_MANY_ALIASES");

        StringBuilder twelve = new StringBuilder("{");
        for (int i = 0; i < 12; i++) {
            twelve.append(" a").append(i).append(": account(id: \"acc-alice-1\") { balance }");
        }
        assertRefused(post(ALICE, request(twelve + " }", null)), 400, "GRAPHQL_ALIAS_LIMIT");
        assertThat(post(ADMIN, request(twelve + " }", null)).statusCode()).isEqualTo(200);
    }

    @Test
    void aBatchOfAHundredOperationsIsRefusedAndASmallBatchIsAnsweredInOrder() throws Exception {
        ArrayNode hundred = JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            hundred.add(request("{ branches { city } }", null));
        }
        assertRefused(post(ALICE, hundred), 400, "GRAPHQL_TOO_MANY_OPERATIONS");

        ArrayNode two = JSON.createArrayNode();
        two.add(request("{ branches { city } }", null));
        two.add(request("{ account(id: \"acc-alice-1\") { owner } }", null));
        HttpResponse<String> answered = post(ALICE, two);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(json(answered).at("/1/data/account/owner").asText()).isEqualTo("alice");

        two.add(request("{ account(id: \"acc-bob-1\") { owner } }", null));
        assertRefused(post(ALICE, two), 403, "BOLA_NOT_OWNER");
    }

    @Test
    void aQueryWhoseCostExceedsTheLimitIsRefused() throws Exception {
        // 4 x customer > accounts (5) > holder > accounts (5) > holder > accounts (5) > holder: 1244 by the schema's @listSize.
        String nested = "customer(id: \"alice\") { accounts { holder { accounts { holder { accounts { holder { name } } } } } } }";
        String costly = "{ a: " + nested + " b: " + nested + " c: " + nested + " d: " + nested + " }";
        assertRefused(post(ALICE, request(costly, null)), 400, "GRAPHQL_COST_LIMIT");
        assertThat(post(ADMIN, request(costly, null)).statusCode()).isEqualTo(200);
        assertRefused(post(ADMIN, request("{ transfers(first: 20000) { id } }", null)), 400, "GRAPHQL_TOO_COSTLY");
    }

    @Test
    void introspectionIsForTheAdminOnly() throws Exception {
        String introspection = "{ __schema { types { name } } }";
        assertRefused(post(ALICE, request(introspection, null)), 403, "FUNCTION_NOT_ALLOWED");
        assertRefused(post(ALICE, request("{ __type(name: \"Customer\") { fields { name } } }", null)), 403, "FUNCTION_NOT_ALLOWED");
        HttpResponse<String> admin = post(ADMIN, request(introspection, null));
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("\"Customer\"");
    }

    @Test
    void fieldSuggestionsAreForThoseWhoMayReadTheSchemaOnly() throws Exception {
        HttpResponse<String> typo = post(ALICE, request("{ acount(id: \"acc-alice-1\") { id balanse } }", null));
        assertRefused(typo, 400, "GRAPHQL_INVALID_FOR_SCHEMA");
        assertThat(typo.body()).doesNotContain("account").doesNotContain("balance").doesNotContain("did you mean");

        HttpResponse<String> schemaReader = post(ADMIN, request("{ acount(id: \"acc-alice-1\") { id } }", null));
        assertRefused(schemaReader, 400, "GRAPHQL_INVALID_FOR_SCHEMA");
        assertThat(schemaReader.body()).contains("Query.acount: did you mean account?");
    }

    @Test
    void variablesAreOfTheirDeclaredTypesOrTheRequestIsRefused() throws Exception {
        String account = "query($id: ID!) { account(id: $id) { id owner } }";
        // An operator object where an id belongs (NoSQL injection) never reaches the service.
        HttpResponse<String> injected = post(ALICE, request(account, Map.of("id", Map.of("$ne", ""))));
        assertRefused(injected, 400, "GRAPHQL_VARIABLES_INVALID");
        assertThat(json(injected).get("errors").get(0).get("message").asText()).isEqualTo("Variable '$id' is not a valid ID!.");
        assertThat(injected.body()).doesNotContain("$ne");
        assertRefused(post(ALICE, request(account, Map.of())), 400, "GRAPHQL_VARIABLES_INVALID");
        assertRefused(post(ALICE, request("query($n: Int) { transfers(first: $n) { id } }", Map.of("n", "5; DROP TABLE transfers"))),
                400, "GRAPHQL_VARIABLES_INVALID");

        // Without credentials, whether a document fits the schema is not told: asked to authenticate instead.
        HttpResponse<String> anonymous = post(null, request(account, Map.of("id", Map.of("$ne", ""))));
        assertRefused(anonymous, 401, "AUTHN_REQUIRED");
        assertThat(eventOf(anonymous).reasons()).contains("GRAPHQL_VARIABLES_INVALID");
        assertThat(json(anonymous).get("errors").findValuesAsText("code")).containsExactly("AUTHN_REQUIRED");
        HttpResponse<String> probing = post(null, request("{ branches { id managerEmail } }", null));
        assertRefused(probing, 401, "AUTHN_REQUIRED");
        assertThat(json(probing).get("errors").findValuesAsText("code")).containsExactly("AUTHN_REQUIRED");
        assertThat(eventOf(probing).reasons()).contains("GRAPHQL_INVALID_FOR_SCHEMA");
        // Nor what a valid document names: an alias that is another field's name is refused, but not to them.
        HttpResponse<String> shadowing = post(null, request("{ branches { city: address } }", null));
        assertThat(json(shadowing).get("errors").findValuesAsText("code")).containsExactly("AUTHN_REQUIRED");
        assertThat(eventOf(shadowing).reasons()).contains("GRAPHQL_ALIAS_SHADOWS_FIELD");
        assertRefused(post(ALICE, request("{ branches { city: address } }", null)), 400, "GRAPHQL_ALIAS_SHADOWS_FIELD");
        assertThat(post(null, request("{ branches { id city } }", null)).statusCode()).isEqualTo(200);

        // The demo's Decimal is an amount above zero (graphQl.scalars), as REST's Money, or the request goes no further.
        String transfer = "mutation($amount: Decimal!) { transfer(fromAccount: \"acc-alice-1\", toAccount: \"acc-bob-1\","
                + " amount: $amount, currency: \"EUR\") { id } }";
        for (Object amount : List.of(Map.of("$gt", 0), "1e9", "12,50", "-5", "0.00")) {
            assertRefused(post(ALICE, request(transfer, Map.of("amount", amount))), 400, "GRAPHQL_VARIABLES_INVALID");
        }

        HttpResponse<String> typed = post(ALICE, request(account, Map.of("id", "acc-alice-1")));
        assertThat(typed.statusCode()).as(typed.body()).isEqualTo(200);
        assertThat(json(typed).at("/data/account/owner").asText()).isEqualTo("alice");
    }

    @Test
    void aNationalIdIsRefusedToACustomerWhereverItIsSelected() throws Exception {
        String hidden = "{ account(id: \"acc-alice-1\") { holder { ...Person } } } fragment Person on Customer { nid: nationalId }";
        HttpResponse<String> refused = post(ALICE, request(hidden, null));
        assertRefused(refused, 403, "FIELD_NOT_PERMITTED");
        assertThat(post(ADMIN, request(hidden, null)).statusCode()).isEqualTo(200);
    }

    @Test
    void aBatchIsCostedWholeSoSmallOperationsCannotAddUpPastTheLimit() throws Exception {
        // Five statements (weight 50 each) per operation, five operations: 250 each, 1,250 together.
        String statements = "{" + " s%d: statement(accountId: \"acc-alice-1\") { balance }".repeat(5).formatted(1, 2, 3, 4, 5) + " }";
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < 5; i++) {
            batch.add(request(statements, null));
        }
        assertRefused(post(ALICE, batch), 400, "GRAPHQL_COST_LIMIT");
    }

    @Test
    void anotherPathUnderTheRouteIsNotGraphQlAndIsRefused() throws Exception {
        HttpResponse<String> traversal = demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port
                + "/graphql/..%2fapi/accounts/acc-bob-1?query=%7B__typename%7D")));
        assertThat(traversal.statusCode()).isIn(400, 404);
        HttpResponse<String> below = demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port
                + "/graphql/extra?query=%7B__typename%7D")));
        assertRefused(below, 404, "GRAPHQL_PATH_UNKNOWN");
    }

    @Test
    void aSlowResolverPastTheRouteTimeoutIsAGraphQlErrorNotAHungClient() throws Exception {
        HttpResponse<String> slow = post(ALICE, request("{ statement(accountId: \"acc-alice-1\") { balance } }", null));
        assertRefused(slow, 504, "UPSTREAM_TIMEOUT");
    }

    @Test
    void malformedRequestsAreGraphQlErrorsWithoutEcho() throws Exception {
        HttpResponse<String> notGraphQl = post(ALICE, request("{ account(id: \"<script>\") { id ", null));
        assertRefused(notGraphQl, 400, "GRAPHQL_SYNTAX");
        assertThat(notGraphQl.body()).doesNotContain("<script>");
        HttpResponse<String> mutationByGet = demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port
                + "/graphql?query=mutation%7Btransfer(fromAccount:%22acc-alice-1%22,toAccount:%22acc-bob-1%22,amount:%221%22,currency:%22EUR%22)%7Bid%7D%7D"))
                .header("X-API-Key", ALICE));
        assertRefused(mutationByGet, 405, "GRAPHQL_MUTATION_BY_GET");
    }

    void assertRefused(HttpResponse<String> response, int status, String reason) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode errors = json(response).get("errors");
        assertThat(errors.isArray()).isTrue();
        assertThat(errors.findValuesAsText("code")).contains(reason);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("graphql.");
        assertThat(eventOf(response).reasons()).contains(reason);
    }

    DecisionEvent eventOf(HttpResponse<String> response) {
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        List<DecisionEvent> events = demo.gateway().auditOf(requestId);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    static ObjectNode request(String query, Map<String, Object> variables) {
        ObjectNode request = JSON.createObjectNode().put("query", query);
        if (variables != null) {
            request.set("variables", JSON.valueToTree(variables));
        }
        return request;
    }

    static HttpResponse<String> post(String apiKey, JsonNode body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port + "/graphql"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return demo.gateway().send(apiKey == null ? request : request.header("X-API-Key", apiKey));
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
