package io.portcullis.soap;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.AuthenticationChain;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import io.portcullis.engine.replay.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The adapter with WS-Security on: what rules see, what goes upstream, and what goes back secured. */
class SoapAdapterSecurityTest {

    private static final Wss4jMessageSecurer.Protection SIGN_ONLY =
            Wss4jMessageSecurer.Protection.signOnly(Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);

    static final String TRANSFER = Wss4jMessageVerifierTest.TRANSFER;
    static final RequestContext CONTEXT = new RequestContext("req-1", Instant.EPOCH, "bank-soap", NetworkPolicy.OPEN.peer("192.0.2.1", 1, null, false));
    static final SoapRouteSettings ROUTE = new SoapRouteSettings("bank-soap",
            List.of("{urn:demo-bank}Transfer as transfer"), XmlLimits.DEFAULTS);

    static TestKeys.Identity alice;
    static Merlin clients;
    static Merlin gatewayKeys;

    @BeforeAll
    static void keys() throws Exception {
        TestKeys.Identity ca = TestKeys.authority("Test CA");
        alice = TestKeys.issue(ca, "alice");
        TestKeys.Identity gateway = TestKeys.issue(ca, "gateway");
        clients = TestKeys.crypto(new TestKeys.Identity[] {alice, gateway}, ca.certificate());
        gatewayKeys = TestKeys.crypto(new TestKeys.Identity[] {gateway}, ca.certificate());
    }

    static Wss4jMessageVerifier verifier(Merlin keys) {
        return verifier(keys, false);
    }

    static Wss4jMessageVerifier verifier(Merlin keys, boolean allowCbc) {
        WsSecurityPolicy policy = new WsSecurityPolicy(List.of(new WsSecurityPolicy.Alternative(true, false,
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of())),
                Duration.ofMinutes(5), Duration.ofMinutes(1), false, allowCbc, Set.of());
        return new Wss4jMessageVerifier(policy, new SignerTrust(keys, false, List.of()), keys, TestKeys.PASSWORDS,
                new InMemoryReplayGuard(100, Clock.systemUTC()), UsernameTokens.none(),
                certificate -> Authentication.of(Principal.builder("alice", AuthMethod.WS_SECURITY).build()));
    }

    static SoapAdapter adapter(OutboundSecurity outbound) {
        return new SoapAdapter(ROUTE, verifier(gatewayKeys), null, outbound);
    }

    static HttpRequestMessage post(byte[] body) {
        return new HttpRequestMessage("POST", "/soap/bank", "", Map.of("content-type", List.of("text/xml; charset=ISO-8859-1")), body);
    }

    @Test
    void rulesSeeTheVerifiedFactsAndTheUpstreamGetsThePlainMessage() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();
        SoapAdapter adapter = adapter(null);

        ApiRequest request = adapter.normalize(post(message), CONTEXT);
        HttpRequestMessage forwarded = adapter.fulfil(request, post(message), List.of());

        assertThat(request.operation()).isEqualTo("transfer");
        assertThat(request.bodyNumber("/amount")).isEqualByComparingTo("25");
        assertThat(request.attribute(WsSecurityResult.SIGNED_PARTS)).isEqualTo(List.of("Body", "Timestamp"));
        assertThat(request.attribute(WsSecurityResult.ENCRYPTED_PARTS)).isEqualTo(List.of("Body"));
        assertThat(request.attribute(AuthenticationChain.MESSAGE_CREDENTIAL)).isInstanceOf(Authentication.class);
        String upstream = new String(forwarded.body(), StandardCharsets.UTF_8);
        assertThat(upstream).contains("acc-alice-1").doesNotContain("EncryptedData").doesNotContain("wsse:Security");
        assertThat(forwarded.header("content-type")).isEqualTo("text/xml; charset=utf-8");
    }

    @Test
    void contentRevealedByDecryptionIsHeldToTheSameLimits() throws Exception {
        String deep = TRANSFER.replace("<b:amount>25.00</b:amount>",
                "<b:amount>" + "<x>".repeat(200) + "25.00" + "</x>".repeat(200) + "</b:amount>");
        byte[] message = SecuredMessages.of(deep).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();
        SoapAdapter adapter = adapter(null);

        io.portcullis.engine.adapter.RequestRejectedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.portcullis.engine.adapter.RequestRejectedException.class, () -> adapter.normalize(post(message), CONTEXT));

        assertThat(refused.reason()).isEqualTo("XML_TOO_DEEP");
    }

    @Test
    void responsesAreSignedAndCanBeEncryptedForTheCallersCertificate() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        OutboundSecurity outbound = new OutboundSecurity(new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300),
                true, true, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT, false, null, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);
        SoapAdapter adapter = adapter(outbound);
        ApiRequest request = adapter.normalize(post(message), CONTEXT);
        String answer = TRANSFER.replace("b:Transfer", "b:TransferResponse");

        HttpResponseMessage secured = adapter.fulfil(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("text/xml")), answer.getBytes(StandardCharsets.UTF_8)), List.of());

        // The request was not encrypted: the response gets the gateway's own choice, AES-256-GCM.
        assertThat(new String(secured.body(), StandardCharsets.UTF_8)).doesNotContain("acc-alice-1")
                .contains(WSConstants.AES_256_GCM);
        // Alice, holding her key and trusting the gateway's CA, verifies and decrypts it like any request.
        SoapEnvelope received = new SoapEnvelopeReader().read(secured.body());
        WsSecurityResult result = verifier(clients).verify(received, "127.0.0.1");
        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");
        assertThat(result.encryptedParts()).containsExactly("Body");
        assertThat(result.signer().getSubjectX500Principal().getName()).contains("CN=gateway");
        assertThat(received.operationElement().getTextContent()).contains("acc-alice-1");
    }

    @Test
    void anEncryptedResponseIsProtectedTheWayItsRequestWas() throws Exception {
        // A WCF client's request: AES-256-CBC (WCF has no AES-GCM) and its signature encrypted too.
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBodyAndSignature(clients, "gateway", WSConstants.AES_256).bytes();
        Wss4jMessageSecurer.KeyIdentifiers wcf = new Wss4jMessageSecurer.KeyIdentifiers(
                Wss4jMessageSecurer.KeyIdentifier.ISSUER_SERIAL, Wss4jMessageSecurer.KeyIdentifier.THUMBPRINT);
        OutboundSecurity outbound = new OutboundSecurity(new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300),
                true, true, wcf, false, null, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);
        SoapAdapter adapter = new SoapAdapter(ROUTE, verifier(gatewayKeys, true), null, outbound);
        ApiRequest request = adapter.normalize(post(message), CONTEXT);
        String answer = TRANSFER.replace("b:Transfer", "b:TransferResponse");

        HttpResponseMessage secured = adapter.fulfil(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("text/xml")), answer.getBytes(StandardCharsets.UTF_8)), List.of());

        String xml = new String(secured.body(), StandardCharsets.UTF_8);
        assertThat(xml).contains(WSConstants.AES_256 + "\"").doesNotContain(WSConstants.AES_256_GCM)
                .contains("#ThumbprintSHA1").doesNotContain("BinarySecurityToken").doesNotContain("SignatureValue");
        SoapEnvelope received = new SoapEnvelopeReader().read(secured.body());
        WsSecurityResult result = verifier(clients, true).verify(received, "127.0.0.1");
        assertThat(result.encryptedParts()).containsExactlyInAnyOrder("Body", "Signature");
        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");
        assertThat(result.bodyEncryption()).isEqualTo(WSConstants.AES_256);
        assertThat(received.operationElement().getTextContent()).contains("acc-alice-1");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Wss4jMessageSecurer.KeyIdentifier.class)
    void everyKeyIdentifierIsReadByWss4j(Wss4jMessageSecurer.KeyIdentifier identifier) throws Exception {
        SoapEnvelope response = new SoapEnvelopeReader().read(TRANSFER.getBytes(StandardCharsets.UTF_8));

        new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300).secure(response, new Wss4jMessageSecurer.Protection(
                true, alice.certificate(), new Wss4jMessageSecurer.KeyIdentifiers(identifier, identifier),
                WSConstants.AES_256_GCM, true));

        WsSecurityResult result = verifier(clients).verify(new SoapEnvelopeReader().read(response.serialize()), "127.0.0.1");
        assertThat(result.signer().getSubjectX500Principal().getName()).contains("CN=gateway");
        assertThat(result.encryptedParts()).containsExactlyInAnyOrder("Body", "Signature");
    }

    @Test
    void anEcGatewayKeySignsWithEcdsa() throws Exception {
        TestKeys.Identity ca = TestKeys.authority("EC CA");
        Merlin ecKeys = TestKeys.crypto(new TestKeys.Identity[] {TestKeys.issueEc(ca, "gateway-ec")}, ca.certificate());
        SoapEnvelope response = new SoapEnvelopeReader().read(TRANSFER.getBytes(StandardCharsets.UTF_8));

        new Wss4jMessageSecurer(ecKeys, "gateway-ec", TestKeys.PASSWORD, 300).secure(response, SIGN_ONLY);

        SoapEnvelope received = new SoapEnvelopeReader().read(response.serialize());
        WsSecurityResult result = verifier(ecKeys).verify(received, "127.0.0.1");
        assertThat(result.algorithms()).contains(org.apache.xml.security.signature.XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256);
        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");
    }

    @Test
    void aResponseThatMustBeEncryptedButHasNoRecipientIsWithheld() throws Exception {
        OutboundSecurity outbound = new OutboundSecurity(new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300),
                false, true, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT, false, null, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);
        ApiRequest unsigned = ApiRequest.builder().id("r-2").build();

        assertThatThrownBy(() -> adapter(outbound).fulfil(unsigned, new HttpResponseMessage(200,
                Map.of("content-type", List.of("text/xml")), TRANSFER.getBytes(StandardCharsets.UTF_8)), List.of()))
                .isInstanceOf(ObligationException.class);
    }

    @Test
    void requestsToAnUpstreamThatDemandsWsSecurityAreSignedByTheGateway() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        OutboundSecurity outbound = new OutboundSecurity(new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300),
                false, false, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT, true, alice.certificate(),
                Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);
        SoapAdapter adapter = adapter(outbound);
        ApiRequest request = adapter.normalize(post(message), CONTEXT);

        HttpRequestMessage forwarded = adapter.fulfil(request, post(message), List.of());

        WsSecurityResult atUpstream = verifier(clients).verify(new SoapEnvelopeReader().read(forwarded.body()), "127.0.0.1");
        assertThat(atUpstream.signer().getSubjectX500Principal().getName()).contains("CN=gateway");
        assertThat(atUpstream.encryptedParts()).containsExactly("Body");
    }
}
