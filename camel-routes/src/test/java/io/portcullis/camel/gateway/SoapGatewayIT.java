package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.examples.bank.soap.BankFault;
import io.portcullis.examples.bank.soap.BankPort;
import io.portcullis.examples.bank.soap.Messages;
import io.portcullis.soap.SecuredMessages;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The demo bank's SOAP face through the gateway, with the bundled configuration and rules: real
 * CXF JAX-WS clients with WS-Security, and hand-made hostile messages, over loopback.
 */
class SoapGatewayIT {

    static final String SOAP11 = DemoSoapClients.SOAP11;

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    /** alice, admin and mallory (revoked) as signers, and the gateway's certificate to encrypt to. */
    static Merlin clients;
    static Merlin strangers;
    static DemoSoapClients demo;

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir);
        demo = new DemoSoapClients();
        clients = demo.clients;
        strangers = demo.strangers;
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    // --- real JAX-WS clients ---------------------------------------------------------------

    @Test
    void signedAndEncryptedCallsFromACxfClientReachTheServiceDecrypted() throws Exception {
        BankPort bank = client(signAndEncryptAs("alice"));

        Messages.Account account = bank.getAccount(new Messages.GetAccount("acc-alice-1"));
        Messages.TransferReceipt receipt = bank.transfer(new Messages.Transfer("acc-alice-1", "acc-bob-1",
                new BigDecimal("25.00"), "EUR"));

        assertThat(account.owner).isEqualTo("alice");
        // The service read every field of the decrypted body, and the gateway told it who signed.
        assertThat(receipt.amount).isEqualByComparingTo("25.00");
        assertThat(receipt.toAccount).isEqualTo("acc-bob-1");
        assertThat(receipt.initiatedBy).isEqualTo("alice");
        DecisionEvent event = gateway.lastEvent("transfer");
        assertThat(event.effect()).isEqualTo("PERMIT");
        assertThat(event.protocol()).isEqualTo("SOAP");
        assertThat(event.principal().subject()).isEqualTo("alice");
        assertThat(event.principal().methods()).containsExactly("WS_SECURITY");
    }

    @Test
    void usernameTokenCallersAreCheckedAgainstTheUsersFile() throws Exception {
        BankPort alice = client(usernameToken("alice", "alice-demo-password"));

        assertThat(alice.getAccount(new Messages.GetAccount("acc-alice-1")).owner).isEqualTo("alice");
        // Object-level authorization on the response, as on the REST face (bola-002).
        SOAPFaultException notHers = catchThrowableOfType(SOAPFaultException.class,
                () -> alice.getAccount(new Messages.GetAccount("acc-bob-1")));
        assertThat(notHers).isNotNull();
        assertThat(notHers.getMessage()).doesNotContain("acc-bob-1").doesNotContain("BOLA");
        assertThat(gateway.lastEvent("getAccount").reasons()).contains("BOLA_NOT_OWNER");

        SOAPFaultException wrongPassword = catchThrowableOfType(SOAPFaultException.class,
                () -> client(usernameToken("alice", "guess")).getAccount(new Messages.GetAccount("acc-alice-1")));
        assertThat(wrongPassword).isNotNull();
        assertThat(wrongPassword.getMessage()).doesNotContain("guess");
        DecisionEvent refused = gateway.lastEvent("getAccount");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.authenticationFailure()).isEqualTo("WSS_USERNAME_PASSWORD_WRONG");
    }

    @Test
    void aLegacyClientsPasswordDigestIsCheckedAgainstTheDigestUsers() throws Exception {
        BankPort bob = client(DemoSoapClients.usernameToken("bob", "bob-digest-secret-demo-only", WSConstants.PW_DIGEST));

        assertThat(bob.getAccount(new Messages.GetAccount("acc-bob-1")).owner).isEqualTo("bob");

        SOAPFaultException wrong = catchThrowableOfType(SOAPFaultException.class,
                () -> client(DemoSoapClients.usernameToken("bob", "a-guess-of-the-secret", WSConstants.PW_DIGEST))
                        .getAccount(new Messages.GetAccount("acc-bob-1")));
        assertThat(wrong).isNotNull();
        assertThat(gateway.lastEvent("getAccount").authenticationFailure()).isEqualTo("WSS_DIGEST_PASSWORD_WRONG");
    }

    @Test
    void oneTransferLimitRuleHoldsOnTheSoapAndRestFaces() throws Exception {
        SOAPFaultException soap = catchThrowableOfType(SOAPFaultException.class, () -> client(signAndEncryptAs("alice"))
                .transfer(new Messages.Transfer("acc-alice-1", "acc-bob-1", new BigDecimal("20000.00"), "EUR")));
        assertThat(soap).isNotNull();
        assertThat(soap.getMessage()).isEqualTo("Transfers over 10,000 need a teller.");
        assertThat(gateway.lastEvent("transfer").reasons()).containsExactly("TRANSFER_LIMIT_EXCEEDED");

        HttpResponse<String> rest = gateway.send(gateway.get("/api/transfers", "alice-demo-key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"fromAccount\":\"acc-alice-1\",\"toAccount\":\"acc-bob-1\",\"amount\":20000,\"currency\":\"EUR\"}")));
        assertThat(rest.statusCode()).isEqualTo(403);
        assertThat(rest.body()).contains("TRANSFER_LIMIT_EXCEEDED");

        // A teller passes the gateway; the bank itself then refuses (bob has 87 EUR).
        Throwable bank = org.assertj.core.api.Assertions.catchThrowable(() -> client(signAndEncryptAs("admin"))
                .transfer(new Messages.Transfer("acc-bob-1", "acc-alice-1", new BigDecimal("20000.00"), "EUR")));
        assertThat(bank).isInstanceOf(BankFault.class).hasMessageContaining("insufficient funds");
        assertThat(gateway.lastEvent("transfer").principal().subject()).isEqualTo("admin");
    }

    // --- hostile and broken messages --------------------------------------------------------

    static final String TRANSFER = """
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body><b:Transfer xmlns:b="urn:portcullis:demo-bank"><b:fromAccount>acc-alice-1</b:fromAccount>\
            <b:toAccount>acc-bob-1</b:toAccount><b:amount>1.00</b:amount><b:currency>EUR</b:currency></b:Transfer></soap:Body>
            </soap:Envelope>""";

    @Test
    void aSecuredMessageIsAcceptedOnceAndItsReplayRefused() throws Exception {
        byte[] message = signedAndEncrypted("alice").bytes();

        HttpResponse<String> first = post(message);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("TransferResponse").contains("SignatureValue");
        assertFault(post(message), 400, "wsse:InvalidSecurity", "WSS_REPLAYED");
    }

    @Test
    void anUnsignedBodyIsRefusedWhereASignatureIsRequired() throws Exception {
        assertFault(post(TRANSFER.getBytes(StandardCharsets.UTF_8)), 400, "wsse:InvalidSecurity", "WSS_INVALID_SECURITY");
        byte[] signedNotEncrypted = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .bytes();
        assertFault(post(signedNotEncrypted), 400, "wsse:InvalidSecurity", "WSS_POLICY_NOT_MET");
    }

    @Test
    void aSoap12MessageToAServiceThatBindsOnlySoap11IsRefusedWithASoap12Fault() throws Exception {
        // Judged and passed on, it would meet the service's SOAP 1.1 VersionMismatch fault, which names its stack.
        String soap12 = TRANSFER.replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope");
        HttpResponse<String> refused = gateway.send(HttpRequest.newBuilder(URI.create(address()))
                .header("Content-Type", "application/soap+xml; charset=utf-8; action=\"urn:portcullis:demo-bank/Transfer\"")
                .POST(HttpRequest.BodyPublishers.ofString(soap12)));

        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(gateway.eventOf(refused).reasons()).contains("SOAP_VERSION_UNSUPPORTED");
        assertThat(refused.headers().firstValue("content-type").orElse("")).startsWith("application/soap+xml");
        assertThat(refused.body()).contains("<env:Value>env:Sender</env:Value>", "SOAP 1.1").doesNotContain("VersionMismatch");
    }

    @Test
    void aTamperedSignedBodyIsRefused() throws Exception {
        String signed = new String(SecuredMessages.of(TRANSFER).timestamp()
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).bytes(), StandardCharsets.UTF_8);

        assertFault(post(signed.replace(">1.00<", ">9000.00<").getBytes(StandardCharsets.UTF_8)), 400, "wsse:FailedCheck",
                "WSS_FAILED_CHECK");
    }

    @Test
    void aSignatureWrappingVariantIsRefused() throws Exception {
        SecuredMessages secured = SecuredMessages.of(TRANSFER).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE);
        Document document = secured.document();
        Element body = (Element) document.getElementsByTagNameNS(SOAP11, "Body").item(0);
        Element wrapper = document.createElementNS("urn:attacker", "x:Wrapper");
        wrapper.appendChild(body.cloneNode(true));
        document.getElementsByTagNameNS(WSConstants.WSSE_NS, "Security").item(0).appendChild(wrapper);
        body.removeAttributeNS(WSConstants.WSU_NS, "Id");
        body.getElementsByTagNameNS("urn:portcullis:demo-bank", "amount").item(0).setTextContent("9000.00");

        assertFault(post(SecuredMessages.serialize(document)), 400, "wsse:InvalidSecurity", "WSS_SIGNATURE_WRAPPING");
    }

    @Test
    void anExpiredTimestampIsRefused() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp(Instant.now().minus(Duration.ofMinutes(10)), 60)
                .sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM).bytes();

        assertFault(post(message), 400, "wsse:MessageExpired", "WSS_MESSAGE_EXPIRED");
    }

    @Test
    void signersOutsideTheTruststoreOrRevokedAreRefused() throws Exception {
        byte[] stranger = SecuredMessages.of(TRANSFER).timestamp().sign(strangers, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(strangers, "gateway", WSConstants.AES_256_GCM).bytes();
        byte[] revoked = signedAndEncrypted("mallory-revoked").bytes();

        assertFault(post(stranger), 401, "wsse:FailedAuthentication", "WSS_FAILED_AUTHENTICATION");
        assertFault(post(revoked), 401, "wsse:FailedAuthentication", "WSS_FAILED_AUTHENTICATION");
    }

    @Test
    void aBodyInvalidAgainstTheServicesWsdlIsRefusedNamingThePathOnly() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER.replace(">1.00<", ">lots-of-money<")).timestamp()
                .usernameToken("alice", "alice-demo-password", WSConstants.PASSWORD_TEXT).bytes();

        HttpResponse<String> response = post(message);

        assertFault(response, 400, "soap:Client", "SOAP_SCHEMA_INVALID");
        assertThat(response.body()).doesNotContain("lots-of-money");
    }

    @Test
    void aSoapActionNamingAnotherOperationThanTheBodyIsRefused() throws Exception {
        byte[] message = SecuredMessages.of(TRANSFER).timestamp()
                .usernameToken("alice", "alice-demo-password", WSConstants.PASSWORD_TEXT).bytes();

        assertFault(post(message, "urn:portcullis:demo-bank/GetAccount"), 400, "soap:Client", "SOAP_ACTION_MISMATCH");
    }

    static Stream<Arguments> xmlAttacks() {
        String deep = "<a>".repeat(40) + "x" + "</a>".repeat(40);
        String many = "<i>1</i>".repeat(2100);
        return Stream.of(
                Arguments.of("XXE", "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + envelope("<b:GetAccount "
                        + "xmlns:b=\"urn:portcullis:demo-bank\"><b:accountId>&x;</b:accountId></b:GetAccount>"), 400, "XML_DTD_FORBIDDEN"),
                Arguments.of("billion laughs", "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>" + envelope("<b:GetAccount xmlns:b=\"urn:portcullis:demo-bank\">"
                        + "<b:accountId>&c;</b:accountId></b:GetAccount>"), 400, "XML_DTD_FORBIDDEN"),
                Arguments.of("depth", envelope(deep), 400, "XML_TOO_DEEP"),
                Arguments.of("element count", envelope("<b:Transfer xmlns:b=\"urn:portcullis:demo-bank\">" + many + "</b:Transfer>"),
                        400, "XML_TOO_MANY_ELEMENTS"),
                Arguments.of("text length", envelope("<t>" + "x".repeat(300 * 1024) + "</t>"), 400, "XML_TEXT_TOO_LONG"),
                Arguments.of("attribute count", envelope("<t " + attributes(40) + "/>"), 400, "XML_TOO_MANY_ATTRIBUTES"),
                Arguments.of("attribute length", envelope("<t a=\"" + "x".repeat(9000) + "\"/>"), 400, "XML_ATTRIBUTE_TOO_LONG"),
                Arguments.of("name length", envelope("<" + "n".repeat(300) + "/>"), 400, "XML_NAME_TOO_LONG"),
                Arguments.of("namespace count", envelope("<t " + namespaces(150) + "/>"), 400, "XML_TOO_MANY_NAMESPACES"),
                Arguments.of("size", envelope("<t>" + "x".repeat(200_000) + "</t>".repeat(1)).repeat(1)
                        .replace("<t>", "<t>" + "<u>y</u>".repeat(120_000)), 413, "XML_TOO_LARGE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("xmlAttacks")
    void xmlAttacksAndMessagesOverALimitAreRefusedBeforeAnyOtherWork(String attack, String xml, int status, String reason)
            throws Exception {
        HttpResponse<String> response = post(xml.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(attack).isEqualTo(status == 413 ? 413 : 500);
        assertThat(gateway.eventOf(response).status()).isEqualTo(status);
        assertThat(response.body()).contains("<faultcode>soap:Client</faultcode>").doesNotContain("passwd").doesNotContain("aaaa")
                .as("the fault names the limit").contains(">" + reason + "</pc:reason>");
        assertThat(gateway.eventOf(response).reasons()).containsExactly(reason);
    }

    // --- helpers ----------------------------------------------------------------------------

    static String envelope(String body) {
        return "<soap:Envelope xmlns:soap=\"" + SOAP11 + "\"><soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    static String attributes(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(" a").append(i).append("=\"v\"");
        }
        return out.toString();
    }

    static String namespaces(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(" xmlns:p").append(i).append("=\"urn:n").append(i).append('"');
        }
        return out.toString();
    }

    static SecuredMessages signedAndEncrypted(String signer) throws Exception {
        return SecuredMessages.of(TRANSFER).timestamp().sign(clients, signer, WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM);
    }

    HttpResponse<String> post(byte[] message) throws Exception {
        return post(message, "urn:portcullis:demo-bank/Transfer");
    }

    HttpResponse<String> post(byte[] message, String soapAction) throws Exception {
        return gateway.postSoap(message, soapAction);
    }

    /** @param status the refusal's status in the audit event; SOAP 1.1 sends every fault as HTTP 500 */
    void assertFault(HttpResponse<String> response, int status, String faultCode, String reason) {
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(gateway.eventOf(response).status()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/xml");
        assertThat(response.body()).contains("<faultcode>" + faultCode + "</faultcode>")
                .doesNotContain("acc-alice-1").doesNotContain("WSS_").doesNotContain("Exception");
        assertThat(gateway.eventOf(response).reasons()).containsExactly(reason);
    }

    static String address() {
        return "http://127.0.0.1:" + gateway.port + "/soap/bank";
    }

    BankPort client(Map<String, Object> security) {
        return demo.client(address(), security);
    }

    Map<String, Object> signAndEncryptAs(String signer) {
        return demo.signAndEncryptAs(signer);
    }

    static Map<String, Object> usernameToken(String username, String password) {
        return DemoSoapClients.usernameToken(username, password);
    }
}
