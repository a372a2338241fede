package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.JSON;
import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.engine.Eventually;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules edited under a running gateway: good packs go live on their own, broken ones never do. */
class RuleReloadIT {

    static final String PAUSE_TRANSFERS = """
            package rules.ops;

            import io.portcullis.engine.model.ApiRequest;
            import io.portcullis.engine.model.Finding;

            rule "ops-001-transfers-paused"
            when
                ApiRequest( operation == "transfer" )
            then
                insert( Finding.deny("TRANSFERS_PAUSED", 503, "Transfers are paused for maintenance.") );
            end
            """;

    static final String PAUSE_LARGE_TRANSFERS = """
            package rules.ops;

            import io.portcullis.engine.model.ApiRequest;
            import io.portcullis.engine.model.Finding;

            rule "ops-002-large-transfers-paused"
            when
                ApiRequest( operation == "transfer", bodyNumber("/amount") > 5000, bodyNumber("/amount") <= 10000 )
            then
                insert( Finding.deny("TRANSFERS_PAUSED", 503, "Large transfers are paused for maintenance.") );
            end
            """;

    @TempDir
    Path workDir;

    RunningGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = new RunningGateway(workDir);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @Test
    void editingRulesUnderARunningGatewayChangesTheNextDecision() throws Exception {
        String before = revision();
        assertThat(transfer("6000.00").statusCode()).as("the bank itself refuses: insufficient funds").isEqualTo(422);

        Files.createDirectories(gateway.rules.resolve("tests/ops"));
        Files.writeString(gateway.rules.resolve("tests/ops/large-transfers-paused.yaml"), """
                description: Transfers from 5,000 to 10,000 (the teller limit) are paused
                request:
                  operation: transfer
                  principal: {subject: alice, roles: [customer], attributes: {accounts: [acc-alice-1]}}
                  body: {fromAccount: acc-alice-1, toAccount: acc-bob-1, amount: 6000.00, currency: EUR}
                expect:
                  effect: DENY
                  status: 503
                  reasons: [TRANSFERS_PAUSED]
                """);
        Files.createDirectories(gateway.rules.resolve("ops"));
        Files.writeString(gateway.rules.resolve("ops/maintenance.drl"), PAUSE_LARGE_TRANSFERS);
        Eventually.within(Duration.ofSeconds(30), () -> !revision().equals(before), "the edited pack is live");

        assertProblem(transfer("6000.00"), 503, "TRANSFERS_PAUSED");
        assertThat(transfer("1.00").statusCode()).isEqualTo(201);
        assertThat(rulesStatus().get("files").toString()).contains("ops/maintenance.drl");
    }

    @Test
    void brokenRuleFileKeepsThePreviousPackServingAndShowsTheError() throws Exception {
        String before = revision();

        Files.writeString(gateway.rules.resolve("authz/broken.drl"), """
                package rules.authz;
                import io.portcullis.engine.model.ApiRequest;
                rule "authz-999-broken"
                when
                    ApiRequest( operation == )
                then
                end
                """);
        Eventually.within(Duration.ofSeconds(30), () -> !rulesStatus().get("lastErrors").isEmpty(),
                "the broken pack is reported");

        JsonNode status = rulesStatus();
        assertThat(status.get("revision").asText()).isEqualTo(before);
        assertThat(status.get("lastErrors").toString()).contains("authz/broken.drl:5");
        assertThat(gateway.send(gateway.get("/api/accounts/acc-alice-1", "alice-demo-key")).statusCode()).isEqualTo(200);
        assertProblem(gateway.send(gateway.get("/api/accounts/acc-alice-1", null)), 401, "AUTHN_REQUIRED");
        assertThat(gateway.send(gateway.admin("/health")).statusCode()).isEqualTo(200);
    }

    @Test
    void ruleChangeThatBreaksAFixtureIsRefusedAndAdminReloadSaysWhy() throws Exception {
        String before = revision();
        Files.createDirectories(gateway.rules.resolve("ops"));
        Files.writeString(gateway.rules.resolve("ops/maintenance.drl"), PAUSE_TRANSFERS);

        HttpResponse<String> reload = gateway.send(gateway.admin("/rules/reload").POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(reload.statusCode()).isEqualTo(422);
        assertThat(reload.body()).contains("tests/authz/customer-transfers.yaml", "fixture failed");
        assertThat(revision()).isEqualTo(before);
        assertThat(transfer("1.00").statusCode()).isEqualTo(201);
    }

    @Test
    void revokingAKeyInTheKeyFileTakesEffectWithoutARestart() throws Exception {
        assertThat(gateway.send(gateway.get("/api/accounts/acc-bob-1", "bob-demo-key")).statusCode()).isEqualTo(200);

        String keys = Files.readString(gateway.apiKeys);
        Files.writeString(gateway.apiKeys, keys.replace("    sha256: 3a1f6bae", "    revoked: true\n    sha256: 3a1f6bae"));
        Eventually.within(Duration.ofSeconds(30),
                () -> sendQuietly("bob-demo-key") == 401, "the revocation is in force");

        HttpResponse<String> revoked = gateway.send(gateway.get("/api/accounts/acc-bob-1", "bob-demo-key"));
        assertProblem(revoked, 401, "AUTHN_INVALID");
        assertThat(gateway.auditOf(GatewayIT.requestId(revoked)).get(0).authenticationFailure()).isEqualTo("API_KEY_REVOKED");
        assertThat(gateway.send(gateway.get("/api/accounts/acc-alice-1", "alice-demo-key")).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyFileEditThatCannotBeReadKeepsTheOldKeysAndShowsOnHealth() throws Exception {
        Files.writeString(gateway.apiKeys, "keys:\n  - id: broken\n    sha256: not-a-hash\n");
        Eventually.within(Duration.ofSeconds(30), () -> health().get("status").asText().equals("DEGRADED"),
                "the broken key file is reported");

        assertThat(health().get("warnings").toString()).contains("api-keys.yaml");
        assertThat(gateway.send(gateway.get("/api/accounts/acc-alice-1", "alice-demo-key")).statusCode()).isEqualTo(200);
    }

    private JsonNode health() {
        try {
            return JSON.readTree(gateway.send(gateway.admin("/health")).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int sendQuietly(String key) {
        try {
            return gateway.send(gateway.get("/api/accounts/acc-bob-1", key)).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> transfer(String amount) throws Exception {
        return gateway.send(gateway.get("/api/transfers", "alice-demo-key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":" + amount + ",\"currency\":\"EUR\"}")));
    }

    private String revision() {
        return rulesStatus().get("revision").asText();
    }

    private JsonNode rulesStatus() {
        try {
            return JSON.readTree(gateway.send(gateway.admin("/rules")).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
