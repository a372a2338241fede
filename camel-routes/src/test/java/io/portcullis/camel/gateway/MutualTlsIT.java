package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.Eventually;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.examples.pki.DemoPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS listener with client certificates, over real TLS on loopback, with a PKI made by the test. */
class MutualTlsIT {

    @TempDir
    static Path dir;

    static DemoPki pki;
    static DemoPki.Issued clientCa;
    static DemoPki.Issued serverCa;
    static DemoPki.Issued alice;
    static DemoPki.Issued admin;
    static DemoPki.Issued expired;
    static DemoPki.Issued revoked;
    static DemoPki.Issued stranger;
    static String tlsConfig;

    @BeforeAll
    static void makePki() throws Exception {
        pki = new DemoPki(dir);
        serverCa = DemoPki.authority("Server CA");
        clientCa = DemoPki.authority("Client CA");
        DemoPki.Issued server = DemoPki.issue(serverCa, "gateway", new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        alice = DemoPki.issue(clientCa, "alice");
        admin = DemoPki.issue(clientCa, "admin");
        expired = DemoPki.issue(clientCa, "alice", Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
        revoked = DemoPki.issue(clientCa, "alice");
        stranger = DemoPki.issue(DemoPki.authority("Unknown CA"), "alice");
        pki.keyStore("server.p12", server);
        pki.trustStore("client-cas.p12", clientCa.certificate());
        pki.crl("clients.crl", clientCa, Duration.ofDays(1), revoked.certificate());
        pki.password("tls.pass");
        Files.writeString(dir.resolve("clients.yaml"), """
                clients:
                  - id: alice
                    roles: [customer]
                    tenant: demo-bank
                    attributes: {accounts: [acc-alice-1]}
                  - id: admin
                    roles: [admin]
                """);
        tlsConfig = """
                tlsListener:
                  host: 127.0.0.1
                  port: %d
                  keyStore: %s
                  keyStorePasswordFile: %s
                  trustStore: %s
                  trustStorePasswordFile: %s
                  clientAuth: %s
                  crlFile: %s
                  identityFrom: subject-cn
                  clientsFile: %s
                """;
    }

    static String tls(String clientAuth, int port) {
        return tlsConfig.formatted(port, dir.resolve("server.p12"), dir.resolve("tls.pass"), dir.resolve("client-cas.p12"),
                dir.resolve("tls.pass"), clientAuth, dir.resolve("clients.crl"), dir.resolve("clients.yaml"));
    }

    static HttpResponse<String> get(int port, DemoPki.Issued identity, String path, String apiKey) throws Exception {
        return send(port, identity, "GET", path, apiKey == null ? null : "X-API-Key", apiKey);
    }

    static HttpResponse<String> send(int port, DemoPki.Issued identity, String method, String path, String header,
                                     String value) throws Exception {
        SSLContext context = DemoPki.client(identity, serverCa.certificate());
        HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (header != null) {
            request.header(header, value);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String thumbprint(DemoPki.Issued identity) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(identity.certificate().getEncoded());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    @Nested
    class RequiredClientCertificate {

        static RunningGateway gateway;
        static int port;

        @BeforeAll
        static void start(@TempDir Path work) throws Exception {
            port = RunningGateway.freePortForTests();
            gateway = new RunningGateway(work, tls("require", port));
        }

        @AfterAll
        static void stop() throws Exception {
            gateway.close();
        }

        @Test
        void certificateAloneIdentifiesTheCallerWithTheRolesGrantedToIt() throws Exception {
            HttpResponse<String> response = get(port, alice, "/api/accounts/acc-alice-1", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("strict-transport-security")).contains("max-age=31536000; includeSubDomains");
            DecisionEvent event = gateway.auditOf(GatewayIT.requestId(response)).get(0);
            assertThat(event.principal().subject()).isEqualTo("alice");
            assertThat(event.principal().authMethod()).isEqualTo("MTLS");
            assertThat(event.principal().roles()).containsExactly("customer");
        }

        @Test
        void anApiKeyOverTheCertificateIsProvedByBothMethods() throws Exception {
            HttpResponse<String> response = get(port, alice, "/api/accounts/acc-alice-1", "alice-demo-key");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(gateway.auditOf(GatewayIT.requestId(response)).get(0).principal().methods())
                    .containsExactly("API_KEY", "MTLS");
        }

        @Test
        void ownershipStillHoldsForACertificateCaller() throws Exception {
            HttpResponse<String> refused = get(port, alice, "/api/accounts/acc-bob-1", null);
            assertProblem(refused, 403, "BOLA_NOT_OWNER");
            assertThat(refused.headers().firstValue("strict-transport-security")).isPresent();
        }

        @Test
        void closingAnAccountNeedsTheAdminCertificateAndATokenWithTheScope() throws Exception {
            AuthenticationIT.demoKey = com.nimbusds.jose.jwk.RSAKey.parse(Files.readString(
                    RunningGateway.REPOSITORY.resolve("examples/config/jwt/demo-signing-key.json")));
            String scoped = "Bearer " + AuthenticationIT.token(c -> c.subject("admin").claim("roles", java.util.List.of("admin"))
                    .claim("scope", "accounts:close"));

            HttpResponse<String> keyOnly = send(port, admin, "DELETE", "/api/accounts/acc-bob-1", "X-API-Key", "admin-demo-key");
            HttpResponse<String> stepUp = send(port, admin, "DELETE", "/api/accounts/acc-bob-1", "Authorization", scoped);

            HttpResponse<String> someoneElsesCertificate = send(port, alice, "DELETE", "/api/accounts/acc-bob-1",
                    "Authorization", scoped);

            assertProblem(keyOnly, 401, "STEP_UP_REQUIRED");
            assertProblem(someoneElsesCertificate, 401, "STEP_UP_REQUIRED");
            assertThat(stepUp.statusCode()).as(stepUp.body()).isEqualTo(200);
            assertThat(gateway.auditOf(GatewayIT.requestId(stepUp)).get(0).principal().methods()).containsExactly("JWT", "MTLS");
        }

        @Test
        void aCertificateBoundTokenCountsOnlyOverThatCertificate() throws Exception {
            AuthenticationIT.demoKey = com.nimbusds.jose.jwk.RSAKey.parse(Files.readString(
                    RunningGateway.REPOSITORY.resolve("examples/config/jwt/demo-signing-key.json")));
            String alicesCertificate = thumbprint(alice);
            String bound = "Bearer " + AuthenticationIT.token(c -> c.claim("cnf", java.util.Map.of("x5t#S256", alicesCertificate)));

            HttpResponse<String> right = send(port, alice, "GET", "/api/accounts/acc-alice-1", "Authorization", bound);
            HttpResponse<String> wrong = send(port, admin, "GET", "/api/accounts/acc-alice-1", "Authorization", bound);

            assertThat(right.statusCode()).isEqualTo(200);
            assertProblem(wrong, 401, "AUTHN_INVALID");
            assertThat(gateway.auditOf(GatewayIT.requestId(wrong)).get(0).authenticationFailure())
                    .isEqualTo("CERTIFICATE_BINDING_MISMATCH");
        }

        @Test
        void aCertificateRevokedWhileTheGatewayRunsIsRefusedWithoutARestart() throws Exception {
            DemoPki.Issued carol = DemoPki.issue(clientCa, "carol");
            assertThat(get(port, carol, "/api/branches", null).statusCode()).isEqualTo(200);

            pki.crl("clients.crl", clientCa, Duration.ofDays(1), revoked.certificate(), carol.certificate());

            Eventually.within(Duration.ofSeconds(40), () -> {
                try {
                    get(port, carol, "/api/branches", null);
                    return false;
                } catch (Exception e) {
                    return true;
                }
            }, "carol's certificate is refused");
            assertThat(get(port, alice, "/api/branches", null).statusCode()).isEqualTo(200);
        }

        @Test
        void noCertificateExpiredRevokedOrUnknownAuthorityIsRefusedAtTheHandshake() {
            for (DemoPki.Issued refused : new DemoPki.Issued[] {null, expired, revoked, stranger}) {
                assertThatThrownBy(() -> get(port, refused, "/api/branches", null)).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void withThePlainListenerOffEveryCallerGoesThroughTheCertificateCheck(@TempDir Path work) throws Exception {
        int tlsPort = RunningGateway.freePortForTests();
        try (RunningGateway gateway = new RunningGateway(work, tls("require", tlsPort),
                config -> config.replace("  enabled: true ", "  enabled: false "))) {
            assertThatThrownBy(() -> gateway.send(gateway.get("/api/accounts/acc-alice-1", "alice-demo-key")))
                    .isInstanceOf(IOException.class);
            assertThat(get(tlsPort, alice, "/api/accounts/acc-alice-1", null).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class RequestedClientCertificate {

        static RunningGateway gateway;
        static int port;

        @BeforeAll
        static void start(@TempDir Path work) throws Exception {
            port = RunningGateway.freePortForTests();
            gateway = new RunningGateway(work, tls("request", port));
        }

        @AfterAll
        static void stop() throws Exception {
            gateway.close();
        }

        @Test
        void aCertificateSentIdentifiesTheCaller() throws Exception {
            HttpResponse<String> response = get(port, alice, "/api/accounts/acc-alice-1", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(gateway.auditOf(GatewayIT.requestId(response)).get(0).principal().authMethod()).isEqualTo("MTLS");
        }

        @Test
        void withoutACertificateOtherCredentialsStillWork() throws Exception {
            HttpResponse<String> withKey = get(port, null, "/api/accounts/acc-alice-1", "alice-demo-key");
            HttpResponse<String> anonymous = get(port, null, "/api/accounts/acc-alice-1", null);

            assertThat(withKey.statusCode()).isEqualTo(200);
            assertThat(gateway.auditOf(GatewayIT.requestId(withKey)).get(0).principal().methods()).containsExactly("API_KEY");
            assertProblem(anonymous, 401, "AUTHN_REQUIRED");
        }

        @Test
        void revokedOrExpiredCertificatesAreStillRefusedAtTheHandshake() {
            for (DemoPki.Issued invalid : new DemoPki.Issued[] {revoked, expired}) {
                assertThatThrownBy(() -> get(port, invalid, "/api/accounts/acc-alice-1", "alice-demo-key"))
                        .isInstanceOf(IOException.class);
            }
        }

        @Test
        void aCertificateFromAnUnknownAuthorityIsNeverSentSoItIdentifiesNobody() throws Exception {
            // The server names the CAs it accepts; a standard client sends no certificate from another CA.
            HttpResponse<String> response = get(port, stranger, "/api/accounts/acc-alice-1", null);

            assertProblem(response, 401, "AUTHN_REQUIRED");
        }
    }
}
