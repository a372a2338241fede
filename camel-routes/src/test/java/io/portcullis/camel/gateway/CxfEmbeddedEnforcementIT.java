package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.examples.bank.DemoBank;
import io.portcullis.examples.bank.soap.BankPort;
import io.portcullis.examples.bank.soap.BankSoapService;
import io.portcullis.examples.bank.soap.Messages;
import io.portcullis.soap.SecureConversationClient;
import io.portcullis.soap.SoapAdapter;
import io.portcullis.soap.cxf.PortcullisCxf;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CXF service that embeds the gateway's checks in-process ({@link PortcullisCxf}) with the
 * bank-soap route's configuration and rules: the same outcomes as through the gateway, no hop.
 */
class CxfEmbeddedEnforcementIT {

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    static DemoSoapClients demo;
    static Server service;
    static String address;

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir);
        demo = new DemoSoapClients();
        address = "http://127.0.0.1:" + RunningGateway.freePortForTests() + "/embedded/bank";
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(BankPort.class);
        factory.setServiceBean(new BankSoapService(new DemoBank()));
        factory.setAddress(address);
        PortcullisCxf.install(factory, gateway.runtime().gatekeeper("bank-soap"));
        service = factory.create();
    }

    @AfterAll
    static void stop() throws Exception {
        service.destroy();
        gateway.close();
    }

    @Test
    void aSignedAndEncryptedCallIsAdmittedAndItsResponseSignedLikeThroughTheGateway() throws Exception {
        BankPort bank = demo.client(address, demo.signAndEncryptAs("alice"));

        Messages.TransferReceipt receipt = bank.transfer(new Messages.Transfer("acc-alice-1", "acc-bob-1",
                new BigDecimal("10.00"), "EUR"));

        assertThat(receipt.initiatedBy).isEqualTo("alice");
        DecisionEvent event = last("transfer");
        assertThat(event.effect()).isEqualTo("PERMIT");
        assertThat(event.route()).isEqualTo("bank-soap");
        assertThat(event.upstreamStatus()).isEqualTo(200);
    }

    @Test
    void theServiceSeesTheGatewaysIdentityHeaderNotTheClients() throws Exception {
        BankPort bank = demo.client(address, demo.signAndEncryptAs("alice"));
        ((jakarta.xml.ws.BindingProvider) bank).getRequestContext().put(jakarta.xml.ws.handler.MessageContext.HTTP_REQUEST_HEADERS,
                java.util.Map.of("X-Authenticated-Subject", List.of("admin")));

        Messages.TransferReceipt receipt = bank.transfer(new Messages.Transfer("acc-alice-1", "acc-bob-1",
                new BigDecimal("1.00"), "EUR"));

        assertThat(receipt.initiatedBy).isEqualTo("alice");
    }

    @Test
    void refusalsNeverReachTheServiceAndAreFaultsWithAnAuditReason() throws Exception {
        SOAPFaultException wrongPassword = catchThrowableOfType(SOAPFaultException.class, () ->
                demo.client(address, DemoSoapClients.usernameToken("alice", "guess"))
                        .getAccount(new Messages.GetAccount("acc-alice-1")));
        assertThat(wrongPassword).isNotNull();
        assertThat(last("getAccount").authenticationFailure()).isEqualTo("WSS_USERNAME_PASSWORD_WRONG");

        SOAPFaultException overLimit = catchThrowableOfType(SOAPFaultException.class, () ->
                demo.client(address, demo.signAndEncryptAs("alice"))
                        .transfer(new Messages.Transfer("acc-alice-1", "acc-bob-1", new BigDecimal("50000.00"), "EUR")));
        assertThat(overLimit).isNotNull();
        assertThat(last("transfer").reasons()).containsExactly("TRANSFER_LIMIT_EXCEEDED");

        HttpResponse<String> xxe = gateway.send(HttpRequest.newBuilder(URI.create(address))
                .header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<s:Envelope xmlns:s=\"" + DemoSoapClients.SOAP11 + "\"><s:Body><x>&x;</x></s:Body></s:Envelope>")));
        assertThat(xxe.statusCode()).isEqualTo(500);
        assertThat(xxe.body()).contains("<faultcode>soap:Client</faultcode>").doesNotContain("root:");
        String requestId = xxe.headers().firstValue("x-request-id").orElseThrow();
        assertThat(gateway.auditOf(requestId)).extracting(DecisionEvent::reasons).containsExactly(List.of("XML_DTD_FORBIDDEN"));
    }

    @Test
    void aServiceThatEmbedsTheChecksIssuesSecurityContextsLikeTheGateway() throws Exception {
        // The route's WS-SecureConversation runs in the service's own CXF endpoint: the context is asked for,
        // answered by the interceptor (never by the service), and the call made in it reaches the service as Alice's.
        SecureConversationClient.Issued context = demo.establishContextAsAlice(message -> post(message).body());
        assertThat(last(SoapAdapter.ESTABLISH_CONTEXT_OPERATION).stage()).isEqualTo("ANSWER");

        HttpResponse<String> transfer = post(ClusterReplayIT.inContext(context, ClusterReplayIT.TRANSFER));

        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(200);
        assertThat(SecureConversationClient.readWithContextKey(transfer.body().getBytes(StandardCharsets.UTF_8), context))
                .contains("TransferResponse").contains(">alice<");
        assertThat(last("transfer").principal().subject()).isEqualTo("alice");
    }

    private static HttpResponse<String> post(byte[] message) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(address)).header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message)));
    }

    private static DecisionEvent last(String operation) {
        List<DecisionEvent> events = gateway.audit.stream()
                .filter(e -> operation.equals(e.operation()) && e.path().startsWith("/embedded")).toList();
        assertThat(events).isNotEmpty();
        return events.get(events.size() - 1);
    }
}
