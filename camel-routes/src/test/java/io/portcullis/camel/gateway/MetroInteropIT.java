package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.soap.SoapAdapter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with Eclipse Metro (WSIT) 4.0.2, the WS-Security stack of GlassFish and many
 * Java partners: a real Metro client ({@code src/test/metro/MetroBankClient.java}) configures
 * itself from a WS-SecurityPolicy WSDL, signs, encrypts and timestamps its request, and verifies
 * and decrypts the gateway's response. It runs in its own JVM, as Metro's JAX-WS provider must not share
 * a classpath with CXF's; {@code .ci/run} fetches it ({@code src/test/metro/pom.xml}).
 *
 * <p>Metro 4.0.2 has no AES-GCM, so this route allows AES-CBC ({@code allowCbc: true}), as a bank
 * would for a Metro partner; with the demo's {@code allowCbc: false} Metro is refused. Responses are
 * encrypted too, and with the request's algorithm, which is the only one Metro can read.
 */
class MetroInteropIT {

    static final Path METRO = Path.of("src/test/metro").toAbsolutePath();

    @TempDir
    static Path workDir;
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        ClientProcess.requireFetched(METRO);
        gateway = new RunningGateway(workDir, "", config -> config.replace("allowCbc: false", "allowCbc: true")
                .replace("responses: {sign: true, encrypt: false}", "responses: {sign: true, encrypt: true}")
                // Metro's references from its derived keys to their EncryptedKey leave out the TokenType.
                .replace("      allowSha1: false", "      waiveBspRules: [R5215]\n      allowSha1: false"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aSignedAndEncryptedMetroRequestIsAcceptedAndMetroReadsTheSignedEncryptedResponse() throws Exception {
        ClientProcess run = metro("acc-alice-1");
        gateway.assertReadAlicesAccount(run);
    }

    @Test
    void aMetroRequestForAnotherCallersAccountIsAFaultMetroUnderstands() throws Exception {
        ClientProcess run = metro("acc-bob-1");
        gateway.assertRefusedBobsAccount(run);
    }

    @Test
    void aMetroUsernameTokenInsideTheSignedAndEncryptedMessageIsAccepted() throws Exception {
        ClientProcess run = metro("acc-alice-1", "--username", "alice", "--password", "alice-demo-password");
        gateway.assertReadAlicesAccount(run);
    }

    @Test
    void aMetroSymmetricBindingTheShapeOfWcfsUserNameForCertificateRoundTrips() throws Exception {
        // A key Metro makes and encrypts to the gateway (thumbprint reference, WS-Security 1.1), keys derived
        // from it sign (HMAC) and encrypt the Body, the signature and the UsernameToken; the answer comes back
        // protected with the same key, which Metro verifies and decrypts.
        ClientProcess run = metro("acc-alice-1", "--binding", "symmetric", "--username", "alice", "--password", "alice-demo-password");
        gateway.assertReadAlicesAccount(run);
        assertThat(gateway.lastEvent("getAccount").principal().keyId()).isEqualTo("alice");

        gateway.assertRefusedBobsAccount(metro("acc-bob-1", "--binding", "symmetric", "--username", "alice", "--password",
                "alice-demo-password"));

        ClientProcess wrongPassword = metro("acc-alice-1", "--binding", "symmetric", "--username", "alice", "--password", "wrong");
        assertThat(wrongPassword.exit()).as(wrongPassword.out() + wrongPassword.err()).isEqualTo(1);
        assertThat(wrongPassword.err()).contains("The credentials presented are not valid.");
    }

    @Test
    void aMetroSecureConversationEstablishesAContextCallsInItAndCancelsIt() throws Exception {
        // WCF's default: the caller proves who it is once (UsernameToken, in a message secured as the symmetric
        // binding's), gets a security context, signs and encrypts its calls with keys derived from it, and
        // cancels it on close. Both calls are Alice's: the context stands for her, with no password in them.
        java.util.function.Predicate<DecisionEvent> alicesRead = RunningGateway.permittedFor("getAccount", "alice");
        java.util.function.Predicate<DecisionEvent> established = RunningGateway.served(SoapAdapter.ESTABLISH_CONTEXT_OPERATION);
        java.util.function.Predicate<DecisionEvent> cancelledByAlice = RunningGateway.servedFor(SoapAdapter.CANCEL_CONTEXT_OPERATION, "alice");
        long reads = gateway.count(alicesRead);
        long establishments = gateway.count(established);
        long cancellations = gateway.count(cancelledByAlice);
        ClientProcess run = metro("acc-alice-1", "--binding", "secure-conversation", "--username", "alice", "--password",
                "alice-demo-password");

        gateway.assertReadAlicesAccount(run);
        assertThat(run.out().split("<owner>alice</owner>", -1)).hasSize(3);
        assertThat(gateway.count(established) - establishments).isEqualTo(1);
        assertThat(gateway.count(alicesRead) - reads).isEqualTo(2);
        assertThat(gateway.count(cancelledByAlice) - cancellations).isEqualTo(1);

        gateway.assertRefusedBobsAccount(metro("acc-bob-1", "--binding", "secure-conversation", "--username", "alice",
                "--password", "alice-demo-password"));
        ClientProcess wrongPassword = metro("acc-alice-1", "--binding", "secure-conversation", "--username", "alice",
                "--password", "wrong");
        assertThat(wrongPassword.exit()).as(wrongPassword.out() + wrongPassword.err()).isNotZero();
        assertThat(gateway.lastEvent(SoapAdapter.ESTABLISH_CONTEXT_OPERATION).effect()).isEqualTo("DENY");
    }

    @Test
    void aMetroSecureConversationInTheFebruary2005VersionsOfWcfsDefaultBindingRoundTrips() throws Exception {
        // WS-SecurityPolicy 1.1, WS-Trust and WS-SecureConversation of February 2005: what WCF's WSHttpBinding speaks
        // (WS-SecurityPolicy 1.1 has no SignedEncryptedSupportingTokens; Metro encrypts the UsernameToken all the same).
        java.util.function.Predicate<DecisionEvent> cancelled = RunningGateway.served(SoapAdapter.CANCEL_CONTEXT_OPERATION);
        long before = gateway.count(cancelled);
        ClientProcess run = metro("acc-alice-1", "--binding", "secure-conversation-2005", "--username", "alice", "--password",
                "alice-demo-password");

        gateway.assertReadAlicesAccount(run);
        assertThat(run.out().split("<owner>alice</owner>", -1)).hasSize(3);
        assertThat(gateway.count(cancelled) - before).isEqualTo(1);
    }

    private static ClientProcess metro(String account, String... extra) throws Exception {
        List<String> arguments = gateway.aliceSoapClient(account, extra);
        arguments.addAll(List.of("--wsdl", METRO.resolve("demo-bank-metro.wsdl").toString()));
        return ClientProcess.java(workDir, METRO, "MetroBankClient.java", arguments);
    }
}
