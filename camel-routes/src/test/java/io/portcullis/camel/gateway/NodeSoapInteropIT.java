package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.examples.pki.DemoPki;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with a WS-Security stack that is not WSS4J: node-soap 1.13 (Node.js), the
 * client many integration teams script with, calling the demo bank's SOAP face through the
 * gateway with its own UsernameToken (text and digest) and X.509 signature implementations.
 * {@code .ci/run} installs it ({@code npm ci} in {@code src/test/node}).
 */
class NodeSoapInteropIT {

    static final Path NODE_CLIENT = Path.of("src/test/node").toAbsolutePath();
    static final Path WSDL = RunningGateway.REPOSITORY.resolve("examples/config/soap/demo-bank.wsdl");

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    static Path aliceKey;
    static Path aliceCertificate;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isDirectory(NODE_CLIENT.resolve("node_modules/soap"))) {
            throw new IllegalStateException("node-soap is not installed: npm ci --prefix camel-routes/src/test/node (.ci/run does)");
        }
        // node-soap signs but cannot encrypt: this route takes signed Body and Timestamp without encryption.
        gateway = new RunningGateway(workDir, "", config -> config.replace(
                "{timestamp: true, signed: [Body, Timestamp], encrypted: [Body]}", "{timestamp: true, signed: [Body, Timestamp]}"));
        KeyStore alice = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(RunningGateway.CONFIG.resolve("tls/alice.p12"))) {
            alice.load(in, "demo-only".toCharArray());
        }
        PrivateKey key = (PrivateKey) alice.getKey("key", "demo-only".toCharArray());
        aliceKey = Files.writeString(workDir.resolve("alice-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        aliceCertificate = Files.writeString(workDir.resolve("alice.pem"),
                DemoPki.pem((X509Certificate) alice.getCertificate("key")));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void usernameTokensFromNodeSoapAreAccepted() throws Exception {
        assertThat(call("acc-alice-1", "text", "alice", "alice-demo-password")).isEqualTo("{\"owner\":\"alice\"}");
        assertThat(call("acc-bob-1", "digest", "bob", "bob-digest-secret-demo-only")).isEqualTo("{\"owner\":\"bob\"}");
        assertThat(gateway.lastEvent("getAccount").principal().subject()).isEqualTo("bob");
    }

    @Test
    void anX509SignatureFromNodeSoapIsVerified() throws Exception {
        assertThat(call("acc-alice-1", "cert", aliceKey.toString(), aliceCertificate.toString()))
                .isEqualTo("{\"owner\":\"alice\"}");
        DecisionEvent event = gateway.lastEvent("getAccount");
        assertThat(event.principal().subject()).isEqualTo("alice");
        assertThat(event.principal().methods()).containsExactly("WS_SECURITY");
    }

    @Test
    void aWrongPasswordFromNodeSoapIsAFaultWithTheReasonInTheAudit() throws Exception {
        assertThat(call("acc-alice-1", "text", "alice", "not-her-password")).isEqualTo("{\"fault\":\"soap:Client\"}");
        assertThat(gateway.lastEvent("getAccount").authenticationFailure()).isEqualTo("WSS_USERNAME_PASSWORD_WRONG");
    }

    private static String call(String account, String mode, String first, String second) throws Exception {
        // node resolves node-soap from the script's own folder (src/test/node/node_modules).
        ClientProcess node = ClientProcess.run(workDir, List.of("node", NODE_CLIENT.resolve("bank-client.js").toString(),
                WSDL.toString(), "http://127.0.0.1:" + gateway.port + "/soap/bank", account, mode, first, second));
        List<String> lines = node.out().lines().toList();
        assertThat(lines).as(node.err()).isNotEmpty();
        return lines.get(lines.size() - 1);
    }
}
