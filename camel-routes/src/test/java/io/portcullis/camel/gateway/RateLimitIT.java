package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.Eventually;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.soap.SecuredMessages;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.wss4j.dom.WSConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits through the gateway, on every protocol. The test's rule pack (a copy of the bundled
 * one) sets small limits so they can be reached: 5 calls a minute per caller on the echo route,
 * 2 a second on /echo/burst, a GraphQL cost budget of 40 a minute, one SOAP transfer a minute.
 */
class RateLimitIT {

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway();
    static final ObjectMapper JSON = new ObjectMapper();
    static DemoSoapClients soap;

    static final String LIMITS = """
            package rules.limits;

            import io.portcullis.engine.model.ApiRequest;
            import io.portcullis.engine.model.Finding;
            import io.portcullis.engine.model.Obligation;
            import io.portcullis.engine.model.Protocol;

            rule "rate-101-echo-per-minute"
            when
                $r : ApiRequest( route == "echo", !path.startsWith("/echo/burst") )
            then
                insert( Finding.oblige("RATE_LIMIT_APPLIED", Obligation.quota("echo-per-minute", $r.callerKey(), 5, "PT1M")) );
            end

            rule "rate-102-burst-per-second"
            when
                $r : ApiRequest( route == "echo", path.startsWith("/echo/burst") )
            then
                insert( Finding.oblige("RATE_LIMIT_APPLIED", Obligation.quota("burst", $r.callerKey(), 2, "PT3S")) );
            end

            rule "rate-103-graphql-cost"
            when
                $r : ApiRequest( protocol == Protocol.GRAPHQL, $cost : attributeNumber("graphql.cost"), $cost != null )
            then
                insert( Finding.oblige("RATE_LIMIT_APPLIED",
                        Obligation.quota("graphql-cost", $r.callerKey(), 40, "PT1M").withCost($cost.longValue())) );
            end

            rule "rate-104-soap-transfers"
            when
                $r : ApiRequest( protocol == Protocol.SOAP, operation == "transfer" )
            then
                insert( Finding.oblige("RATE_LIMIT_APPLIED", Obligation.quota("soap-transfers", $r.callerKey(), 1, "PT1M")) );
            end
            """;

    @BeforeAll
    static void smallLimits() throws Exception {
        Files.writeString(demo.gateway().rules.resolve("limits/rate-limits.drl"), LIMITS);
        // The bundled fixtures expect the bundled limits; these rules bring their own.
        try (var fixtures = Files.list(demo.gateway().rules.resolve("tests/limits"))) {
            for (var fixture : fixtures.toList()) {
                Files.delete(fixture);
            }
        }
        writeFixtures(demo.gateway().rules);
        HttpResponse<String> reload = demo.gateway().send(demo.gateway().admin("/rules/reload")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        soap = new DemoSoapClients();
    }

    /** Fixtures for {@link #LIMITS}: every rule needs one that triggers it. */
    static void writeFixtures(java.nio.file.Path rules) throws java.io.IOException {
        Files.writeString(rules.resolve("tests/limits/limits.yaml"), """
                description: the test's limits
                request: {protocol: REST, route: echo, operation: "* /echo/**", path: /echo/x, principal: {subject: bob, roles: [customer]}}
                expect: {effect: PERMIT, obligations: ["rate-limit echo-per-minute 5/PT1M quota"]}
                """);
        Files.writeString(rules.resolve("tests/limits/burst.yaml"), """
                description: the test's burst limit
                request: {protocol: REST, route: echo, operation: "* /echo/**", path: /echo/burst, principal: {subject: bob, roles: [customer]}}
                expect: {effect: PERMIT, obligations: ["rate-limit burst 2/PT3S quota"]}
                """);
        Files.writeString(rules.resolve("tests/limits/graphql.yaml"), """
                description: the test's GraphQL budget
                request: {protocol: GRAPHQL, route: bank-graphql, operation: listBranches, principal: {subject: bob, roles: [customer]},
                          attributes: {graphql.cost: 7, graphql.depth: 2, graphql.aliases: 0, graphql.batchSize: 1}}
                expect: {effect: PERMIT, obligations: ["rate-limit graphql-cost 40/PT1M cost 7 quota"]}
                """);
        Files.writeString(rules.resolve("tests/limits/soap.yaml"), """
                description: the test's SOAP limit
                request: {protocol: SOAP, route: bank-soap, operation: transfer, principal: {subject: alice, roles: [customer],
                          attributes: {accounts: [acc-alice-1]}}, body: {fromAccount: acc-alice-1, toAccount: acc-bob-1, amount: 5, currency: EUR}}
                expect: {effect: PERMIT, obligations: ["rate-limit soap-transfers 1/PT1M quota"]}
                """);
    }

    HttpResponse<String> echo(String path, String key) throws Exception {
        return demo.gateway().send(demo.gateway().get(path, key));
    }

    @Test
    void aClientOverItsLimitGets429WithTheLimitsStateWhileAnotherClientIsUnaffected() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> allowed = echo("/echo/count", "alice-demo-key");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("ratelimit-limit")).contains("5");
            assertThat(allowed.headers().firstValue("ratelimit-remaining")).contains(Integer.toString(5 - i));
            assertThat(allowed.headers().firstValue("ratelimit-policy")).contains("5;w=60");
        }

        HttpResponse<String> refused = echo("/echo/count", "alice-demo-key");
        JsonNode problem = GatewayIT.assertProblem(refused, 429, "RATE_LIMITED");
        assertThat(problem.get("detail").asText()).contains("echo-per-minute", "5 per 1 minute(s)");
        long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(refused.headers().firstValue("ratelimit-remaining")).contains("0");
        DecisionEvent event = demo.gateway().auditOf(GatewayIT.requestId(refused)).get(0);
        assertThat(event.status()).isEqualTo(429);
        assertThat(event.obligations()).containsExactly("rate-limit echo-per-minute 5/PT1M quota");

        assertThat(demo.gateway().send(demo.gateway().admin("/metrics")).body())
                .containsPattern("(?m)^portcullis_rate_limited_total [1-9]");
        // Bob has his own bucket, and so does every anonymous address.
        assertThat(echo("/echo/count", "bob-demo-key").statusCode()).isEqualTo(200);
        assertThat(echo("/echo/count", "bob-demo-key").headers().firstValue("ratelimit-remaining")).contains("3");
    }

    @Test
    void refusedCallsCountTooSoAKeyGuesserRunsDry() throws Exception {
        for (int i = 0; i < 5; i++) {
            GatewayIT.assertProblem(echo("/echo/guess", "guessed-key-" + i), 401, "AUTHN_INVALID");
        }
        // Its address's bucket is empty: no more answers about which key was wrong.
        GatewayIT.assertProblem(echo("/echo/guess", "guessed-key-5"), 429, "RATE_LIMITED");
    }

    @Test
    void aQuotaFillsAgainOverItsPeriod() throws Exception {
        assertThat(echo("/echo/burst", "admin-demo-key").statusCode()).isEqualTo(200);
        assertThat(echo("/echo/burst", "admin-demo-key").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = echo("/echo/burst", "admin-demo-key");
        assertThat(refused.statusCode()).isEqualTo(429);
        // A token comes back every 1.5 s.
        assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 2L);

        Eventually.within(Duration.ofSeconds(10), () -> {
            try {
                return echo("/echo/burst", "admin-demo-key").statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the bucket refills within its period");
    }

    @Test
    void aGraphQlQueryTakesAsManyTokensAsItCosts() throws Exception {
        String query = "{ branches { id city } account(id: \"acc-bob-1\") { id owner } }";
        HttpResponse<String> first = graphQl("bob-demo-key", query);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        DecisionEvent event = demo.gateway().auditOf(GatewayIT.requestId(first)).get(0);
        String limit = event.obligations().stream().filter(o -> o.startsWith("rate-limit graphql-cost")).findFirst().orElseThrow();
        long cost = Long.parseLong(limit.replaceAll(".* cost (\\d+) .*", "$1"));
        assertThat(cost).isGreaterThan(1);
        assertThat(first.headers().firstValue("ratelimit-remaining")).contains(Long.toString(40 - cost));

        HttpResponse<String> last = first;
        for (int i = 0; i < 40 && last.statusCode() == 200; i++) {
            last = graphQl("bob-demo-key", query);
        }
        assertThat(last.statusCode()).isEqualTo(429);
        JsonNode errors = JSON.readTree(last.body()).get("errors");
        assertThat(errors.findValuesAsText("code")).contains("RATE_LIMITED");
        assertThat(last.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void aSoapCallerOverItsLimitGetsAFault() throws Exception {
        assertThat(soapTransfer().statusCode()).isEqualTo(200);

        HttpResponse<String> refused = soapTransfer();
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).contains("<faultcode>soap:Client</faultcode>", "soap-transfers");
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        assertThat(demo.gateway().auditOf(GatewayIT.requestId(refused)).get(0).status()).isEqualTo(429);
    }

    HttpResponse<String> graphQl(String key, String query) throws Exception {
        return demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port + "/graphql"))
                .header("X-API-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query)))));
    }

    HttpResponse<String> soapTransfer() throws Exception {
        byte[] message = SecuredMessages.of(AttackDetectionIT.transfer("rent")).timestamp()
                .sign(soap.clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(soap.clients, "gateway", WSConstants.AES_256_GCM).bytes();
        return demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port + "/soap/bank"))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"urn:portcullis:demo-bank/Transfer\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message)));
    }
}
