package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.audit.DecisionEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo bank's REST face behind its OpenAPI description ({@code examples/config/openapi/demo-bank.yaml},
 * route {@code bank-rest}): the positive security model through the gateway.
 */
class OpenApiGatewayIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway();

    @Test
    void aValidRequestPassesUnchanged() throws Exception {
        HttpResponse<String> transfer = post("{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":12.5,\"currency\":\"EUR\"}");
        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(201);
        assertThat(JSON.readTree(transfer.body()).get("initiatedBy").asText()).isEqualTo("alice");
    }

    @Test
    void aRequestBreakingTheDescriptionIs400NamingTheFieldNotItsValue() throws Exception {
        JsonNode wrongCurrency = assertProblem(post(
                "{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":12.5,\"currency\":\"XQZ\"}"), 400, "OPENAPI_VIOLATION");
        assertThat(wrongCurrency.get("detail").asText()).contains("/currency").doesNotContain("XQZ");
        JsonNode negative = assertProblem(post(
                "{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":-5,\"currency\":\"EUR\"}"), 400, "OPENAPI_VIOLATION");
        assertThat(negative.get("detail").asText()).contains("/amount").doesNotContain("-5");
        JsonNode missing = assertProblem(post("{\"fromAccount\":\"acc-alice-1\",\"amount\":1,\"currency\":\"EUR\"}"), 400,
                "OPENAPI_VIOLATION");
        assertThat(missing.get("detail").asText()).contains("is required");
        JsonNode badId = assertProblem(demo.gateway().send(demo.gateway().get("/api/accounts/not-an-account-id", "alice-demo-key")), 400,
                "OPENAPI_VIOLATION");
        assertThat(badId.get("detail").asText()).contains("'id'").doesNotContain("not-an-account-id");
    }

    @Test
    void anAnonymousCallerCannotMapTheApiFromItsRefusals() throws Exception {
        // A body breaking the description, and a path it lacks: asked to authenticate, told nothing of the API.
        HttpResponse<String> invalid = demo.gateway().send(demo.gateway().get("/api/transfers", null)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"amount\":1}")));
        JsonNode asked = assertProblem(invalid, 401, "AUTHN_REQUIRED");
        assertThat(asked.toString()).doesNotContain("required.").doesNotContain("fromAccount");
        assertThat(invalid.headers().firstValue("www-authenticate")).isPresent();
        assertThat(demo.gateway().auditOf(invalid.headers().firstValue("x-request-id").orElseThrow()).get(0).reasons())
                .containsExactly("AUTHN_REQUIRED", "OPENAPI_VIOLATION");
        HttpResponse<String> undeclared = demo.gateway().send(demo.gateway().get("/api/internal/keys", null));
        assertProblem(undeclared, 401, "AUTHN_REQUIRED");
        assertThat(demo.gateway().auditOf(undeclared.headers().firstValue("x-request-id").orElseThrow()).get(0).reasons())
                .contains("OPENAPI_PATH_UNDECLARED");
        JsonNode inventory = JSON.readTree(demo.gateway().send(demo.gateway().admin("/inventory")).body());
        assertThat(java.util.stream.StreamSupport.stream(inventory.get("endpoints").spliterator(), false)
                .filter(e -> e.get("path").asText().equals("/api/internal/keys")).findFirst().orElseThrow().get("kind").asText())
                .isEqualTo("shadow");

        // A wrong key is no better than none.
        assertProblem(demo.gateway().send(demo.gateway().get("/api/accounts/not-an-account-id", "wrong-key")), 401, "AUTHN_INVALID");

        // An operation open to anyone is checked against the description for anyone.
        JsonNode publicOperation = assertProblem(demo.gateway().send(demo.gateway().get("/api/branches/NOT_AN_ID!", null)), 400,
                "OPENAPI_VIOLATION");
        assertThat(publicOperation.get("detail").asText()).contains("'id'");
    }

    @Test
    void anAnonymousScannerPastItsRateLimitStillLeavesItsShadowPathsInTheInventory() throws Exception {
        // One address probing undeclared paths faster than its 20 a second: 401s, then 429s.
        java.util.Map<Integer, String> lastByStatus = new java.util.HashMap<>();
        for (int i = 0; i < 60; i++) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.8"), 0));
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", demo.gateway().port));
                socket.getOutputStream().write(("GET /api/probe/" + i + " HTTP/1.1\r\nHost: bank\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                lastByStatus.put(Integer.parseInt(answer.substring(9, 12)), "/api/probe/" + i);
            }
        }
        assertThat(lastByStatus).containsKeys(401, 429);
        String limited = lastByStatus.get(429);
        DecisionEvent refused = demo.gateway().audit.stream().filter(e -> e.path().equals(limited)).findFirst().orElseThrow();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.reasons()).contains("RATE_LIMITED", "OPENAPI_PATH_UNDECLARED");
        JsonNode inventory = JSON.readTree(demo.gateway().send(demo.gateway().admin("/inventory")).body());
        assertThat(inventory.get("endpoints").findValuesAsText("path")).contains(limited);
    }

    @Test
    void settingAnUndeclaredOrReadOnlyPropertyIsRefused() throws Exception {
        JsonNode role = assertProblem(post(
                "{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":1,\"currency\":\"EUR\",\"role\":\"admin\"}"), 400,
                "MASS_ASSIGNMENT");
        assertThat(role.get("detail").asText()).isEqualTo("The request sets properties this API does not accept: [/role]");
        JsonNode readOnly = assertProblem(post(
                "{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":1,\"currency\":\"EUR\",\"initiatedBy\":\"admin\"}"),
                400, "MASS_ASSIGNMENT");
        assertThat(readOnly.get("detail").asText()).contains("/initiatedBy");
    }

    @Test
    void responsesAreCutToWhatTheDescriptionDeclares() throws Exception {
        HttpResponse<String> upstream = demo.gateway().send(demo.gateway().upstream("/api/accounts/acc-alice-1"));
        assertThat(upstream.body()).contains("riskRating");
        HttpResponse<String> account = demo.gateway().send(demo.gateway().get("/api/accounts/acc-alice-1", "alice-demo-key"));
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(account.body()).fieldNames()).toIterable().containsExactlyInAnyOrder("id", "owner", "balance", "currency");
    }

    @Test
    void sensitiveDataTheCutRemovedIsInTheAuditNotInTheAnswer() throws Exception {
        assertThat(demo.gateway().send(demo.gateway().upstream("/api/accounts/acc-bob-1")).body()).contains("m.weber@demo-bank.example");
        HttpResponse<String> account = demo.gateway().send(demo.gateway().get("/api/accounts/acc-alice-1", "alice-demo-key"));
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(account.body()).doesNotContain("weber");

        // The upstream's answers to getAccount are searched at most once a minute: the first one of this gateway's life.
        DecisionEvent noted = demo.gateway().audit.stream().filter(e -> e.reasons().contains("SENSITIVE_DATA_CUT"))
                .findFirst().orElseThrow();
        assertThat(noted.operation()).isEqualTo("getAccount");
        assertThat(noted.effect()).isEqualTo("PERMIT");
        assertThat(noted.redactedFields()).contains("/relationshipManager");
        assertThat(noted.detections()).anyMatch(d -> d.startsWith("EMAIL at response/relationshipManager"));
        assertThat(noted.toString()).doesNotContain("weber");
    }

    @Test
    void anUndeclaredPathOrMethodIsRefusedAndAudited() throws Exception {
        assertProblem(demo.gateway().send(demo.gateway().get("/api/admin/export", "admin-demo-key")), 404, "OPENAPI_PATH_UNDECLARED");
        HttpResponse<String> put = demo.gateway().send(demo.gateway().get("/api/branches", "admin-demo-key")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
        assertProblem(put, 405, "OPENAPI_METHOD_UNDECLARED");

        // Both are in the gateway's inventory of shadow endpoints, with the deprecated ones in use.
        demo.gateway().send(demo.gateway().get("/api/transfers", "admin-demo-key"));
        JsonNode inventory = JSON.readTree(demo.gateway().send(demo.gateway().admin("/inventory")).body());
        assertThat(inventory.get("endpoints").findValuesAsText("path")).contains("/api/admin/export", "/api/branches",
                "/api/transfers");
        JsonNode export = java.util.stream.StreamSupport.stream(inventory.get("endpoints").spliterator(), false)
                .filter(e -> e.get("path").asText().equals("/api/admin/export")).findFirst().orElseThrow();
        assertThat(export.get("kind").asText()).isEqualTo("shadow");
        assertThat(export.get("method").asText()).isEqualTo("GET");
        assertThat(export.get("calls").asLong()).isEqualTo(1);
        assertThat(java.util.stream.StreamSupport.stream(inventory.get("endpoints").spliterator(), false)
                .filter(e -> e.get("path").asText().equals("/api/transfers")).findFirst().orElseThrow().get("kind").asText())
                .isEqualTo("deprecated");
        assertThat(inventory.get("dropped").asLong()).isZero();
    }

    @Test
    void aDeprecatedOperationStillAnswersFlaggedAndTheCallIsAudited() throws Exception {
        HttpResponse<String> deprecated = demo.gateway().send(demo.gateway().get("/api/transfers", "admin-demo-key"));
        assertThat(deprecated.statusCode()).isEqualTo(200);
        assertThat(deprecated.headers().firstValue("deprecation")).contains("true");
        String requestId = deprecated.headers().firstValue("x-request-id").orElseThrow();
        assertThat(demo.gateway().auditOf(requestId).get(0).reasons()).contains("DEPRECATED_OPERATION");
        assertThat(demo.gateway().send(demo.gateway().get("/api/branches", null)).headers().firstValue("deprecation")).isEmpty();
    }

    static HttpResponse<String> post(String body) throws Exception {
        return demo.gateway().send(demo.gateway().get("/api/transfers", "alice-demo-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
