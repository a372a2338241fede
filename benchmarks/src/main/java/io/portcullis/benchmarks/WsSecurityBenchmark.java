package io.portcullis.benchmarks;

import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import io.portcullis.engine.replay.ReplayGuard;
import io.portcullis.soap.InMemorySecurityContexts;
import io.portcullis.soap.SecureConversation;
import io.portcullis.soap.SecuredMessages;
import io.portcullis.soap.SecurityContexts;
import io.portcullis.soap.SignerTrust;
import io.portcullis.soap.SoapEnvelope;
import io.portcullis.soap.SoapEnvelopeReader;
import io.portcullis.soap.TestKeys;
import io.portcullis.soap.UsernameTokens;
import io.portcullis.soap.Wss4jMessageSecurer;
import io.portcullis.soap.Wss4jMessageVerifier;
import io.portcullis.soap.WsSecurityPolicy;
import io.portcullis.soap.WsSecurityResult;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What WS-Security costs the gateway per SOAP request, on real messages made by WSS4J's sending
 * side: reading alone (the XML limits and the envelope), verifying a signed and encrypted message
 * (RSA-2048, AES-256-GCM), a UsernameToken message, a message in a WS-SecureConversation context
 * (HMAC and AES-256-GCM with keys derived from it: no RSA at all), and signing a response. Distinct messages are
 * cycled so no cache helps; the replay guard here remembers nothing (that is measured separately).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WsSecurityBenchmark {

    private static final Wss4jMessageSecurer.Protection SIGN_ONLY =
            Wss4jMessageSecurer.Protection.signOnly(Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);

    static final String TRANSFER = """
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body><b:Transfer xmlns:b="urn:portcullis:demo-bank"><b:fromAccount>acc-alice-1</b:fromAccount>\
            <b:toAccount>acc-bob-1</b:toAccount><b:amount>25.00</b:amount><b:currency>EUR</b:currency></b:Transfer></soap:Body>
            </soap:Envelope>""";
    static final int MESSAGES = 512;

    private final SoapEnvelopeReader reader = new SoapEnvelopeReader();
    private byte[][] signedAndEncrypted;
    private byte[][] usernameTokens;
    private byte[][] inContext;
    private byte[] response;
    private Wss4jMessageVerifier signatures;
    private Wss4jMessageVerifier passwords;
    private Wss4jMessageVerifier contextSignatures;
    private Wss4jMessageSecurer securer;
    private Wss4jMessageSecurer ecSecurer;
    private int next;

    @Setup
    public void messages() throws Exception {
        TestKeys.Identity ca = TestKeys.authority("Bench CA");
        TestKeys.Identity alice = TestKeys.issue(ca, "alice");
        TestKeys.Identity gateway = TestKeys.issue(ca, "gateway");
        Merlin clients = TestKeys.crypto(new TestKeys.Identity[] {alice, gateway}, ca.certificate());
        Merlin gatewayKeys = TestKeys.crypto(new TestKeys.Identity[] {gateway}, ca.certificate());
        signedAndEncrypted = new byte[MESSAGES][];
        usernameTokens = new byte[MESSAGES][];
        inContext = new byte[MESSAGES][];
        InMemorySecurityContexts contexts = new InMemorySecurityContexts(new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 10, 10, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER),
                java.time.Clock.systemUTC());
        byte[] contextKey = new byte[32];
        new java.security.SecureRandom().nextBytes(contextKey);
        SecurityContexts.Context context = contexts.issue(Principal.builder("alice", AuthMethod.WS_SECURITY).build(), contextKey,
                SecureConversation.Version.V1_3);
        for (int i = 0; i < MESSAGES; i++) {
            inContext[i] = SecuredMessages.of(TRANSFER).timestamp().inContext(SecureConversation.Version.V1_3,
                    new io.portcullis.soap.SecureConversationClient.Issued(context.identifier(), null, contextKey, null), false, true).bytes();
            signedAndEncrypted[i] = SecuredMessages.of(TRANSFER).timestamp()
                    .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                    .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();
            usernameTokens[i] = SecuredMessages.of(TRANSFER).timestamp()
                    .usernameToken("alice", "alice-password", WSConstants.PASSWORD_TEXT).bytes();
        }
        response = TRANSFER.replace("b:Transfer", "b:TransferResponse").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ReplayGuard forgetful = (id, keepFor) -> ReplayGuard.Verdict.FIRST_SEEN;
        Authentication alicePrincipal = Authentication.of(Principal.builder("alice", AuthMethod.WS_SECURITY).build());
        signatures = new Wss4jMessageVerifier(policy(new WsSecurityPolicy.Alternative(true, false,
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of(WsSecurityPolicy.Part.BODY))),
                new SignerTrust(gatewayKeys, false, List.of()), gatewayKeys, TestKeys.PASSWORDS, forgetful, UsernameTokens.none(),
                certificate -> alicePrincipal);
        // As the demo route: calls in a context, and the signed and encrypted entry that establishes one.
        contextSignatures = new Wss4jMessageVerifier(policy(new WsSecurityPolicy.Alternative(true, false,
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of(WsSecurityPolicy.Part.BODY),
                WsSecurityPolicy.SignedWith.SECURITY_CONTEXT), new WsSecurityPolicy.Alternative(true, false,
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of(WsSecurityPolicy.Part.BODY))),
                new SignerTrust(gatewayKeys, false, List.of()), gatewayKeys, TestKeys.PASSWORDS, forgetful, UsernameTokens.none(),
                certificate -> alicePrincipal, contexts);
        passwords = new Wss4jMessageVerifier(policy(new WsSecurityPolicy.Alternative(true, true, Set.of(), Set.of())),
                SignerTrust.none(), null, null, forgetful, UsernameTokens.text((user, password, address) -> alicePrincipal),
                certificate -> alicePrincipal);
        // As Wss4jCrypto configures the gateway's keys; -Dbench.uncachedKeys=true shows what caching saves.
        gatewayKeys.setEnablePrivateKeyCaching(!Boolean.getBoolean("bench.uncachedKeys"));
        securer = new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300);
        Merlin ecKeys = TestKeys.crypto(new TestKeys.Identity[] {TestKeys.issueEc(ca, "gateway-ec")}, ca.certificate());
        ecKeys.setEnablePrivateKeyCaching(true);
        ecSecurer = new Wss4jMessageSecurer(ecKeys, "gateway-ec", TestKeys.PASSWORD, 300);
    }

    private static WsSecurityPolicy policy(WsSecurityPolicy.Alternative... alternatives) {
        return new WsSecurityPolicy(List.of(alternatives), Duration.ofMinutes(5), Duration.ofMinutes(1), false, false, java.util.Set.of());
    }

    private int nextIndex() {
        next = (next + 1) % MESSAGES;
        return next;
    }

    @Benchmark
    public SoapEnvelope readSignedAndEncryptedOnly() throws RequestRejectedException {
        return reader.read(signedAndEncrypted[nextIndex()]);
    }

    @Benchmark
    public WsSecurityResult verifySignedAndEncrypted() throws RequestRejectedException {
        return signatures.verify(reader.read(signedAndEncrypted[nextIndex()]), "127.0.0.1");
    }

    @Benchmark
    public WsSecurityResult verifyInSecurityContext() throws RequestRejectedException {
        return contextSignatures.verify(reader.read(inContext[nextIndex()]), "127.0.0.1");
    }

    @Benchmark
    public WsSecurityResult verifyUsernameToken() throws RequestRejectedException {
        return passwords.verify(reader.read(usernameTokens[nextIndex()]), "127.0.0.1");
    }

    @Benchmark
    public byte[] signResponseEcdsa() throws Exception {
        SoapEnvelope envelope = reader.read(response);
        ecSecurer.secure(envelope, SIGN_ONLY);
        return envelope.serialize();
    }

    @Benchmark
    public byte[] signResponse() throws Exception {
        SoapEnvelope envelope = reader.read(response);
        securer.secure(envelope, SIGN_ONLY);
        return envelope.serialize();
    }
}
