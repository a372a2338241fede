package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.soap.SoapAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with a WCF client: {@code src/test/wcf/WcfBankClient.cs}, built against
 * System.ServiceModel with Mono's {@code mcs} and run with {@code mono} ({@code .ci/run} installs
 * Debian's mono-devel). It uses the binding .NET partners use against Java services (mutual
 * certificates, Basic256Sha256, a Timestamp) with WCF's default protection order, so its request
 * arrives with the signature encrypted, AES-256-CBC, an OAEP key referring to the gateway's
 * certificate by issuer and serial, and a BinarySecurityToken without EncodingType; and it demands
 * the same of the reply.
 *
 * <p>The route is configured as a bank would configure it for WCF partners: {@code allowCbc}
 * (WCF has no AES-GCM), {@code waiveBspRules: [R3029, R3030]} (the missing EncodingType), and
 * encrypted responses whose key refers to the caller's certificate by thumbprint; the gateway
 * mirrors the request's algorithm and signature encryption on its own. The route also requires the
 * signature encrypted ({@code encrypted: [Body, Signature]}), which proves the gateway saw WCF's
 * Id-less signature arrive encrypted.
 *
 * <p>This is Mono's reimplementation of WCF, not Microsoft's: its own defects shape two things
 * here. It verifies a reply's signature over its re-serialization of the envelope, which only
 * matches when the envelope's prefix is {@code s} (the demo bank's service writes {@code s:},
 * as WCF services do), and it cannot import a PKCS#12 file protected with AES (Java's default),
 * so the test writes Alice's key with the older 3DES protection.
 *
 * <p>On Windows with the .NET Framework 4 (its {@code csc.exe} in place), the same client is built
 * and run with Microsoft's own WCF instead, and the bindings Mono cannot run are run too: WS-Security
 * 1.1 UserNameForCertificate, and WS-SecureConversation over it (a context established, the call in
 * it, the context cancelled when the channel closes). Elsewhere those tests are skipped: this is how
 * the Windows job that issue 4 waits for runs them ({@code mvn -pl camel-routes -am verify
 * -Dtest=WcfInteropIT -Dsurefire.failIfNoSpecifiedTests=false}).
 */
class WcfInteropIT {

    static final Path WCF = Path.of("src/test/wcf").toAbsolutePath();
    /** Microsoft's .NET Framework 4 C# compiler: where it is, the client is Microsoft's WCF, not Mono's. */
    static final Path MICROSOFT_CSC = Path.of(System.getenv().getOrDefault("WINDIR", "C:\\Windows"), "Microsoft.NET",
            "Framework64", "v4.0.30319", "csc.exe");

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    static Path client;
    static Path alicePkcs12;

    @BeforeAll
    static void start() throws Exception {
        if (!microsoftWcf() && (!Files.isExecutable(Path.of("/usr/bin/mcs")) || !Files.isExecutable(Path.of("/usr/bin/mono")))) {
            throw new IllegalStateException("Mono is not installed: apt-get install mono-devel "
                    + "libmono-system-servicemodel4.0a-cil (.ci/run does)");
        }
        client = workDir.resolve("WcfBankClient.exe");
        ClientProcess build = ClientProcess.run(workDir, List.of(microsoftWcf() ? MICROSOFT_CSC.toString() : "/usr/bin/mcs",
                "-nologo", "-out:" + client, "-r:System.ServiceModel.dll", "-r:System.IdentityModel.dll",
                "-r:System.Runtime.Serialization.dll", "-r:System.Xml.Linq.dll", WCF.resolve("WcfBankClient.cs").toString()));
        assertThat(build.exit()).as(build.out() + build.err()).isZero();
        alicePkcs12 = legacyPkcs12(RunningGateway.CONFIG.resolve("tls/alice.p12"), workDir.resolve("alice-3des.p12"));
        gateway = new RunningGateway(workDir, "", config -> config
                .replace("encrypted: [Body]}", "encrypted: [Body, Signature]}")
                .replace("allowCbc: false", "allowCbc: true")
                .replace("      allowSha1: false", "      waiveBspRules: [R3029, R3030]\n      allowSha1: false")
                .replace("responses: {sign: true, encrypt: false}",
                        "responses: {sign: true, encrypt: true, keyIdentifiers: {encryption: thumbprint}}"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aWcfRequestIsAcceptedAndTheClientReadsTheEncryptedSignedAnswer() throws Exception {
        ClientProcess run = wcf("acc-alice-1");

        gateway.assertReadAlicesAccount(run);
    }

    @Test
    void aWcfRequestForAnotherCallersAccountIsAFaultTheClientReads() throws Exception {
        ClientProcess run = wcf("acc-bob-1");

        gateway.assertRefusedBobsAccount(run);
    }

    @Test
    @EnabledIf("microsoftWcf")
    void microsoftsWcfSignsWithAKeyEncryptedToTheGatewayAndSendsAlicesPassword() throws Exception {
        ClientProcess run = wcf("acc-alice-1", "username-for-certificate");

        gateway.assertReadAlicesAccount(run);
    }

    @Test
    @EnabledIf("microsoftWcf")
    void microsoftsWcfEstablishesASecurityContextCallsInItAndCancelsIt() throws Exception {
        java.util.function.Predicate<DecisionEvent> established = RunningGateway.servedFor(SoapAdapter.ESTABLISH_CONTEXT_OPERATION, "alice");
        java.util.function.Predicate<DecisionEvent> cancelled = RunningGateway.servedFor(SoapAdapter.CANCEL_CONTEXT_OPERATION, "alice");
        long establishedBefore = gateway.count(established);
        long cancelledBefore = gateway.count(cancelled);

        ClientProcess run = wcf("acc-alice-1", "secure-conversation");

        gateway.assertReadAlicesAccount(run);
        assertThat(gateway.count(established)).isEqualTo(establishedBefore + 1);
        assertThat(gateway.count(cancelled)).isEqualTo(cancelledBefore + 1);
    }

    /** Whether Microsoft's WCF is here (Windows with the .NET Framework 4), rather than Mono's. */
    static boolean microsoftWcf() {
        return Files.isRegularFile(MICROSOFT_CSC);
    }

    /** The client reading {@code account} as Alice with mutual certificates. */
    private static ClientProcess wcf(String account) throws Exception {
        return ClientProcess.run(workDir, command(account));
    }

    /** The client reading {@code account} as Alice, with {@code binding} (see WcfBankClient.cs) and her password. */
    private static ClientProcess wcf(String account, String binding) throws Exception {
        List<String> command = command(account);
        command.addAll(List.of("--binding", binding, "--username", "alice", "--user-password-file", alicesPassword().toString()));
        return ClientProcess.run(workDir, command);
    }

    private static List<String> command(String account) {
        List<String> command = new ArrayList<>(microsoftWcf() ? List.of(client.toString()) : List.of("/usr/bin/mono", client.toString()));
        command.addAll(List.of("--endpoint", "http://127.0.0.1:" + gateway.port + "/soap/bank",
                "--pkcs12", alicePkcs12.toString(),
                "--password-file", RunningGateway.CONFIG.resolve("tls/keystore.pass").toString(),
                "--peer-cert", RunningGateway.CONFIG.resolve("wss/gateway.pem").toString(),
                "--account", account));
        return command;
    }

    /** Alice's demo password (DEMO ONLY), in a file as the client reads it. */
    private static Path alicesPassword() throws Exception {
        return Files.writeString(workDir.resolve("alice.pass"), "alice-demo-password");
    }


    /** The same key and chain in a PKCS#12 file protected with PBE-SHA1-3DES and an HMAC-SHA1 MAC. */
    private static Path legacyPkcs12(Path source, Path target) throws Exception {
        char[] password = Files.readString(RunningGateway.CONFIG.resolve("tls/keystore.pass")).strip().toCharArray();
        KeyStore original = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(source)) {
            original.load(in, password);
        }
        String alias = original.aliases().nextElement();
        String[] legacy = {"keystore.pkcs12.certProtectionAlgorithm", "keystore.pkcs12.keyProtectionAlgorithm",
                "keystore.pkcs12.macAlgorithm"};
        String[] values = {"PBEWithSHA1AndDESede", "PBEWithSHA1AndDESede", "HmacPBESHA1"};
        for (int i = 0; i < legacy.length; i++) {
            System.setProperty(legacy[i], values[i]);
        }
        try {
            KeyStore copy = KeyStore.getInstance("PKCS12");
            copy.load(null, null);
            copy.setKeyEntry(alias, original.getKey(alias, password), password, original.getCertificateChain(alias));
            try (OutputStream out = Files.newOutputStream(target)) {
                copy.store(out, password);
            }
        } finally {
            for (String property : legacy) {
                System.clearProperty(property);
            }
        }
        return target;
    }
}
