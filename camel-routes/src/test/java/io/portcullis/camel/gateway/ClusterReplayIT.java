package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.Eventually;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.engine.cluster.RedisServer;
import io.portcullis.soap.SecureConversation;
import io.portcullis.soap.SecureConversationClient;
import io.portcullis.soap.SecuredMessages;
import io.portcullis.soap.SoapAdapter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.wss4j.dom.WSConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes sharing a real Redis (cluster.redis): a signed SOAP message accepted by one is
 * a replay on the other; a WS-SecureConversation context one issued is in force on the other until
 * cancelled, and once expired is renewed on either; with Redis gone, messages are refused (fail
 * closed) until it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReplayIT {

    static final String TRANSFER = SoapGatewayIT.TRANSFER;

    @TempDir
    static Path nodeA;
    @TempDir
    static Path nodeB;
    static TwoNodeCluster cluster;
    static RedisServer redis;
    static RunningGateway first;
    static RunningGateway second;
    static DemoSoapClients demo;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start(nodeA, nodeB, "");
        redis = cluster.redis();
        first = cluster.first();
        second = cluster.second();
        demo = new DemoSoapClients();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    @Order(1)
    void aMessageAcceptedByOneNodeIsAReplayOnTheOther() throws Exception {
        byte[] message = signedTransfer();

        assertThat(post(first, message).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = post(second, message);
        assertThat(replay.statusCode()).isEqualTo(500);
        assertThat(second.eventOf(replay).reasons()).containsExactly("WSS_REPLAYED");
    }

    @Test
    @Order(2)
    void aSecurityContextIssuedByOneNodeIsInForceOnTheOtherUntilCancelledThere() throws Exception {
        SecureConversationClient.Issued context = demo.establishContextAsAlice(message -> post(first, message).body());

        HttpResponse<String> transfer = post(second, inContext(context, TRANSFER));
        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(200);
        assertThat(SecureConversationClient.readWithContextKey(transfer.body().getBytes(StandardCharsets.UTF_8), context))
                .contains("TransferResponse");
        assertThat(second.eventOf(transfer).principal().subject()).isEqualTo("alice");

        HttpResponse<String> cancelled = post(second, inContext(context,
                SecureConversationClient.cancelRequest(SecureConversation.Version.V1_3, context.identifier())));
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        HttpResponse<String> after = post(first, inContext(context, TRANSFER));
        assertThat(after.statusCode()).isEqualTo(500);
        assertThat(first.eventOf(after).reasons()).containsExactly("WSS_CONTEXT_UNKNOWN");
    }

    @Test
    @Order(3)
    void anExpiredContextIsRenewedOnTheOtherNodeAndCallsGoOnInTheRenewedOne() throws Exception {
        SecureConversationClient.Issued issued = demo.establishContextAsAlice(message -> post(first, message).body());
        // An hour and a half on: the context has expired, and is held for its renewal alone.
        cluster.clock().shift(Duration.ofMinutes(90));
        try {
            HttpResponse<String> late = post(second, inContext(issued, TRANSFER));
            assertThat(second.eventOf(late).reasons()).containsExactly("WSS_CONTEXT_UNKNOWN");
            // WS-SecureConversation's fault, in the message's version: WCF faults its session channel on it.
            assertThat(late.statusCode()).isEqualTo(500);
            assertThat(late.body()).contains("<faultcode>wsc:BadContextToken</faultcode>",
                    "xmlns:wsc=\"" + SecureConversation.Version.V1_3.conversationNamespace() + "\"");

            SecureConversationClient.Issued renewed = demo.renewContextAsAlice(issued, message -> post(second, message).body());

            assertThat(renewed.identifier()).isEqualTo(issued.identifier());
            assertThat(renewed.instance()).isNotNull();
            DecisionEvent renewal = second.lastEvent(SoapAdapter.RENEW_CONTEXT_OPERATION);
            assertThat(renewal.effect()).isEqualTo("PERMIT");
            assertThat(renewal.stage()).isEqualTo("ANSWER");
            assertThat(renewal.principal().subject()).isEqualTo("alice");
            HttpResponse<String> transfer = post(first, inContext(renewed, TRANSFER));
            assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(200);
            assertThat(SecureConversationClient.readWithContextKey(transfer.body().getBytes(StandardCharsets.UTF_8), renewed))
                    .contains("TransferResponse");
            // The old key had expired before the renewal: it does not roll over.
            HttpResponse<String> oldKey = post(first, inContext(issued, TRANSFER));
            assertThat(first.eventOf(oldKey).reasons()).containsExactly("WSS_CONTEXT_UNKNOWN");
        } finally {
            cluster.clock().shift(Duration.ZERO);
        }
    }

    @Test
    @Order(4)
    void aCallMadeWithTheKeyAContextHadBeforeItsRenewalOnTheOtherNodeIsTakenWhileItRollsOver() throws Exception {
        SecureConversationClient.Issued issued = demo.establishContextAsAlice(message -> post(first, message).body());
        byte[] sentBeforeTheRenewal = inContext(issued, TRANSFER);

        SecureConversationClient.Issued renewed = demo.renewContextAsAlice(issued, message -> post(second, message).body());

        HttpResponse<String> late = post(first, sentBeforeTheRenewal);
        assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
        // Answered with the key the call was made with, which the caller still holds.
        assertThat(SecureConversationClient.readWithContextKey(late.body().getBytes(StandardCharsets.UTF_8), issued))
                .contains("TransferResponse");
        // The old key renews nothing: that is the renewed key's alone.
        HttpResponse<String> renewalWithOldKey = post(first, demo.renewalAsAlice(issued));
        assertThat(first.eventOf(renewalWithOldKey).reasons()).containsExactly("WSS_CONTEXT_RENEWED");
        assertThat(post(second, inContext(renewed, TRANSFER)).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void withoutRedisMessagesAreRefusedUntilItIsBack() throws Exception {
        redis.stop();

        HttpResponse<String> refused = post(first, signedTransfer());
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).contains("soap:Server");
        DecisionEvent event = first.eventOf(refused);
        assertThat(event.reasons()).containsExactly("WSS_REPLAY_CHECK_UNAVAILABLE");
        assertThat(event.status()).isEqualTo(503);
        // Whatever context a message names, it cannot be looked up: refused, not guessed.
        SecureConversationClient.Issued anyContext = new SecureConversationClient.Issued("urn:uuid:" + java.util.UUID.randomUUID(),
                null, new byte[32], null);
        DecisionEvent unchecked = second.eventOf(post(second, inContext(anyContext, TRANSFER)));
        assertThat(unchecked.reasons()).containsExactly("WSS_CONTEXTS_UNAVAILABLE");
        assertThat(unchecked.status()).isEqualTo(503);

        redis.restart();
        Eventually.within(Duration.ofSeconds(30), () -> {
            try {
                return post(first, signedTransfer()).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }, "the node reconnects to Redis");
    }

    /** {@code message} as Alice sends it in {@code context} (WS-SecureConversation 1.3). */
    static byte[] inContext(SecureConversationClient.Issued context, String message) throws Exception {
        return SecureConversationClient.inContext(SecureConversation.Version.V1_3, context, message);
    }

    static byte[] signedTransfer() throws Exception {
        return SecuredMessages.of(TRANSFER).timestamp().sign(demo.clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(demo.clients, "gateway", WSConstants.AES_256_GCM).bytes();
    }

    static HttpResponse<String> post(RunningGateway node, byte[] message) throws Exception {
        return node.postSoap(message, null);
    }
}
