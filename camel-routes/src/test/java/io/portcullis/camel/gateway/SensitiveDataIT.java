package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.audit.DecisionEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DLP on responses through the gateway (rules/data/sensitive-data.drl), on the REST and GraphQL faces. */
class SensitiveDataIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway();

    @Test
    void aCardNumberReachesTheClientMaskedAndTheAuditSaysWhereNotWhat() throws Exception {
        assertThat(demo.gateway().send(demo.gateway().upstream("/api/customers/alice")).body()).contains("4111 1111 1111 1111");
        HttpResponse<String> own = demo.gateway().send(demo.gateway().get("/api/customers/alice", "alice-demo-key"));
        assertThat(own.statusCode()).isEqualTo(200);
        JsonNode record = JSON.readTree(own.body());
        assertThat(record.get("cardNumber").asText()).isEqualTo("**** **** **** 1111");
        assertThat(record.has("nationalId")).isFalse();
        assertThat(record.get("email").asText()).isEqualTo("alice@example.com");

        DecisionEvent event = demo.gateway().auditOf(GatewayIT.requestId(own)).get(0);
        assertThat(event.obligations()).contains("mask CARD at /cardNumber");
        assertThat(event.redactedFields()).contains("/cardNumber", "/nationalId");
        assertThat(event.toString()).doesNotContain("4111").doesNotContain("123-45-6789");
    }

    @Test
    void theAdminSeesNationalIdsButNoOneSeesAFullCardNumber() throws Exception {
        JsonNode record = JSON.readTree(demo.gateway().send(demo.gateway().get("/api/customers/bob", "admin-demo-key")).body());
        assertThat(record.get("nationalId").asText()).isEqualTo("987-65-4321");
        assertThat(record.get("cardNumber").asText()).isEqualTo("**** **** **** 4444");
    }

    @Test
    void aSecretInAResponseTurnsItIntoAGenericError() throws Exception {
        HttpResponse<String> leaked = demo.gateway().send(demo.gateway().get("/echo/config", "alice-demo-key").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("aws_access_key_id=AKIAIOSFODNN7EXAMPLE")));
        assertProblem(leaked, 502, "SECRET_IN_RESPONSE");
        assertThat(leaked.body()).doesNotContain("AKIA");
    }

    @Test
    void aPrivateKeyWithholdsTheResponseAndANationalIdInFreeTextIsMasked() throws Exception {
        HttpResponse<String> key = echo("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----");
        assertProblem(key, 502, "SECRET_IN_RESPONSE");
        assertThat(key.body()).doesNotContain("MIIEow");

        HttpResponse<String> text = echo("please update my records, ssn 123-45-6789, card 5555 5555 5555 4444");
        assertThat(text.statusCode()).isEqualTo(200);
        String echoed = JSON.readTree(text.body()).get("body").asText();
        assertThat(echoed).isEqualTo("please update my records, ssn ***-**-6789, card **** **** **** 4444");
        DecisionEvent event = demo.gateway().auditOf(GatewayIT.requestId(text)).get(0);
        assertThat(event.obligations()).contains("mask US_SSN at /body", "mask CARD at /body");
        assertThat(event.toString()).doesNotContain("123-45-6789").doesNotContain("5555 5555");
    }

    @Test
    void anAnswerThatIsNotJsonIsSearchedWhateverItsType() throws Exception {
        // XML, a script, bytes, no type at all: each is what some upstream answers, and each reaches the client.
        for (String type : List.of("application/xml", "application/javascript", "application/octet-stream", "")) {
            HttpResponse<String> answer = demo.gateway().send(demo.gateway().get("/echo/statement", "alice-demo-key")
                    .header("Content-Type", "text/plain").header("X-Echo-Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("<card>4111 1111 1111 1111</card>")));

            // A body the gateway cannot edit in place is withheld rather than passed with the card.
            assertProblem(answer, 502, "OBLIGATION_UNFULFILLED");
            assertThat(answer.body()).as(type).doesNotContain("4111");
        }
        // Past the first 64K characters a search reads, and in UTF-16 (with or without its label).
        String far = "x".repeat(200_000) + " card 4111 1111 1111 1111";
        HttpResponse<String> long_ = demo.gateway().send(demo.gateway().get("/echo/export", "alice-demo-key")
                .header("Content-Type", "text/plain").header("X-Echo-Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(far)));
        assertProblem(long_, 502, "OBLIGATION_UNFULFILLED");
        for (String type : List.of("text/plain; charset=utf-16", "application/octet-stream")) {
            HttpResponse<String> utf16 = demo.gateway().send(demo.gateway().get("/echo/export", "alice-demo-key")
                    .header("Content-Type", "application/octet-stream").header("X-Echo-Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray("card 4111 1111 1111 1111".getBytes(StandardCharsets.UTF_16))));
            assertProblem(utf16, 502, "OBLIGATION_UNFULFILLED");
        }
    }

    @Test
    void aCompressedAnswerIsWithheldNotInflated() throws Exception {
        // A few hundred bytes here; an upstream could send 200 KB that inflate to 200 MB.
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
            gzip.write("{\"card\": \"4111 1111 1111 1111\"}".getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> answer = demo.gateway().send(demo.gateway().get("/echo/statement", "alice-demo-key")
                .header("Content-Type", "application/octet-stream").header("X-Echo-Content-Type", "application/json")
                .header("X-Echo-Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray())));

        assertProblem(answer, 502, "UPSTREAM_RESPONSE_ENCODED");
        assertThat(demo.gateway().eventOf(answer).reasons()).contains("UPSTREAM_RESPONSE_ENCODED");
    }

    @Test
    void aCardNumberInThePathIsAuditedMasked() throws Exception {
        HttpResponse<String> response = demo.gateway().send(demo.gateway().get("/echo/cards/4111111111111111/ssn/123-45-6789",
                "alice-demo-key"));

        assertThat(demo.gateway().eventOf(response).path()).isEqualTo("/echo/cards/**** **** **** 1111/ssn/***-**-6789");
    }

    static HttpResponse<String> echo(String text) throws Exception {
        return demo.gateway().send(demo.gateway().get("/echo/support", "alice-demo-key").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    @Test
    void theSameRulesMaskTheGraphQlFace() throws Exception {
        HttpResponse<String> response = demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port + "/graphql"))
                .header("X-API-Key", "alice-demo-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ customer(id: \\\"alice\\\") { name cardNumber } }\"}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/data/customer/cardNumber").asText()).isEqualTo("**** **** **** 1111");
        assertThat(demo.gateway().auditOf(GatewayIT.requestId(response)).get(0).obligations())
                .contains("mask CARD at /data/customer/cardNumber");
    }
}
