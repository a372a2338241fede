package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 */
class WcfInteropIT {

    static final Path WCF = Path.of("src/test/wcf").toAbsolutePath();

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    static Path client;
    static Path alicePkcs12;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/mcs")) || !Files.isExecutable(Path.of("/usr/bin/mono"))) {
            throw new IllegalStateException("Mono is not installed: apt-get install mono-devel "
                    + "libmono-system-servicemodel4.0a-cil (.ci/run does)");
        }
        client = workDir.resolve("WcfBankClient.exe");
        ClientProcess build = ClientProcess.run(workDir, List.of("/usr/bin/mcs", "-nologo", "-out:" + client, "-r:System.ServiceModel.dll",
                "-r:System.IdentityModel.dll", "-r:System.Runtime.Serialization.dll", "-r:System.Xml.Linq.dll",
                WCF.resolve("WcfBankClient.cs").toString()));
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

    private static ClientProcess wcf(String account) throws Exception {
        return ClientProcess.run(workDir, List.of("/usr/bin/mono", client.toString(),
                "--endpoint", "http://127.0.0.1:" + gateway.port + "/soap/bank",
                "--pkcs12", alicePkcs12.toString(),
                "--password-file", RunningGateway.CONFIG.resolve("tls/keystore.pass").toString(),
                "--peer-cert", RunningGateway.CONFIG.resolve("wss/gateway.pem").toString(),
                "--account", account));
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
