package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's GraphQL route in persisted-query mode ({@code graphQl.persistedQueries:
 * graphql/persisted-queries.json}): registered documents run, sent whole or by hash; nothing else does.
 */
class GraphQlPersistedQueriesIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    static JsonNode manifest;

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir, "", config -> config.replace(
                "# persistedQueries: graphql/persisted-queries.json", "persistedQueries: graphql/persisted-queries.json"));
        manifest = JSON.readTree(Files.readString(RunningGateway.REPOSITORY.resolve("examples/config/graphql/persisted-queries.json")));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aRegisteredQueryRunsWhetherSentWholeOrByHash() throws Exception {
        JsonNode myAccount = operation("MyAccount");
        String variables = "{\"id\": \"acc-alice-1\"}";
        HttpResponse<String> whole = post("{\"query\": " + JSON.writeValueAsString(myAccount.get("body").asText())
                + ", \"variables\": " + variables + "}");
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(JSON.readTree(whole.body()).at("/data/account/owner").asText()).isEqualTo("alice");

        String extensions = "{\"persistedQuery\": {\"version\": 1, \"sha256Hash\": \"" + myAccount.get("id").asText() + "\"}}";
        HttpResponse<String> byHash = post("{\"variables\": " + variables + ", \"extensions\": " + extensions + "}");
        assertThat(byHash.statusCode()).as(byHash.body()).isEqualTo(200);
        assertThat(JSON.readTree(byHash.body()).at("/data/account/balance").asText()).isNotEmpty();

        HttpResponse<String> byHashOverGet = gateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port
                + "/graphql?variables=" + encode(variables) + "&extensions=" + encode(extensions))).header("X-API-Key", "alice-demo-key"));
        assertThat(byHashOverGet.statusCode()).as(byHashOverGet.body()).isEqualTo(200);
        assertThat(JSON.readTree(byHashOverGet.body()).at("/data/account/owner").asText()).isEqualTo("alice");
    }

    @Test
    void anUnregisteredQueryIsRefusedEvenIfValidAndPermitted() throws Exception {
        HttpResponse<String> refused = post("{\"query\": \"{ account(id: \\\"acc-alice-1\\\") { owner } }\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).findValuesAsText("code")).containsExactly("GRAPHQL_QUERY_NOT_ALLOWLISTED");
        String requestId = refused.headers().firstValue("x-request-id").orElseThrow();
        assertThat(gateway.auditOf(requestId).get(0).reasons()).containsExactly("GRAPHQL_QUERY_NOT_ALLOWLISTED");
    }

    @Test
    void theRulesStillJudgeARegisteredQuery() throws Exception {
        HttpResponse<String> others = post("{\"query\": " + JSON.writeValueAsString(operation("MyAccount").get("body").asText())
                + ", \"variables\": {\"id\": \"acc-bob-1\"}}");
        assertThat(others.statusCode()).isEqualTo(403);
        assertThat(others.body()).contains("BOLA_NOT_OWNER").doesNotContain("87.00");
    }

    static JsonNode operation(String name) {
        for (JsonNode operation : manifest.get("operations")) {
            if (operation.get("name").asText().equals(name)) {
                return operation;
            }
        }
        throw new IllegalArgumentException(name);
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static HttpResponse<String> post(String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + "/graphql"))
                .header("X-API-Key", "alice-demo-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
