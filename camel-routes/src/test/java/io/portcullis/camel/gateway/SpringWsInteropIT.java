package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.audit.DecisionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with Spring Web Services 4.1.1, the WS-Security stack of Spring-based partners: a
 * real Spring-WS client ({@code src/test/springws/SpringWsBankClient.java}, a {@code WebServiceTemplate}
 * with its {@code Wss4jSecurityInterceptor}) timestamps, signs and encrypts its request (AES-256-GCM,
 * RSA-OAEP, RSA-SHA256 over Body and Timestamp) and verifies, decrypts and checks the timestamp of the
 * gateway's response. It runs in its own JVM, as Spring must not share a classpath with CXF's;
 * {@code .ci/run} fetches it ({@code src/test/springws/pom.xml}).
 */
class SpringWsInteropIT {

    static final Path SPRING_WS = Path.of("src/test/springws").toAbsolutePath();

    @TempDir
    static Path workDir;
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        ClientProcess.requireFetched(SPRING_WS);
        gateway = new RunningGateway(workDir, "", config -> config
                .replace("responses: {sign: true, encrypt: false}", "responses: {sign: true, encrypt: true}"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aSignedAndEncryptedSpringWsRequestIsAcceptedAndSpringWsReadsTheSignedEncryptedResponse() throws Exception {
        ClientProcess run = springWs("acc-alice-1", "--encrypted-response");
        gateway.assertReadAlicesAccount(run);
    }

    @Test
    void aSpringWsRequestForAnotherCallersAccountIsAFaultSpringWsUnderstands() throws Exception {
        ClientProcess run = springWs("acc-bob-1", "--encrypted-response");
        gateway.assertRefusedBobsAccount(run);
    }

    @Test
    void aSpringWsUsernameTokenInsideTheSignedAndEncryptedMessageIsAccepted() throws Exception {
        Path password = Files.writeString(workDir.resolve("alice.password"), "alice-demo-password");
        ClientProcess run = springWs("acc-alice-1", "--encrypted-response", "--username", "alice", "--password-file",
                password.toString());
        gateway.assertReadAlicesAccount(run);
        assertThat(gateway.lastEvent("getAccount").principal().keyId()).isEqualTo("alice");
    }

    @Test
    void aSpringWsRequestThatIsSignedButNotEncryptedIsRefusedByTheRoutesPolicy() throws Exception {
        ClientProcess run = springWs("acc-alice-1", "--no-encryption");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("An error was discovered processing the <wsse:Security> header");
        // Refused before the body is read: the event has no operation.
        List<DecisionEvent> events = List.copyOf(gateway.audit);
        assertThat(events.get(events.size() - 1).reasons()).containsExactly("WSS_POLICY_NOT_MET");
    }

    private static ClientProcess springWs(String account, String... extra) throws Exception {
        return ClientProcess.java(workDir, SPRING_WS, "SpringWsBankClient.java", gateway.aliceSoapClient(account, extra));
    }
}
