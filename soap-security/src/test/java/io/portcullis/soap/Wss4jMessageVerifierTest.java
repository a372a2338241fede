package io.portcullis.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.MutableClock;
import io.portcullis.engine.authn.PasswordVerifier;
import io.portcullis.engine.authn.basic.LoginThrottle;
import io.portcullis.engine.authn.basic.LoginThrottleSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import io.portcullis.engine.replay.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.apache.wss4j.common.bsp.BSPRule;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Real WS-Security messages, made with WSS4J's sending side as client stacks make them, verified
 * the way the gateway does: what passes, what facts it yields, and every way a message is refused.
 */
class Wss4jMessageVerifierTest {

    public static final String TRANSFER = """
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body><b:Transfer xmlns:b="urn:demo-bank"><b:fromAccount>acc-alice-1</b:fromAccount>\
            <b:toAccount>acc-bob-1</b:toAccount><b:amount>25.00</b:amount></b:Transfer></soap:Body>
            </soap:Envelope>""";

    static final WsSecurityPolicy SIGNED = policy(new WsSecurityPolicy.Alternative(true, false,
            EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of()));
    static final WsSecurityPolicy SIGNED_AND_ENCRYPTED = policy(new WsSecurityPolicy.Alternative(true, false,
            EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of(WsSecurityPolicy.Part.BODY)));
    static final WsSecurityPolicy USERNAME = policy(new WsSecurityPolicy.Alternative(true, true, Set.of(), Set.of()));

    static TestKeys.Identity ca;
    static TestKeys.Identity alice;
    static TestKeys.Identity aliceEc;
    static TestKeys.Identity gateway;
    static TestKeys.Identity mallory;
    static Merlin clients;
    static Merlin gatewayKeys;
    static Merlin rogue;

    final SoapEnvelopeReader reader = new SoapEnvelopeReader();

    final MutableClock clock = new MutableClock();
    static DigestUsers DIGEST_USERS;

    static final PasswordVerifier PASSWORDS = (username, password, address) ->
            (username.equals("alice") || username.equals("bob")) && new String(password).equals(username + "-password")
                    ? Authentication.of(Principal.builder(username, AuthMethod.WS_SECURITY).roles(List.of("customer")).build())
                    : Authentication.failed("BASIC_PASSWORD_WRONG");

    @BeforeAll
    static void keys() throws Exception {
        ca = TestKeys.authority("Test CA");
        alice = TestKeys.issue(ca, "alice");
        aliceEc = TestKeys.issueEc(ca, "alice-ec");
        gateway = TestKeys.issue(ca, "gateway");
        TestKeys.Identity rogueCa = TestKeys.authority("Rogue CA");
        mallory = TestKeys.issue(rogueCa, "mallory");
        clients = TestKeys.crypto(new TestKeys.Identity[] {alice, aliceEc, gateway}, ca.certificate());
        // Issuer-serial and SKI references name a certificate without carrying it: the receiver must hold it.
        gatewayKeys = TestKeys.crypto(new TestKeys.Identity[] {gateway}, ca.certificate(), alice.certificate());
        rogue = TestKeys.crypto(new TestKeys.Identity[] {mallory}, rogueCa.certificate());
        Path digestFile = Files.createTempFile("digest-users", ".yaml");
        Files.writeString(digestFile, """
                users:
                  - username: bob
                    secret: bob-shared-secret-0123
                    roles: [customer]
                    attributes: {accounts: [acc-bob-1]}
                """);
        DIGEST_USERS = DigestUsers.load(digestFile);
        Files.delete(digestFile);
    }

    static WsSecurityPolicy policy(WsSecurityPolicy.Alternative... alternatives) {
        return new WsSecurityPolicy(List.of(alternatives), Duration.ofMinutes(5), Duration.ofMinutes(1), false, false, Set.of());
    }

    Wss4jMessageVerifier verifier(WsSecurityPolicy policy) {
        return verifier(policy, certificate -> certificate.getSubjectX500Principal().getName());
    }

    Wss4jMessageVerifier verifier(WsSecurityPolicy policy, java.util.function.Function<X509Certificate, String> identity) {
        return new Wss4jMessageVerifier(policy, new SignerTrust(gatewayKeys, false, List.of()), gatewayKeys, TestKeys.PASSWORDS,
                new InMemoryReplayGuard(1000, Clock.systemUTC()),
                new UsernameTokens(PASSWORDS, () -> DIGEST_USERS, new LoginThrottle(LoginThrottleSettings.DEFAULTS, clock)),
                certificate -> Authentication.of(Principal.builder(identity.apply(certificate), AuthMethod.WS_SECURITY).build()));
    }

    WsSecurityResult verify(Wss4jMessageVerifier verifier, byte[] message) throws Exception {
        return verifier.verify(reader.read(message), "192.0.2.1");
    }

    String refusal(Wss4jMessageVerifier verifier, byte[] message) {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> verify(verifier, message));
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.getMessage()).doesNotContain("acc-alice-1").doesNotContain("mallory");
        return refused.reason();
    }

    @Test
    void signedBodyAndTimestampPassWithTheirFacts() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();

        SoapEnvelope envelope = reader.read(message);
        WsSecurityResult result = verifier(SIGNED).verify(envelope, "192.0.2.1");

        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");
        assertThat(result.tokens()).containsExactlyInAnyOrder("Timestamp", "X509");
        assertThat(result.signer().getSubjectX500Principal().getName()).contains("CN=alice");
        assertThat(result.algorithms()).contains(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, WSConstants.SHA256,
                WSConstants.C14N_EXCL_OMIT_COMMENTS);
        assertThat(result.credential().principal().subject()).contains("CN=alice");
        assertThat(result.attributes()).containsEntry(WsSecurityResult.SIGNED_PARTS, List.of("Body", "Timestamp"));
        // The consumed Security header is gone; the Body is what the service gets.
        assertThat(envelope.document().getElementsByTagNameNS(WSConstants.WSSE_NS, "Security").getLength()).isZero();
        assertThat(envelope.operation().getLocalPart()).isEqualTo("Transfer");
    }

    @Test
    void issuerSerialSubjectKeyIdentifierAndEcdsaSignaturesPass() throws Exception {
        // Issuer-serial and SKI (Metro, Spring-WS), thumbprint and X.509 key identifiers (.NET WCF).
        for (int keyIdentifier : new int[] {WSConstants.ISSUER_SERIAL, WSConstants.SKI_KEY_IDENTIFIER,
                WSConstants.THUMBPRINT_IDENTIFIER, WSConstants.X509_KEY_IDENTIFIER}) {
            byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", keyIdentifier).bytes();
            assertThat(verify(verifier(SIGNED), message).signedParts()).as("key identifier %d", keyIdentifier)
                    .contains("Body", "Timestamp");
        }
        byte[] ecdsa = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice-ec", WSConstants.BST_DIRECT_REFERENCE,
                XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256, WSConstants.SHA256, true).bytes();
        assertThat(verify(verifier(SIGNED), ecdsa).algorithms()).contains(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256);
    }

    @Test
    void inclusiveCanonicalizationAndSoap12MessagesPass() throws Exception {
        byte[] inclusive = SecuredMessages.of(TRANSFER).canonicalization(WSConstants.C14N_OMIT_COMMENTS).timestamp()
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        assertThat(verify(verifier(SIGNED), inclusive).algorithms()).contains(WSConstants.C14N_OMIT_COMMENTS);

        String soap12 = TRANSFER.replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope");
        byte[] message = SecuredMessages.of(soap12).timestamp().sign(clients, "alice", WSConstants.ISSUER_SERIAL)
                .encryptBody(clients, "gateway", WSConstants.AES_128_GCM).bytes();
        WsSecurityResult result = verify(verifier(SIGNED_AND_ENCRYPTED), message);
        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");
        assertThat(result.encryptedParts()).containsExactly("Body");
    }

    @Test
    void encryptedBodyIsDecryptedForTheService() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();
        assertThat(new String(message, StandardCharsets.UTF_8)).doesNotContain("acc-alice-1");

        SoapEnvelope envelope = reader.read(message);
        WsSecurityResult result = verifier(SIGNED_AND_ENCRYPTED).verify(envelope, "192.0.2.1");

        assertThat(result.encryptedParts()).containsExactly("Body");
        assertThat(result.signedParts()).contains("Body");
        assertThat(result.algorithms()).contains(WSConstants.AES_256_GCM, WSConstants.KEYTRANSPORT_RSAOAEP);
        assertThat(envelope.operation().getLocalPart()).isEqualTo("Transfer");
        assertThat(envelope.operationElement().getTextContent()).contains("acc-alice-1");
    }

    @Test
    void anEncryptedSignatureAndTheBodysAlgorithmAreFacts() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBodyAndSignature(clients, "gateway", WSConstants.AES_128_GCM).bytes();
        assertThat(new String(message, StandardCharsets.UTF_8)).doesNotContain("SignatureValue");

        WsSecurityResult result = verify(verifier(SIGNED_AND_ENCRYPTED), message);

        assertThat(result.encryptedParts()).containsExactlyInAnyOrder("Body", "Signature");
        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");
        assertThat(result.bodyEncryption()).isEqualTo(WSConstants.AES_128_GCM);
        assertThat(result.attributes()).containsEntry(WsSecurityResult.BODY_ENCRYPTION, WSConstants.AES_128_GCM)
                .containsEntry(WsSecurityResult.ENCRYPTED_PARTS, List.of("Body", "Signature"));
    }

    @Test
    void basicSecurityProfileRulesAreEnforcedUnlessTheRouteWaivesThem() throws Exception {
        // WCF without a BasicSecurityProfile10 message security version leaves out the token's EncodingType.
        SecuredMessages signed = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE);
        Element token = (Element) signed.document().getElementsByTagNameNS(WSConstants.WSSE_NS, "BinarySecurityToken").item(0);
        token.removeAttributeNS(null, "EncodingType");
        byte[] message = signed.bytes();
        WsSecurityPolicy waived = new WsSecurityPolicy(SIGNED.alternatives(), Duration.ofMinutes(5), Duration.ofMinutes(1),
                false, false, Set.of(BSPRule.R3029, BSPRule.R3030));

        assertThat(refusal(verifier(SIGNED), message)).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
        assertThat(verify(verifier(waived), message).signedParts()).containsExactlyInAnyOrder("Body", "Timestamp");

        // And a Password without Type: read as PasswordText, so a wrong one is still wrong.
        WsSecurityPolicy untyped = new WsSecurityPolicy(USERNAME.alternatives(), Duration.ofMinutes(5), Duration.ofMinutes(1),
                false, false, Set.of(BSPRule.R4201));
        for (String password : List.of("alice-password", "guess")) {
            SecuredMessages withToken = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", password,
                    WSConstants.PASSWORD_TEXT);
            ((Element) withToken.document().getElementsByTagNameNS(WSConstants.WSSE_NS, "Password").item(0))
                    .removeAttributeNS(null, "Type");
            assertThat(refusal(verifier(USERNAME), withToken.bytes())).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
            Authentication credential = verify(verifier(untyped), withToken.bytes()).credential();
            assertThat(credential.failure()).isEqualTo(password.equals("guess") ? "WSS_USERNAME_PASSWORD_WRONG" : "");
        }
    }

    @Test
    void onlyHarmlessProfileRulesCanBeWaived() {
        // R3203: a Timestamp must have a Created; without it WSS4J would check no freshness at all.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WsSecurityPolicy(SIGNED.alternatives(),
                Duration.ofMinutes(5), Duration.ofMinutes(1), false, false, Set.of(BSPRule.R3203)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("can be waived");
    }

    @Test
    void aTimestampWithoutCreatedIsRefused() throws Exception {
        SecuredMessages message = SecuredMessages.of(TRANSFER).timestamp(Instant.now(), 300 * 365 * 24 * 3600);
        Element timestamp = (Element) message.document().getElementsByTagNameNS(WSConstants.WSU_NS, "Timestamp").item(0);
        timestamp.removeChild(timestamp.getElementsByTagNameNS(WSConstants.WSU_NS, "Created").item(0));
        byte[] signed = message.sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();

        assertThat(refusal(verifier(SIGNED), signed)).isIn(Wss4jMessageVerifier.INVALID_SECURITY, Wss4jMessageVerifier.MESSAGE_EXPIRED);
    }

    @Test
    void aPolicyCanRequireTheSignatureEncrypted() throws Exception {
        WsSecurityPolicy policy = policy(new WsSecurityPolicy.Alternative(true, false,
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP),
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.SIGNATURE)));
        byte[] signatureInTheClear = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();
        byte[] signatureEncrypted = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBodyAndSignature(clients, "gateway", WSConstants.AES_256_GCM).bytes();

        assertThat(refusal(verifier(policy), signatureInTheClear)).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);
        assertThat(verify(verifier(policy), signatureEncrypted).encryptedParts()).contains("Signature");
    }

    /** Body and Timestamp signed, then the Timestamp alone, neither signature with an Id; one of them encrypted. */
    private byte[] twoSignaturesEncrypting(boolean theBodys) throws Exception {
        SecuredMessages message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE);
        Element bodySignature = (Element) message.document().getElementsByTagNameNS(WSConstants.SIG_NS, "Signature").item(0);
        message.signTimestampOnly(clients, "alice");
        org.w3c.dom.NodeList signatures = message.document().getElementsByTagNameNS(WSConstants.SIG_NS, "Signature");
        Element timestampSignature = (Element) (signatures.item(0) == bodySignature ? signatures.item(1) : signatures.item(0));
        bodySignature.removeAttributeNS(null, "Id");
        timestampSignature.removeAttributeNS(null, "Id");
        return message.encryptBodyAnd(clients, "gateway", theBodys ? bodySignature : timestampSignature).bytes();
    }

    @Test
    void theEncryptedSignatureIsTheOneThatCoversTheBodyWithOrWithoutAnId() throws Exception {
        WsSecurityPolicy policy = policy(new WsSecurityPolicy.Alternative(true, false,
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP),
                EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.SIGNATURE)));
        // WCF writes signatures without an Id.
        SecuredMessages noId = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE);
        ((Element) noId.document().getElementsByTagNameNS(WSConstants.SIG_NS, "Signature").item(0)).removeAttributeNS(null, "Id");
        assertThat(verify(verifier(policy), noId.encryptBodyAndSignature(clients, "gateway", WSConstants.AES_256_GCM).bytes())
                .encryptedParts()).containsExactlyInAnyOrder("Body", "Signature");

        // Two signatures without Ids: the Body's counts when it is the one encrypted, the other's does not.
        assertThat(verify(verifier(policy), twoSignaturesEncrypting(true)).encryptedParts()).contains("Signature");
        assertThat(refusal(verifier(policy), twoSignaturesEncrypting(false))).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);
    }

    @Test
    void unsignedBodyIsRefusedWhereASignatureIsRequired() throws Exception {
        assertThat(refusal(verifier(SIGNED), TRANSFER.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
        byte[] timestampOnly = SecuredMessages.of(TRANSFER).timestamp().bytes();
        assertThat(refusal(verifier(SIGNED), timestampOnly)).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);
        byte[] bodyOnly = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE,
                XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, WSConstants.SHA256, false).bytes();
        assertThat(refusal(verifier(SIGNED), bodyOnly)).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);
    }

    @Test
    void unencryptedBodyIsRefusedWhereEncryptionIsRequired() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        assertThat(refusal(verifier(SIGNED_AND_ENCRYPTED), message)).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);
    }

    @Test
    void tamperedSignedBodyIsRefused() throws Exception {
        String signed = new String(SecuredMessages.of(TRANSFER).timestamp()
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes(), StandardCharsets.UTF_8);
        byte[] tampered = signed.replace("25.00", "25000.00").getBytes(StandardCharsets.UTF_8);

        assertThat(refusal(verifier(SIGNED), tampered)).isEqualTo(Wss4jMessageVerifier.FAILED_CHECK);
    }

    @Test
    void signatureWrappingIsRefused() throws Exception {
        SecuredMessages secured = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE);
        Document document = secured.document();
        Element body = (Element) document.getElementsByTagNameNS(SecuredMessages.SOAP11, "Body").item(0);
        // The signed Body moves into a header wrapper, keeping its Id; a forged Body without an Id takes its place.
        Element wrapper = document.createElementNS("urn:attacker", "x:Wrapper");
        wrapper.appendChild(body.cloneNode(true));
        document.getElementsByTagNameNS(WSConstants.WSSE_NS, "Security").item(0).appendChild(wrapper);
        body.removeAttributeNS(WSConstants.WSU_NS, "Id");
        Node amount = body.getElementsByTagNameNS("urn:demo-bank", "amount").item(0);
        amount.setTextContent("99999.00");
        Node to = body.getElementsByTagNameNS("urn:demo-bank", "toAccount").item(0);
        to.setTextContent("acc-mallory-1");

        assertThat(refusal(verifier(SIGNED), SecuredMessages.serialize(document)))
                .isEqualTo(Wss4jMessageVerifier.SIGNATURE_WRAPPING);
    }

    @Test
    void replayedMessageIsRefused() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        Wss4jMessageVerifier verifier = verifier(SIGNED);

        verify(verifier, message);

        assertThat(refusal(verifier, message)).isEqualTo(Wss4jMessageVerifier.REPLAYED);
    }

    @Test
    void expiredTimestampIsRefused() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp(Instant.now().minus(Duration.ofMinutes(10)), 60)
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();

        assertThat(refusal(verifier(SIGNED), message)).isEqualTo(Wss4jMessageVerifier.MESSAGE_EXPIRED);
    }

    @Test
    void signerSubjectPatternsHoldEvenForCertificatesTrustedDirectly() throws Exception {
        // alice's own certificate is in the gateway's truststore (for issuer-serial references).
        Wss4jMessageVerifier onlyGateway = new Wss4jMessageVerifier(SIGNED,
                new SignerTrust(gatewayKeys, false, List.of(java.util.regex.Pattern.compile("CN=gateway,.*|.*,CN=gateway"))),
                gatewayKeys, TestKeys.PASSWORDS, new InMemoryReplayGuard(10, Clock.systemUTC()), UsernameTokens.none(),
                certificate -> Authentication.NOT_PRESENTED);
        for (int keyIdentifier : new int[] {WSConstants.BST_DIRECT_REFERENCE, WSConstants.ISSUER_SERIAL}) {
            byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", keyIdentifier).bytes();
            assertThat(refusal(onlyGateway, message)).as("key identifier %d", keyIdentifier)
                    .isEqualTo(Wss4jMessageVerifier.FAILED_AUTHENTICATION);
        }
    }

    @Test
    void aSecurityHeaderForAnotherActorIsRefusedRatherThanPassedOnUnchecked() throws Exception {
        String signed = new String(SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .bytes(), StandardCharsets.UTF_8);
        for (String actor : List.of("http://schemas.xmlsoap.org/soap/actor/next", "urn:the-bank:backend")) {
            String forAnother = "<wsse:Security xmlns:wsse=\"" + WSConstants.WSSE_NS + "\" xmlns:e=\"" + WSConstants.URI_SOAP11_ENV
                    + "\" e:actor=\"" + actor + "\"><wsse:UsernameToken><wsse:Username>admin</wsse:Username>"
                    + "<wsse:Password>guess</wsse:Password></wsse:UsernameToken></wsse:Security>";
            byte[] message = signed.replaceFirst("(</[A-Za-z0-9]+:Header>)", java.util.regex.Matcher.quoteReplacement(forAnother) + "$1")
                    .getBytes(StandardCharsets.UTF_8);

            assertThat(refusal(verifier(SIGNED), message)).as(actor).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
        }
    }

    @Test
    void aHeaderStuffedWithTokensIsRefusedBeforeAnyIsProcessed() throws Exception {
        SecuredMessages message = SecuredMessages.of(TRANSFER).timestamp();
        for (int i = 0; i < 3; i++) {
            message.usernameToken("alice", "guess-" + i, WSConstants.PASSWORD_TEXT);
        }
        int[] checked = {0};
        Wss4jMessageVerifier counting = new Wss4jMessageVerifier(USERNAME, SignerTrust.none(), null, null,
                new InMemoryReplayGuard(10, Clock.systemUTC()), UsernameTokens.text((user, password, address) -> {
                    checked[0]++;
                    return Authentication.failed("BASIC_PASSWORD_WRONG");
                }), certificate -> null);

        assertThat(refusal(counting, message.bytes())).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
        assertThat(checked[0]).as("no password checked").isZero();
    }

    @Test
    void messagesThatFailDoNotUseUpTheReplayGuard() throws Exception {
        Wss4jMessageVerifier verifier = new Wss4jMessageVerifier(SIGNED, new SignerTrust(gatewayKeys, false, List.of()),
                gatewayKeys, TestKeys.PASSWORDS, new InMemoryReplayGuard(1, Clock.systemUTC()),
                new UsernameTokens(PASSWORDS, null, null), certificate -> Authentication.NOT_PRESENTED);
        for (int i = 0; i < 3; i++) {
            String signed = new String(SecuredMessages.of(TRANSFER).timestamp()
                    .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes(), StandardCharsets.UTF_8);
            refusal(verifier, signed.replace("25.00", "99.00").getBytes(StandardCharsets.UTF_8));
            refusal(verifier, SecuredMessages.of(TRANSFER).timestamp()
                    .usernameToken("alice", "junk-" + i, WSConstants.PASSWORD_TEXT).bytes());
        }

        byte[] good = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        assertThat(verify(verifier, good).signedParts()).contains("Body");
    }

    @Test
    void aBodySignedTwiceIsRefused() throws Exception {
        // Two trusted signers over the Body: whose call is it? Refused rather than guessed.
        byte[] message = SecuredMessages.of(TRANSFER).timestamp()
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
                        WSConstants.SHA256, false)
                .sign(clients, "gateway", WSConstants.BST_DIRECT_REFERENCE).bytes();

        assertThat(refusal(verifier(SIGNED), message)).as("two signatures over the Body")
                .isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
    }

    @Test
    void certificateNotInTheTruststoreIsRefused() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp().sign(rogue, "mallory", WSConstants.BST_DIRECT_REFERENCE).bytes();

        assertThat(refusal(verifier(SIGNED), message)).isEqualTo(Wss4jMessageVerifier.FAILED_AUTHENTICATION);
    }

    @Test
    void sha1AndCbcAreRefusedUnlessAllowed() throws Exception {
        byte[] sha1 = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE,
                XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1, WSConstants.SHA1, true).bytes();
        assertThat(refusal(verifier(SIGNED), sha1)).isEqualTo(Wss4jMessageVerifier.UNSUPPORTED_ALGORITHM);
        WsSecurityPolicy legacy = new WsSecurityPolicy(SIGNED.alternatives(), Duration.ofMinutes(5), Duration.ofMinutes(1),
                true, true, Set.of());
        assertThat(verify(verifier(legacy), sha1).algorithms()).contains(WSConstants.SHA1);

        byte[] cbc = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256).bytes();
        assertThat(refusal(verifier(SIGNED_AND_ENCRYPTED), cbc)).isEqualTo(Wss4jMessageVerifier.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void usernameTokenBecomesTheMessageCredential() throws Exception {
        byte[] good = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("alice", "alice-password", WSConstants.PASSWORD_TEXT).bytes();
        WsSecurityResult result = verify(verifier(USERNAME), good);
        assertThat(result.tokens()).contains("UsernameToken", "Timestamp");
        assertThat(result.username()).isEqualTo("alice");
        assertThat(result.credential().principal().subject()).isEqualTo("alice");

        byte[] wrong = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("alice", "guess", WSConstants.PASSWORD_TEXT).bytes();
        assertThat(verify(verifier(USERNAME), wrong).credential().failure()).isEqualTo("WSS_USERNAME_PASSWORD_WRONG");
    }

    @Test
    void aMessageSignedByOneCallerCarryingAnothersUsernameTokenIsAttributedToNeither() throws Exception {
        byte[] same = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password", WSConstants.PASSWORD_TEXT)
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        java.util.function.Function<X509Certificate, String> commonName =
                certificate -> certificate.getSubjectX500Principal().getName().replaceAll("(?:^|.*,)CN=([^,]+).*", "$1");
        assertThat(verify(verifier(USERNAME, commonName), same).credential().principal().subject()).isEqualTo("alice");

        byte[] mixed = SecuredMessages.of(TRANSFER).timestamp().usernameToken("bob", "bob-password", WSConstants.PASSWORD_TEXT)
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        WsSecurityResult result = verify(verifier(USERNAME, commonName), mixed);
        assertThat(result.credential().principal().authenticated()).isFalse();
        assertThat(result.credential().failure()).isEqualTo(Wss4jMessageVerifier.IDENTITIES_DIFFER);
    }

    @Test
    void aUsernameTokenNonceIsAcceptedOnce() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("alice", "alice-password", WSConstants.PASSWORD_TEXT).bytes();
        Wss4jMessageVerifier verifier = verifier(USERNAME);
        verify(verifier, message);
        assertThat(refusal(verifier, message)).isEqualTo(Wss4jMessageVerifier.REPLAYED);
    }

    @Test
    void digestPasswordsAreCheckedAgainstTheDigestUsersBehindLockouts() throws Exception {
        Wss4jMessageVerifier verifier = verifier(USERNAME);
        byte[] good = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("bob", "bob-shared-secret-0123", WSConstants.PASSWORD_DIGEST).bytes();
        WsSecurityResult result = verify(verifier, good);
        assertThat(result.credential().principal().subject()).isEqualTo("bob");
        assertThat(result.credential().principal().hasAttribute("accounts", "acc-bob-1")).isTrue();
        assertThat(result.credential().principal().authMethod()).isEqualTo(AuthMethod.WS_SECURITY);

        byte[] unknown = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("alice", "alice-password", WSConstants.PASSWORD_DIGEST).bytes();
        assertThat(verify(verifier, unknown).credential().failure()).isEqualTo(Wss4jMessageVerifier.DIGEST_USER_UNKNOWN);
        for (int i = 0; i < LoginThrottleSettings.DEFAULTS.maxUserFailures(); i++) {
            byte[] wrong = SecuredMessages.of(TRANSFER).timestamp()
                    .usernameToken("bob", "not-the-secret-at-all", WSConstants.PASSWORD_DIGEST).bytes();
            assertThat(verify(verifier, wrong).credential().failure()).isEqualTo(Wss4jMessageVerifier.DIGEST_PASSWORD_WRONG);
        }
        byte[] rightButLocked = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("bob", "bob-shared-secret-0123", WSConstants.PASSWORD_DIGEST).bytes();
        assertThat(verify(verifier, rightButLocked).credential().failure()).isEqualTo(Wss4jMessageVerifier.DIGEST_LOCKED_OUT);
    }

    @Test
    void digestPasswordsAreRefusedWhereTheRouteHasNoDigestUsers() throws Exception {
        Wss4jMessageVerifier textOnly = new Wss4jMessageVerifier(USERNAME, SignerTrust.none(), null, null,
                new InMemoryReplayGuard(10, Clock.systemUTC()), UsernameTokens.text(PASSWORDS), certificate -> null);
        byte[] digest = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("bob", "bob-shared-secret-0123", WSConstants.PASSWORD_DIGEST).bytes();

        assertThat(refusal(textOnly, digest)).isEqualTo(Wss4jMessageVerifier.UNSUPPORTED_TOKEN);
    }

    /** WCF's UserNameForCertificate: AES-CBC, as WCF and Metro have no AES-GCM. */
    static final WsSecurityPolicy SYMMETRIC = new WsSecurityPolicy(List.of(new WsSecurityPolicy.Alternative(true, true,
            EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP, WsSecurityPolicy.Part.USERNAME_TOKEN),
            Set.of(WsSecurityPolicy.Part.BODY), WsSecurityPolicy.SignedWith.ENCRYPTED_KEY)), Duration.ofMinutes(5),
            Duration.ofMinutes(1), false, true, Set.of());

    static final String ANSWER = """
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body><b:TransferResponse xmlns:b="urn:demo-bank"><b:id>t-1</b:id></b:TransferResponse></soap:Body>
            </soap:Envelope>""";

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aSymmetricBindingIsAcceptedWhereTheRouteTakesItAndItsAnswerIsProtectedWithTheCallersKey(boolean derivedKeys)
            throws Exception {
        SecuredMessages request = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        byte[] key = request.symmetric(clients, "gateway", derivedKeys);

        WsSecurityResult result = verify(verifier(SYMMETRIC), request.bytes());

        assertThat(result.signedWith()).isEqualTo("encrypted-key");
        assertThat(result.signedParts()).containsExactlyInAnyOrder("Body", "Timestamp", "UsernameToken");
        assertThat(result.encryptedParts()).contains("Body");
        assertThat(result.signer()).isNull();
        assertThat(result.tokens()).contains("EncryptedKey").doesNotContain("X509");
        assertThat(result.credential().principal().subject()).isEqualTo("alice");
        assertThat(result.requestKey().secret()).isEqualTo(key);
        assertThat(result.requestKey().derivedKeys()).isEqualTo(derivedKeys);
        assertThat(result.requestKey().toString()).doesNotContain(java.util.Arrays.toString(key));
        assertThat(result.attributes()).containsEntry(WsSecurityResult.SIGNED_WITH, "encrypted-key");

        // The answer is signed and encrypted with that key: the caller reads it with nothing else.
        SoapEnvelope answer = reader.read(ANSWER.getBytes(StandardCharsets.UTF_8));
        new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300).secure(answer,
                Wss4jMessageSecurer.Protection.withRequestKey(result.requestKey(), true, true,
                        Wss4jMessageSecurer.KeyIdentifiers.DEFAULT, WSConstants.AES_256, true));
        String sent = new String(SecuredMessages.serialize(answer.document()), StandardCharsets.UTF_8);
        assertThat(sent).doesNotContain("TransferResponse").contains("EncryptedKeySHA1");
        SecuredMessages.Read read = SecuredMessages.readWithKey(SecuredMessages.serialize(answer.document()),
                result.requestKey().reference(), key);
        var results = read.results();
        assertThat(results.getActionResults()).containsKeys(WSConstants.SIGN, WSConstants.ENCR, WSConstants.TS);
        assertThat(results.getActionResults().get(WSConstants.SIGN).get(0)
                .get(org.apache.wss4j.dom.engine.WSSecurityEngineResult.TAG_SIGNATURE_METHOD)).isEqualTo(WSConstants.HMAC_SHA1);
        assertThat(read.text()).contains("<b:id>t-1</b:id>");
    }

    @Test
    void aSymmetricBindingIsRefusedWhereTheRouteTakesCertificateSignaturesOnly() throws Exception {
        SecuredMessages request = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        request.symmetric(clients, "gateway", true);

        // No HMAC is accepted at all there: a key anyone can make proves nothing a certificate would.
        assertThat(refusal(verifier(SIGNED), request.bytes())).isEqualTo(Wss4jMessageVerifier.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void aSymmetricBindingMustSignItsUsernameTokenAndCannotStandInForACertificate() throws Exception {
        SecuredMessages unsignedUser = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        unsignedUser.symmetric(clients, "gateway", true, false);
        assertThat(refusal(verifier(SYMMETRIC), unsignedUser.bytes())).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);

        // Where both are taken, an encrypted-key signature meets only the alternative that names it.
        WsSecurityPolicy both = new WsSecurityPolicy(List.of(SIGNED_AND_ENCRYPTED.alternatives().get(0),
                SYMMETRIC.alternatives().get(0)), Duration.ofMinutes(5), Duration.ofMinutes(1), false, true, Set.of());
        SecuredMessages anonymous = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        anonymous.symmetric(clients, "gateway", false, false);
        assertThat(refusal(verifier(both), anonymous.bytes())).isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);
    }

    @Test
    void aSymmetricBindingIsRememberedAgainstReplayAndItsDerivedKeysAreBounded() throws Exception {
        Wss4jMessageVerifier verifier = verifier(SYMMETRIC);
        SecuredMessages request = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        request.symmetric(clients, "gateway", true);
        byte[] message = request.bytes();
        assertThat(verify(verifier, message).signedWith()).isEqualTo("encrypted-key");
        assertThat(refusal(verifier, message)).isEqualTo(Wss4jMessageVerifier.REPLAYED);

        // A derived key's Length and Offset are not signed: a huge one is refused before it is derived.
        SecuredMessages huge = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        huge.symmetric(clients, "gateway", true);
        Element length = (Element) huge.document().getElementsByTagNameNS("*", "Length").item(0);
        length.setTextContent("200000000");
        assertThat(refusal(verifier, huge.bytes())).isEqualTo(Wss4jMessageVerifier.INVALID_TOKEN);

    }

    @Test
    void theGatewaysPrivateKeyIsUsedOncePerMessageWhereverItsKeysHide() throws Exception {
        SecuredMessages message = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM);
        Element signature = (Element) message.document().getElementsByTagNameNS(WSConstants.SIG_NS, "Signature").item(0);
        // A second key encrypted to the gateway, inside an EncryptedData's KeyInfo where the header count does not
        // look (WSS4J also puts a copy in the header; an attacker leaves it out).
        message.encryptEmbeddingTheKey(clients, "gateway", signature);
        Element headerCopy = (Element) message.document().getElementsByTagNameNS(WSConstants.ENC_NS, "EncryptedKey").item(0);
        headerCopy.getParentNode().removeChild(headerCopy);
        assertThat(message.document().getElementsByTagNameNS(WSConstants.ENC_NS, "EncryptedKey").getLength()).isEqualTo(2);

        assertThat(refusal(verifier(SIGNED_AND_ENCRYPTED), message.bytes())).isEqualTo(Wss4jMessageVerifier.FAILED_CHECK);
    }

    @Test
    void aSecondUsernameTokenHiddenInEncryptedContentIsRefused() throws Exception {
        SecuredMessages twoUsers = SecuredMessages.of(TRANSFER).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        Element alice = (Element) twoUsers.document().getElementsByTagNameNS(WSConstants.WSSE_NS, "UsernameToken").item(0);
        twoUsers.encryptBodyAnd(clients, "gateway", alice).usernameToken("bob", "bob-password", WSConstants.PASSWORD_TEXT);

        assertThat(refusal(verifier(USERNAME), twoUsers.bytes())).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
    }

    @Test
    void anAlternativeWithAnEncryptedKeySignatureMustNameItsCaller() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WsSecurityPolicy.Alternative(true, false,
                        EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP), Set.of(),
                        WsSecurityPolicy.SignedWith.ENCRYPTED_KEY))
                .hasMessageContaining("require usernameToken and signed: [Body, Timestamp, UsernameToken]");
    }

    @Test
    void optionalPolicyLetsPlainMessagesThrough() throws Exception {
        WsSecurityPolicy optional = policy();
        assertThat(verify(verifier(optional), TRANSFER.getBytes(StandardCharsets.UTF_8))).isEqualTo(WsSecurityResult.NONE);
    }
}
