package io.portcullis.soap;

import io.portcullis.engine.net.NetworkPolicy;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.AuthenticationChain;
import io.portcullis.engine.authn.MutableClock;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import io.portcullis.engine.replay.InMemoryReplayGuard;
import io.portcullis.soap.SecureConversationClient.Issued;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.portcullis.soap.SecureConversationClient.cancelRequest;
import static io.portcullis.soap.SecureConversationClient.inContext;
import static io.portcullis.soap.SecureConversationClient.issueRequest;
import static io.portcullis.soap.SecureConversationClient.renewRequest;
import static io.portcullis.soap.SecureConversationClient.readWithContextKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * WS-SecureConversation through the adapter, as a client does it: ask for a context in a message it
 * signs with its certificate and encrypts, read the key from the encrypted answer, call the service
 * with keys derived from the context, cancel it.
 */
class SecureConversationTest {

    static final RequestContext CONTEXT = new RequestContext("req-1", Instant.EPOCH, "bank-soap", NetworkPolicy.OPEN.peer("192.0.2.1", 1, null, false));
    static final SoapRouteSettings ROUTE = new SoapRouteSettings("bank-soap",
            List.of("{urn:demo-bank}Transfer as transfer"), XmlLimits.DEFAULTS);
    static final Principal ALICE = Principal.builder("alice", AuthMethod.WS_SECURITY).roles(Set.of("customer")).build();
    static final byte[] CLIENT_ENTROPY = "alice's half of the key, 32 byte".getBytes(StandardCharsets.US_ASCII);

    static Merlin clients;
    static Merlin gatewayKeys;

    MutableClock clock;
    InMemorySecurityContexts contexts;
    SoapAdapter adapter;
    OutboundSecurity outbound;

    @BeforeAll
    static void keys() throws Exception {
        TestKeys.Identity ca = TestKeys.authority("Test CA");
        TestKeys.Identity alice = TestKeys.issue(ca, "alice");
        TestKeys.Identity gateway = TestKeys.issue(ca, "gateway");
        clients = TestKeys.crypto(new TestKeys.Identity[] {alice, gateway}, ca.certificate());
        gatewayKeys = TestKeys.crypto(new TestKeys.Identity[] {gateway}, ca.certificate());
    }

    @BeforeEach
    void gateway() {
        clock = new MutableClock(Instant.now());
        contexts = new InMemorySecurityContexts(new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 100, 2, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER), clock);
        WsSecurityPolicy policy = new WsSecurityPolicy(List.of(
                new WsSecurityPolicy.Alternative(true, false, EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP),
                        Set.of(WsSecurityPolicy.Part.BODY)),
                new WsSecurityPolicy.Alternative(true, false, EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP),
                        Set.of(WsSecurityPolicy.Part.BODY), WsSecurityPolicy.SignedWith.SECURITY_CONTEXT),
                // WCF's UserNameForCertificate: a password over a key encrypted to the gateway.
                new WsSecurityPolicy.Alternative(true, true, EnumSet.of(WsSecurityPolicy.Part.BODY, WsSecurityPolicy.Part.TIMESTAMP,
                        WsSecurityPolicy.Part.USERNAME_TOKEN), Set.of(WsSecurityPolicy.Part.BODY), WsSecurityPolicy.SignedWith.ENCRYPTED_KEY)),
                Duration.ofMinutes(5), Duration.ofMinutes(1), false, true, Set.of());
        Wss4jMessageVerifier verifier = new Wss4jMessageVerifier(policy, new SignerTrust(gatewayKeys, false, List.of()), gatewayKeys,
                TestKeys.PASSWORDS, new InMemoryReplayGuard(100, Clock.systemUTC()),
                UsernameTokens.text((user, password, address) -> Authentication.of(Principal.builder(user, AuthMethod.WS_SECURITY).build())),
                certificate -> Authentication.of(ALICE), contexts);
        outbound = new OutboundSecurity(new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300),
                true, false, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT, false, null, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);
        adapter = new SoapAdapter(ROUTE, verifier, null, outbound, contexts);
    }

    @ParameterizedTest
    @EnumSource(SecureConversation.Version.class)
    void aContextIsIssuedUsedForTheServiceAndCancelled(SecureConversation.Version version) throws Exception {
        Issued issued = establish(version, true);
        assertThat(issued.identifier()).startsWith("urn:uuid:");
        assertThat(contexts.find(issued.identifier())).get().extracting(SecurityContexts.Context::principal).isEqualTo(ALICE);

        // The service, called in the context: the caller is whoever established it.
        byte[] call = inContext(version, issued, Wss4jMessageVerifierTest.TRANSFER);
        ApiRequest transfer = adapter.normalize(post(call), CONTEXT);
        assertThat(transfer.operation()).isEqualTo("transfer");
        assertThat(transfer.bodyNumber("/amount")).isEqualByComparingTo("25");
        assertThat(transfer.attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("security-context");
        assertThat(transfer.attribute(WsSecurityResult.TOKENS)).asList().contains("SecurityContextToken", "DerivedKey");
        assertThat(((Authentication) transfer.attribute(AuthenticationChain.MESSAGE_CREDENTIAL)).principal()).isEqualTo(ALICE);

        // Its answer is signed and encrypted with keys derived from the context, referred to by its identifier.
        byte[] answer = answerTo(transfer);
        String sent = new String(answer, StandardCharsets.UTF_8);
        assertThat(sent).doesNotContain("TransferResponse").contains(issued.identifier()).contains(version.conversationNamespace());
        assertThat(readWithContextKey(answer, issued)).contains("<b:id>t-1</b:id>");
        // As WS-SecurityPolicy's Strict layout (WCF's default; CXF checks it) and suites have it: the Timestamp
        // first, and a signing key as long as the caller's (192 bits here).
        SoapEnvelope answered = new SoapEnvelopeReader().read(answer);
        org.w3c.dom.Element security = (org.w3c.dom.Element) answered.header()
                .getElementsByTagNameNS(WSConstants.WSSE_NS, "Security").item(0);
        assertThat(firstElement(security).getLocalName()).isEqualTo("Timestamp");
        assertThat(sent).containsPattern("Length>24</").containsPattern("Length>32</"); // signing, AES-256 encryption

        // Cancelled by a message in the context; it is then no more.
        byte[] cancel = SecuredMessages.of(cancelRequest(version, issued.identifier())).timestamp()
                .inContext(version, issued, true, true).bytes();
        ApiRequest cancelling = adapter.normalize(post(cancel), CONTEXT);
        assertThat(cancelling.operation()).isEqualTo(SoapAdapter.CANCEL_CONTEXT_OPERATION);
        HttpResponseMessage cancelled = adapter.answer(authenticated(cancelling), List.of());
        assertThat(readWithContextKey(cancelled.body(), issued)).contains("RequestedTokenCancelled");
        assertThat(contexts.find(issued.identifier())).isEmpty();

        byte[] after = inContext(version, issued, Wss4jMessageVerifierTest.TRANSFER);
        RequestRejectedException refused = readingRefused(after);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.reason()).isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
        // The fault is WS-SecureConversation's, in the version the message used.
        String fault = new String(adapter.refusal("r-1", post(after), refused.status(), List.of(refused.reason()), refused.getMessage())
                .body(), StandardCharsets.UTF_8);
        assertThat(fault).contains("<faultcode>wsc:BadContextToken</faultcode>", "xmlns:wsc=\"" + version.conversationNamespace() + "\"")
                .doesNotContain(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
    }

    @Test
    void withoutClientEntropyTheGatewaysKeyGoesBackEncrypted() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, false);

        byte[] call = SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(SecureConversation.Version.V1_3, issued, true, true).bytes();
        assertThat(adapter.normalize(post(call), CONTEXT).attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("security-context");
    }

    @Test
    void aContextNeverIssuedOrExpiredIsRefusedAsUnknown() throws Exception {
        byte[] forged = SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(SecureConversation.Version.V1_3, new SecureConversationClient.Issued("urn:uuid:00000000-0000-0000-0000-000000000000", null, new byte[32], null), false, true)
                .bytes();
        assertThat(readingRefused(forged).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);

        Issued issued = establish(SecureConversation.Version.V1_3, true);
        clock.advance(Duration.ofHours(1));
        byte[] late = inContext(SecureConversation.Version.V1_3, issued, Wss4jMessageVerifierTest.TRANSFER);
        assertThat(readingRefused(late).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
    }

    @Test
    void aContextsIdentifierWithoutItsKeyProvesNothing() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        byte[] guessed = SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(SecureConversation.Version.V1_3, new SecureConversationClient.Issued(issued.identifier(), issued.instance(), new byte[32], null), false, true).bytes();

        assertThat(readingRefused(guessed).reason())
                .isEqualTo(Wss4jMessageVerifier.FAILED_CHECK);
    }

    @Test
    void aContextIsIssuedOnlyForAnEncryptedRequestFromAnAuthenticatedCaller() throws Exception {
        byte[] unencrypted = SecuredMessages.of(issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY)).timestamp()
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes();
        WsSecurityPolicy lenient = new WsSecurityPolicy(List.of(), Duration.ofMinutes(5), Duration.ofMinutes(1), false, true, Set.of());
        Wss4jMessageVerifier optional = new Wss4jMessageVerifier(lenient, new SignerTrust(gatewayKeys, false, List.of()), gatewayKeys,
                TestKeys.PASSWORDS, new InMemoryReplayGuard(100, Clock.systemUTC()), UsernameTokens.none(),
                certificate -> Authentication.of(ALICE));
        SoapAdapter lenientAdapter = new SoapAdapter(ROUTE, optional, null, outbound, contexts);
        ApiRequest request = lenientAdapter.normalize(post(unencrypted), CONTEXT);
        assertThat(request.operation()).isEqualTo(SoapAdapter.ESTABLISH_CONTEXT_OPERATION);

        assertThat(catchThrowableOfType(RequestRejectedException.class, () -> lenientAdapter.answer(authenticated(request), List.of())).reason())
                .isEqualTo(SecureConversation.REQUEST_INVALID);
        byte[] encrypted = askedAsAlice(issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY));
        ApiRequest anonymous = adapter.normalize(post(encrypted), CONTEXT);
        assertThat(answerRefused(anonymous).reason())
                .isEqualTo(SecureConversation.REQUEST_INVALID);
        assertThat(contexts.size()).isZero();
    }

    @Test
    void aContextStandsForWhatTheMessageProvedNotForCredentialsBesideIt() throws Exception {
        byte[] ask = askedAsAlice(issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY));
        ApiRequest request = adapter.normalize(post(ask), CONTEXT);

        // A caller known only by an HTTP credential (a JWT beside the message) gets no context.
        Principal byJwt = Principal.builder("alice", AuthMethod.JWT).roles(Set.of("customer")).build();
        assertThat(answerRefused(request.toBuilder().principal(byJwt).build()).reason()).isEqualTo(SecureConversation.REQUEST_INVALID);

        // Proved by the message and by mTLS: the context stands for the message's proof alone, so a rule
        // asking for mTLS does not see it on calls made in the context, which carry no certificate.
        HttpResponseMessage answer = adapter.answer(request.toBuilder().principal(ALICE.alsoProvedBy(AuthMethod.MTLS)).build(), List.of());
        SoapEnvelope received = new SoapEnvelopeReader().read(answer.body());
        SoapAdapterSecurityTest.verifier(clients).verify(received, "127.0.0.1");
        SecurityContexts.Context issued = contexts.find(SecureConversationClient.read(received.operationElement(),
                SecureConversation.Version.V1_3, CLIENT_ENTROPY).identifier()).orElseThrow();
        assertThat(issued.principal().methods()).containsExactly(AuthMethod.WS_SECURITY);
    }

    @Test
    void aFullGatewayRefusesANewCallerWithoutTakingAnythingFromTheOthers() throws Exception {
        InMemorySecurityContexts small = new InMemorySecurityContexts(
                new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 2, 2, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER), clock);
        Principal bob = Principal.builder("bob", AuthMethod.WS_SECURITY).build();
        SecurityContexts.Context first = small.issue(ALICE, new byte[32], SecureConversation.Version.V1_3);
        small.issue(ALICE, new byte[32], SecureConversation.Version.V1_3);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.issue(bob, new byte[32], SecureConversation.Version.V1_3))
                .isInstanceOf(SecurityContexts.FullException.class);
        assertThat(small.find(first.identifier())).isPresent();
        // Alice's own oldest makes way for her newest; once contexts expire, there is room again.
        small.issue(ALICE, new byte[32], SecureConversation.Version.V1_3);
        assertThat(small.find(first.identifier())).isEmpty();
        clock.advance(Duration.ofHours(2));
        assertThat(small.issue(bob, new byte[32], SecureConversation.Version.V1_3)).isNotNull();
        assertThat(small.size()).isEqualTo(1);
    }

    @Test
    void aRequestThatSaysOneThingTwiceIsRefused() throws Exception {
        String twice = issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY).replace("<wst:KeySize>",
                "<wst:RequestType>" + SecureConversation.Version.V1_3.trustNamespace() + "/Cancel</wst:RequestType><wst:KeySize>");
        byte[] message = askedAsAlice(twice);

        assertThat(readingRefused(message).reason())
                .isEqualTo(SecureConversation.REQUEST_INVALID);
    }

    @Test
    void onlyACancellationNeedNotBeEncrypted() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        byte[] plainTransfer = SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(SecureConversation.Version.V1_3, issued, false, false).bytes();
        assertThat(readingRefused(plainTransfer).reason())
                .isEqualTo(Wss4jMessageVerifier.POLICY_NOT_MET);

        // Metro and WCF sign a cancellation with the context and do not encrypt it: it names the context, nothing else.
        byte[] plainCancel = SecuredMessages.of(cancelRequest(SecureConversation.Version.V1_3, issued.identifier())).timestamp()
                .inContext(SecureConversation.Version.V1_3, issued, false, false).bytes();
        adapter.answer(authenticated(adapter.normalize(post(plainCancel), CONTEXT)), List.of());
        assertThat(contexts.find(issued.identifier())).isEmpty();
    }

    @Test
    void aMessageInAContextCarriesNoPasswordBesideIt() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        byte[] both = SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .usernameToken("mallory", "mallory-password", WSConstants.PASSWORD_TEXT)
                .inContext(SecureConversation.Version.V1_3, issued, false, true).bytes();

        assertThat(readingRefused(both).reason())
                .isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
    }

    @Test
    void aCallerCancelsOnlyTheContextItSignsWith() throws Exception {
        Issued mine = establish(SecureConversation.Version.V1_3, true);
        Issued other = establish(SecureConversation.Version.V1_3, true);

        byte[] cancel = inContext(SecureConversation.Version.V1_3, mine, cancelRequest(SecureConversation.Version.V1_3, other.identifier()));
        ApiRequest request = adapter.normalize(post(cancel), CONTEXT);

        assertThat(answerRefused(authenticated(request)).reason())
                .isEqualTo(SecureConversation.REQUEST_INVALID);
        assertThat(contexts.find(other.identifier())).isPresent();
    }

    @Test
    void aCallersOldestContextMakesWayPastItsBound() throws Exception {
        Issued first = establish(SecureConversation.Version.V1_3, true);
        establish(SecureConversation.Version.V1_3, true);
        establish(SecureConversation.Version.V1_3, true);

        assertThat(contexts.find(first.identifier())).isEmpty();
        assertThat(contexts.size()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(SecureConversation.Version.class)
    void aContextIsRenewedWithTheCallersOwnCredentialsEndorsedByTheContext(SecureConversation.Version version) throws Exception {
        Issued issued = establish(version, true);

        Issued renewed = renew(version, issued, CLIENT_ENTROPY);

        // The same context, a new instance and key, a full lifetime from now.
        assertThat(renewed.identifier()).isEqualTo(issued.identifier());
        assertThat(renewed.instance()).startsWith("urn:uuid:");
        assertThat(renewed.key()).hasSize(32).isNotEqualTo(issued.key());
        assertThat(contexts.find(issued.identifier())).get().extracting(SecurityContexts.Context::expires)
                .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        ApiRequest call = adapter.normalize(post(inContext(version, renewed, Wss4jMessageVerifierTest.TRANSFER)), CONTEXT);
        assertThat(call.attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("security-context");
        // Answered with the renewed key, named by identifier and instance: WCF resolves a reference by both.
        byte[] answer = answerTo(call);
        assertThat(readWithContextKey(answer, renewed)).contains("<b:id>t-1</b:id>");
        assertThat(instancesNamedBy(answer, renewed, version)).containsOnly(renewed.instance());
        // A token naming the renewed instance with the old key fails its signature.
        byte[] oldKeyAsRenewed = inContext(version, new Issued(issued.identifier(), renewed.instance(), issued.key(), null),
                Wss4jMessageVerifierTest.TRANSFER);
        assertThat(readingRefused(oldKeyAsRenewed).reason()).isEqualTo(Wss4jMessageVerifier.FAILED_CHECK);
    }

    @Test
    void aRenewedContextsOldKeyCarriesCallsOnUntilItRollsOverButNeitherRenewsNorCancels() throws Exception {
        SecureConversation.Version version = SecureConversation.Version.V1_3;
        Issued issued = establish(version, true);
        byte[] sentBeforeTheRenewal = inContext(version, issued, Wss4jMessageVerifierTest.TRANSFER);
        Principal promoted = Principal.builder("alice", AuthMethod.WS_SECURITY).roles(Set.of("teller")).build();
        Issued renewed = renew(version, issued, CLIENT_ENTROPY, promoted);
        clock.advance(SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER.minusSeconds(1));

        // Its token names the context as first issued (no instance): the old key, while it rolls over, standing
        // for alice as she was then: the renewal lends the old key none of the roles proved since.
        ApiRequest late = adapter.normalize(post(sentBeforeTheRenewal), CONTEXT);
        assertThat(late.attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("security-context");
        assertThat(((Authentication) late.attribute(AuthenticationChain.MESSAGE_CREDENTIAL)).principal()).isEqualTo(ALICE);
        ApiRequest current = adapter.normalize(post(inContext(version, renewed, Wss4jMessageVerifierTest.TRANSFER)), CONTEXT);
        assertThat(((Authentication) current.attribute(AuthenticationChain.MESSAGE_CREDENTIAL)).principal()).isEqualTo(promoted);
        // Answered with the key it was made with, which the caller still knows, named as it knows it.
        byte[] answer = answerTo(late);
        assertThat(readWithContextKey(answer, issued)).contains("<b:id>t-1</b:id>");
        assertThat(instancesNamedBy(answer, issued, version)).containsOnly("");
        // Renewing or cancelling is for the renewed key alone, and the fault is WS-SecureConversation's.
        byte[] renewalWithOldKey = renewal(version, issued, CLIENT_ENTROPY);
        RequestRejectedException renewalRefused = readingRefused(renewalWithOldKey);
        assertThat(renewalRefused.reason()).isEqualTo(Wss4jMessageVerifier.CONTEXT_RENEWED);
        assertThat(new String(adapter.refusal("r-1", post(renewalWithOldKey), 401, List.of(renewalRefused.reason()), "").body(),
                StandardCharsets.UTF_8)).contains("wsc:BadContextToken");
        byte[] cancelWithOldKey = SecuredMessages.of(cancelRequest(version, issued.identifier())).timestamp()
                .inContext(version, issued, false, false).bytes();
        assertThat(readingRefused(cancelWithOldKey).reason()).isEqualTo(Wss4jMessageVerifier.CONTEXT_RENEWED);
        // An instance the context never had names no key.
        Issued unknownInstance = new Issued(issued.identifier(), "urn:uuid:00000000-0000-0000-0000-000000000001", renewed.key(), null);
        assertThat(readingRefused(inContext(version, unknownInstance, Wss4jMessageVerifierTest.TRANSFER)).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);

        clock.advance(Duration.ofSeconds(1));
        assertThat(readingRefused(inContext(version, issued, Wss4jMessageVerifierTest.TRANSFER)).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
        adapter.normalize(post(inContext(version, renewed, Wss4jMessageVerifierTest.TRANSFER)), CONTEXT);

        // A second renewal rolls the first renewal's key over, and the first key is gone.
        Issued again = renew(version, renewed, CLIENT_ENTROPY);
        adapter.normalize(post(inContext(version, renewed, Wss4jMessageVerifierTest.TRANSFER)), CONTEXT);
        adapter.normalize(post(inContext(version, again, Wss4jMessageVerifierTest.TRANSFER)), CONTEXT);
        assertThat(readingRefused(inContext(version, issued, Wss4jMessageVerifierTest.TRANSFER)).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
    }

    @Test
    void aRenewalOvertakenByAnotherIsRefusedWithWsSecureConversationsFault() throws Exception {
        SecureConversation.Version version = SecureConversation.Version.V2005_02;
        Issued issued = establish(version, true);
        ApiRequest first = adapter.normalize(post(renewal(version, issued, CLIENT_ENTROPY)), CONTEXT);
        ApiRequest second = adapter.normalize(post(renewal(version, issued, CLIENT_ENTROPY)), CONTEXT);
        adapter.answer(authenticated(first), List.of());

        RequestRejectedException refused = answerRefused(authenticated(second));

        assertThat(refused.reason()).isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
        String fault = new String(adapter.refusal(second, refused.status(), List.of(refused.reason()), refused.getMessage()).body(),
                StandardCharsets.UTF_8);
        assertThat(fault).contains("<faultcode>wsc:BadContextToken</faultcode>", "xmlns:wsc=\"" + version.conversationNamespace() + "\"");
    }

    @Test
    void aMessageMadeWithTwoInstancesOfAContextIsRefused() throws Exception {
        SecureConversation.Version version = SecureConversation.Version.V1_3;
        Issued issued = establish(version, true);
        Issued renewed = renew(version, issued, CLIENT_ENTROPY);
        // Derived keys that refer to the context by its identifier (its key now), then the token naming the old instance.
        SoapEnvelope message = new SoapEnvelopeReader().read(SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(version, new Issued(issued.identifier(), null, renewed.key(), null), true, true).bytes());
        Element token = (Element) message.header().getElementsByTagNameNS(version.conversationNamespace(), "SecurityContextToken").item(0);
        token.getParentNode().appendChild(token);

        RequestRejectedException refused = readingRefused(message.serialize());

        assertThat(refused.reason()).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
        assertThat(refused.getMessage()).contains("one key");
    }

    @Test
    void aReferenceFromOutsideNamesTheInstanceItsKeyIsOf() throws Exception {
        SecureConversation.Version version = SecureConversation.Version.V2005_02;
        Issued issued = establish(version, true);
        Issued first = renew(version, issued, CLIENT_ENTROPY);
        Issued second = renew(version, first, CLIENT_ENTROPY);

        // Made with the first renewal's key while it rolls over, the token left out, the references naming its instance.
        ApiRequest call = adapter.normalize(post(referredFromOutside(version, first, first.instance())), CONTEXT);
        assertThat(call.attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("security-context");
        assertThat(instancesNamedBy(answerTo(call), first, version)).containsOnly(first.instance());

        // A reference naming no instance means the context's key now; one naming an instance it never had, none.
        assertThat(readingRefused(referredFromOutside(version, first, null)).reason()).isEqualTo(Wss4jMessageVerifier.FAILED_CHECK);
        assertThat(readingRefused(referredFromOutside(version, second, "urn:uuid:00000000-0000-0000-0000-000000000002")).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
        adapter.normalize(post(referredFromOutside(version, second, second.instance())), CONTEXT);
    }

    /** A call in {@code context} that carries no token and refers to it by identifier, naming {@code instance} (null: none). */
    private static byte[] referredFromOutside(SecureConversation.Version version, Issued context, String instance) throws Exception {
        SoapEnvelope message = new SoapEnvelopeReader().read(SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(version, context, true, true).bytes());
        Element token = (Element) message.header().getElementsByTagNameNS(version.conversationNamespace(), "SecurityContextToken").item(0);
        token.getParentNode().removeChild(token);
        org.w3c.dom.NodeList references = message.header().getElementsByTagNameNS(WSConstants.WSSE_NS, "Reference");
        for (int i = 0; i < references.getLength() && instance != null; i++) {
            Element reference = (Element) references.item(i);
            if (context.identifier().equals(reference.getAttribute("URI"))) {
                reference.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsc", version.conversationNamespace());
                reference.setAttributeNS(version.conversationNamespace(), "wsc:Instance", instance);
            }
        }
        return message.serialize();
    }

    @Test
    void aMessageMadeWithTwoContextsIsRefused() throws Exception {
        SecureConversation.Version version = SecureConversation.Version.V1_3;
        Issued ours = establish(version, true);
        Issued another = establish(version, true);
        // Signed in one context, and again with keys derived from another that it refers to by identifier.
        SoapEnvelope message = new SoapEnvelopeReader().read(SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(version, ours, false, false).inContext(version, another, true, false).bytes());
        Element anothersToken = (Element) message.header().getElementsByTagNameNS(version.conversationNamespace(), "SecurityContextToken")
                .item(0);
        anothersToken.getParentNode().removeChild(anothersToken);

        RequestRejectedException refused = readingRefused(message.serialize());

        assertThat(refused.reason()).isEqualTo(Wss4jMessageVerifier.INVALID_SECURITY);
        assertThat(refused.getMessage()).contains("one security context");
    }

    @Test
    void aRouteThatTakesNoContextsRefusesAMessageMadeWithOne() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        Wss4jMessageVerifier verifier = SoapAdapterSecurityTest.verifier(gatewayKeys);
        SoapEnvelope message = new SoapEnvelopeReader().read(inContext(SecureConversation.Version.V1_3, issued, Wss4jMessageVerifierTest.TRANSFER));

        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class,
                () -> verifier.verify(message, "127.0.0.1"));

        // Refused as WS-Security refuses it (its HMAC signatures are outside a certificates-only route's suite),
        // not as a header that could not be processed.
        assertThat(refused.reason()).isEqualTo(Wss4jMessageVerifier.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void aPasswordOverAKeyEncryptedToTheGatewayEstablishesAndRenewsAContextAsWcfsUserNameForCertificateDoes() throws Exception {
        SecureConversation.Version version = SecureConversation.Version.V2005_02;
        Issued issued = askWithPassword(issueRequest(version, CLIENT_ENTROPY), version, null);

        Issued renewed = askWithPassword(renewRequest(version, issued.identifier(), CLIENT_ENTROPY), version, issued);

        assertThat(renewed.identifier()).isEqualTo(issued.identifier());
        assertThat(renewed.instance()).isNotNull();
        assertThat(renewed.key()).isNotEqualTo(issued.key());
        ApiRequest call = adapter.normalize(post(SecuredMessages.of(Wss4jMessageVerifierTest.TRANSFER).timestamp()
                .inContext(version, renewed, true, true).bytes()), CONTEXT);
        assertThat(call.attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("security-context");
    }

    @Test
    void aRenewalMayLeaveTheTokenTypeOutAsCxfDoes() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        String withoutTokenType = renewRequest(SecureConversation.Version.V1_3, issued.identifier(), null)
                .replaceAll("<wst:TokenType>[^<]*</wst:TokenType>", "");
        byte[] message = SecuredMessages.of(withoutTokenType).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM)
                .endorsedWithContext(SecureConversation.Version.V1_3, issued).bytes();

        adapter.answer(authenticated(adapter.normalize(post(message), CONTEXT)), List.of());

        assertThat(contexts.find(issued.identifier())).get().extracting(SecurityContexts.Context::instance).isNotNull();
    }

    @Test
    void anExpiredContextIsHeldForItsRenewalAloneUntilItsWindowCloses() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        clock.advance(Duration.ofMinutes(90));

        byte[] late = inContext(SecureConversation.Version.V1_3, issued, Wss4jMessageVerifierTest.TRANSFER);
        assertThat(readingRefused(late).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
        // A renewal signed with the expired context alone would put its old identity before the rules.
        byte[] renewalInTheContext = inContext(SecureConversation.Version.V1_3, issued, renewRequest(SecureConversation.Version.V1_3, issued.identifier(), null));
        assertThat(readingRefused(renewalInTheContext)
                .reason()).isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);

        // Metro renews only now, once the context has expired.
        Issued renewed = renew(SecureConversation.Version.V1_3, issued, null);
        adapter.normalize(post(inContext(SecureConversation.Version.V1_3, renewed, Wss4jMessageVerifierTest.TRANSFER)), CONTEXT);
        // An expired key does not roll over: a renewal never lengthens its life.
        assertThat(readingRefused(inContext(SecureConversation.Version.V1_3, issued, Wss4jMessageVerifierTest.TRANSFER)).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);

        // A lifetime and a renewal window later, the context is gone.
        clock.advance(Duration.ofHours(2));
        byte[] tooLate = renewal(SecureConversation.Version.V1_3, renewed, null);
        assertThat(readingRefused(tooLate).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
        assertThat(contexts.size()).isZero();
    }

    @Test
    void anExpiredContextCanBeCancelledAndThenIsRenewedNoMore() throws Exception {
        Issued issued = establish(SecureConversation.Version.V2005_02, true);
        clock.advance(Duration.ofMinutes(90));

        byte[] cancel = SecuredMessages.of(cancelRequest(SecureConversation.Version.V2005_02, issued.identifier())).timestamp()
                .inContext(SecureConversation.Version.V2005_02, issued, false, false).bytes();
        adapter.answer(authenticated(adapter.normalize(post(cancel), CONTEXT)), List.of());

        assertThat(contexts.size()).isZero();
        byte[] renewal = renewal(SecureConversation.Version.V2005_02, issued, CLIENT_ENTROPY);
        assertThat(readingRefused(renewal).reason())
                .isEqualTo(Wss4jMessageVerifier.CONTEXT_UNKNOWN);
    }

    @Test
    void theStoreRenewsAContextOnlyAsItWasProved() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        SecurityContexts.Context proved = contexts.find(issued.identifier()).orElseThrow();
        // Two renewals proved with the same key (a client renewing on two threads): the second finds it renewed.
        assertThat(contexts.renew(proved, ALICE, new byte[32])).isPresent();

        assertThat(contexts.renew(proved, ALICE, new byte[32])).isEmpty();
    }

    @Test
    void withoutKeyRolloverARenewalKeepsNoOldKey() throws Exception {
        InMemorySecurityContexts noRollover = new InMemorySecurityContexts(
                new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 10, 2, Duration.ZERO), clock);
        SecurityContexts.Context issued = noRollover.issue(ALICE, new byte[32], SecureConversation.Version.V1_3);

        SecurityContexts.Context renewed = noRollover.renew(issued, ALICE, new byte[32]).orElseThrow();

        assertThat(renewed.rolledOver()).isNull();
        assertThat(renewed.keyOf(null, clock.instant())).isNull();
    }

    @Test
    void aRefusedMessagesWsSecureConversationVersionIsTheFirstItNamesNearItsStart() {
        String v13 = SecureConversation.Version.V1_3.conversationNamespace();
        String feb2005 = SecureConversation.Version.V2005_02.conversationNamespace();
        assertThat(SecureConversation.Version.namedIn(("<e xmlns:a=\"" + v13 + "\" xmlns:b=\"" + feb2005 + "\"/>")
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(SecureConversation.Version.V1_3);
        assertThat(SecureConversation.Version.namedIn(("<e xmlns:b=\"" + feb2005 + "\" xmlns:a=\"" + v13 + "\"/>")
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(SecureConversation.Version.V2005_02);
        assertThat(SecureConversation.Version.namedIn("<e/>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(SecureConversation.Version.namedIn(("<e>" + " ".repeat(64 * 1024) + "<a xmlns=\"" + v13 + "\"/></e>")
                .getBytes(StandardCharsets.UTF_8))).as("searched no further than 64 KiB").isNull();
    }

    @Test
    void theSameSubjectInTwoTenantsIsTwoCallers() throws Exception {
        InMemorySecurityContexts onePerCaller = new InMemorySecurityContexts(
                new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 10, 1, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER), clock);
        SecurityContexts.Context ours = onePerCaller.issue(ALICE, new byte[32], SecureConversation.Version.V1_3);

        onePerCaller.issue(Principal.builder("alice", AuthMethod.WS_SECURITY).tenant("other-bank").build(), new byte[32],
                SecureConversation.Version.V1_3);

        assertThat(onePerCaller.find(ours.identifier())).isPresent();
        assertThat(onePerCaller.size()).isEqualTo(2);
    }

    @Test
    void aFullGatewayLetsTheContextThatExpiredFirstMakeWay() throws Exception {
        InMemorySecurityContexts small = new InMemorySecurityContexts(
                new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 2, 2, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER), clock);
        SecurityContexts.Context expiring = small.issue(ALICE, new byte[32], SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMinutes(30));
        SecurityContexts.Context later = small.issue(Principal.builder("carol", AuthMethod.WS_SECURITY).build(), new byte[32],
                SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMinutes(45));

        small.issue(Principal.builder("bob", AuthMethod.WS_SECURITY).build(), new byte[32], SecureConversation.Version.V1_3);

        assertThat(small.find(expiring.identifier())).isEmpty();
        assertThat(small.find(later.identifier())).isPresent();
    }

    @Test
    void aRenewalProvesBothTheCallersCredentialsAndTheContext() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        Issued other = establish(SecureConversation.Version.V1_3, true);
        String request = renewRequest(SecureConversation.Version.V1_3, issued.identifier(), CLIENT_ENTROPY);

        // Signed with the context alone: the caller's own credentials are not proved again.
        byte[] contextOnly = inContext(SecureConversation.Version.V1_3, issued, request);
        // Alice's credentials alone: nothing shows she holds the context.
        byte[] credentialsOnly = askedAsAlice(request);
        // Endorsed by another context than the one it names.
        byte[] otherContext = SecuredMessages.of(request).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM)
                .endorsedWithContext(SecureConversation.Version.V1_3, other).bytes();
        // The context signs the Timestamp, not the signature Alice's credentials make: nothing binds the two.
        byte[] besideIt = SecuredMessages.of(request).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM)
                .timestampSignedWithContext(SecureConversation.Version.V1_3, issued).bytes();
        String notProved = "to a caller the message itself authenticates";
        String notHeld = "only by the caller it was issued to, in a message also signed with it";
        // In a fixed order, so a failure is the same one on the next run.
        List<Map.Entry<byte[], String>> refusals = List.of(Map.entry(contextOnly, notProved), Map.entry(credentialsOnly, notHeld),
                Map.entry(otherContext, notHeld), Map.entry(besideIt, notHeld));
        for (Map.Entry<byte[], String> refused : refusals) {
            ApiRequest renewing = adapter.normalize(post(refused.getKey()), CONTEXT);
            assertThat(renewing.operation()).isEqualTo(SoapAdapter.RENEW_CONTEXT_OPERATION);
            RequestRejectedException refusal = answerRefused(authenticated(renewing));
            assertThat(refusal.reason()).isEqualTo(SecureConversation.REQUEST_INVALID);
            assertThat(refusal.getMessage()).contains(refused.getValue());
        }
        // Proved by someone other than the caller it was issued to.
        ApiRequest byBob = adapter.normalize(post(renewal(SecureConversation.Version.V1_3, issued, CLIENT_ENTROPY)), CONTEXT);
        Principal bob = Principal.builder("bob", AuthMethod.WS_SECURITY).roles(Set.of("customer")).build();
        assertThat(answerRefused(byBob.toBuilder().principal(bob).build()).reason()).isEqualTo(SecureConversation.REQUEST_INVALID);
        // An alice of another tenant is another caller.
        ApiRequest byOtherAlice = adapter.normalize(post(renewal(SecureConversation.Version.V1_3, issued, CLIENT_ENTROPY)), CONTEXT);
        Principal otherAlice = Principal.builder("alice", AuthMethod.WS_SECURITY).tenant("other-bank").roles(Set.of("customer")).build();
        assertThat(answerRefused(byOtherAlice.toBuilder().principal(otherAlice).build()).reason())
                .isEqualTo(SecureConversation.REQUEST_INVALID);
        assertThat(contexts.find(issued.identifier())).get().extracting(SecurityContexts.Context::instance).isNull();
    }

    @Test
    void aRenewedContextStandsForTheCallerAsProvedAtTheRenewal() throws Exception {
        Issued issued = establish(SecureConversation.Version.V1_3, true);
        Principal demoted = Principal.builder("alice", AuthMethod.WS_SECURITY).roles(Set.of("former-customer")).build();

        ApiRequest renewing = adapter.normalize(post(renewal(SecureConversation.Version.V1_3, issued, CLIENT_ENTROPY)), CONTEXT);
        adapter.answer(renewing.toBuilder().principal(demoted.alsoProvedBy(AuthMethod.MTLS)).build(), List.of());

        SecurityContexts.Context renewed = contexts.find(issued.identifier()).orElseThrow();
        assertThat(renewed.principal().roles()).containsExactly("former-customer");
        assertThat(renewed.principal().methods()).containsExactly(AuthMethod.WS_SECURITY);
    }

    @Test
    void requestsForOtherTokensOrTargetsOutOfPlaceAreRefusedBeforeTheRules() throws Exception {
        String otherToken = issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY)
                .replace("ws-secureconversation/200512/sct", "ws-secureconversation/200512/other");
        String renewTargetInAnIssue = issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY)
                .replace("<wst:KeySize>", "<wst:RenewTarget><wsc:SecurityContextToken xmlns:wsc=\""
                        + SecureConversation.Version.V1_3.conversationNamespace() + "\"><wsc:Identifier>urn:uuid:x"
                        + "</wsc:Identifier></wsc:SecurityContextToken></wst:RenewTarget><wst:KeySize>");
        String renewalOfNothing = renewRequest(SecureConversation.Version.V1_3, "urn:uuid:x", null)
                .replaceAll("<wst:RenewTarget>.*</wst:RenewTarget>", "");
        String hugeKey = issueRequest(SecureConversation.Version.V1_3, CLIENT_ENTROPY).replace(">256<", ">100000<");
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        for (String request : List.of(otherToken, renewTargetInAnIssue, renewalOfNothing, hugeKey)) {
            byte[] message = askedAsAlice(request);
            RequestRejectedException refused = readingRefused(message);
            assertThat(refused.reason()).isEqualTo(SecureConversation.REQUEST_INVALID);
            assertThat(refused.getMessage()).doesNotContain("100000");
            refusals.put(request, refused.getMessage());
        }
        assertThat(refusals.get(renewTargetInAnIssue)).contains("names a context for another request");
        assertThat(refusals.get(renewalOfNothing)).contains("names no context to renew");
    }

    private static org.w3c.dom.Element firstElement(org.w3c.dom.Element parent) {
        for (org.w3c.dom.Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof org.w3c.dom.Element element) {
                return element;
            }
        }
        throw new AssertionError("no element in " + parent.getLocalName());
    }

    /** Asks for a context as alice (signed with her certificate, encrypted to the gateway) and reads the answer as she would. */
    private Issued establish(SecureConversation.Version version, boolean withEntropy) throws Exception {
        byte[] message = askedAsAlice(issueRequest(version, withEntropy ? CLIENT_ENTROPY : null));
        ApiRequest request = adapter.normalize(post(message), CONTEXT);
        assertThat(request.operation()).isEqualTo(SoapAdapter.ESTABLISH_CONTEXT_OPERATION);
        // The gateway's own request: its entropy and AppliesTo are nothing for detectors to read as service data.
        assertThat(request.body()).isEmpty();

        HttpResponseMessage answer = adapter.answer(authenticated(request), List.of());

        assertThat(answer.status()).isEqualTo(200);
        String sent = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(sent).doesNotContain("RequestSecurityTokenResponse").doesNotContain("BinarySecret");
        // Alice verifies the gateway's signature and decrypts, as she would any answer.
        SoapEnvelope received = new SoapEnvelopeReader().read(answer.body());
        WsSecurityResult security = SoapAdapterSecurityTest.verifier(clients).verify(received, "127.0.0.1");
        assertThat(security.signer().getSubjectX500Principal().getName()).contains("CN=gateway");
        assertThat(security.encryptedParts()).contains("Body");
        Issued issued = SecureConversationClient.read(received.operationElement(), version,
                withEntropy ? CLIENT_ENTROPY : null);
        assertThat(issued.context()).isEqualTo("uuid-&-1");
        assertThat(issued.key()).hasSize(32);
        return issued;
    }

    /** The gateway's answer to {@code call}, made in a context, secured for the caller. */
    private byte[] answerTo(ApiRequest call) throws Exception {
        return adapter.fulfil(call, new HttpResponseMessage(200, Map.of("content-type", List.of("text/xml")),
                Wss4jMessageVerifierTest.ANSWER.getBytes(StandardCharsets.UTF_8)), List.of()).body();
    }

    /** The instances (empty: none) named by each reference to {@code context} in {@code answer}'s security header. */
    private static List<String> instancesNamedBy(byte[] answer, Issued context, SecureConversation.Version version) throws Exception {
        org.w3c.dom.NodeList references = new SoapEnvelopeReader().read(answer).header()
                .getElementsByTagNameNS(WSConstants.WSSE_NS, "Reference");
        List<String> instances = new java.util.ArrayList<>();
        for (int i = 0; i < references.getLength(); i++) {
            org.w3c.dom.Element reference = (org.w3c.dom.Element) references.item(i);
            if (context.identifier().equals(reference.getAttribute("URI"))) {
                instances.add(reference.getAttributeNS(version.conversationNamespace(), "Instance"));
            }
        }
        assertThat(instances).as("references to the context").isNotEmpty();
        return instances;
    }

    /** Renews {@code issued} as alice and reads the answer as she would (the gateway's certificate, her entropy). */
    private Issued renew(SecureConversation.Version version, Issued issued, byte[] clientEntropy) throws Exception {
        return renew(version, issued, clientEntropy, ALICE);
    }

    /** As {@link #renew(SecureConversation.Version, Issued, byte[])}, alice authenticated as {@code proved}. */
    private Issued renew(SecureConversation.Version version, Issued issued, byte[] clientEntropy, Principal proved) throws Exception {
        ApiRequest request = adapter.normalize(post(renewal(version, issued, clientEntropy)), CONTEXT);
        assertThat(request.operation()).isEqualTo(SoapAdapter.RENEW_CONTEXT_OPERATION);

        HttpResponseMessage answer = adapter.answer(request.toBuilder().principal(proved).build(), List.of());

        assertThat(answer.headers().get("content-type")).isNotNull();
        SoapEnvelope received = new SoapEnvelopeReader().read(answer.body());
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains(version.trustNamespace() + "/RSTR/SCT/Renew")
                .doesNotContain("BinarySecret");
        SoapAdapterSecurityTest.verifier(clients).verify(received, "127.0.0.1");
        Issued renewed = SecureConversationClient.read(received.operationElement(), version, clientEntropy);
        assertThat(renewed.context()).isEqualTo("renewal-1");
        // The reference from outside names the instance too, as WCF takes it for the token's.
        org.w3c.dom.Element unattached = (org.w3c.dom.Element) received.operationElement()
                .getElementsByTagNameNS(version.trustNamespace(), "RequestedUnattachedReference").item(0);
        org.w3c.dom.Element reference = (org.w3c.dom.Element) unattached.getElementsByTagNameNS(WSConstants.WSSE_NS, "Reference").item(0);
        assertThat(reference.getAttribute("URI")).isEqualTo(renewed.identifier());
        assertThat(reference.getAttributeNS(version.conversationNamespace(), "Instance")).isEqualTo(renewed.instance());
        return renewed;
    }

    /**
     * {@code request} as WCF's UserNameForCertificate sends it (Alice's password, signed and the Body
     * encrypted with keys derived from a key encrypted to the gateway), endorsed with {@code context}
     * when it is not null; the answer read with that key, as WCF would.
     */
    private Issued askWithPassword(String request, SecureConversation.Version version, Issued context) throws Exception {
        SecuredMessages message = SecuredMessages.of(request).timestamp().usernameToken("alice", "alice-password",
                WSConstants.PASSWORD_TEXT);
        byte[] key = message.symmetric(clients, "gateway", true);
        if (context != null) {
            message.endorsedWithContext(version, context);
        }
        ApiRequest asked = adapter.normalize(post(message.bytes()), CONTEXT);
        assertThat(asked.attribute(WsSecurityResult.SIGNED_WITH)).isEqualTo("encrypted-key");

        HttpResponseMessage answer = adapter.answer(authenticated(asked), List.of());

        String keyReference = ((WsSecurityResult.RequestKey) asked.attribute(WsSecurityResult.REQUEST_KEY)).reference();
        String read = SecuredMessages.readWithKey(answer.body(), keyReference, key).text();
        return SecureConversationClient.read(new SoapEnvelopeReader().read(read.getBytes(StandardCharsets.UTF_8)).operationElement(),
                version, CLIENT_ENTROPY);
    }

    /** A renewal of {@code issued} as WCF and Metro send it: Alice's signature and encryption, endorsed with the context. */
    private static byte[] renewal(SecureConversation.Version version, Issued issued, byte[] clientEntropy) throws Exception {
        return SecuredMessages.of(renewRequest(version, issued.identifier(), clientEntropy)).timestamp()
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).encryptBody(clients, "gateway", WSConstants.AES_256_GCM)
                .endorsedWithContext(version, issued).bytes();
    }

    /** {@code request} as Alice sends it: signed with her certificate, encrypted to the gateway. */
    private static byte[] askedAsAlice(String request) throws Exception {
        return SecuredMessages.of(request).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();
    }

    private static ApiRequest authenticated(ApiRequest request) {
        return request.toBuilder().principal(ALICE).build();
    }

    /** What the adapter refuses reading {@code message} with (the test fails if it reads it). */
    private RequestRejectedException readingRefused(byte[] message) {
        return catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalize(post(message), CONTEXT));
    }

    /** What the adapter refuses answering {@code request} with (the test fails if it answers it). */
    private RequestRejectedException answerRefused(ApiRequest request) {
        return catchThrowableOfType(RequestRejectedException.class, () -> adapter.answer(request, List.of()));
    }

    static HttpRequestMessage post(byte[] body) {
        return new HttpRequestMessage("POST", "/soap/bank", "", Map.of("content-type", List.of("text/xml")), body);
    }
}
