package io.portcullis.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.xml.namespace.QName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Element;

class SoapFaultsTest {

    // Markup, quotes and a control character: all must survive as text or be made safe.
    private static final String HOSTILE_ID = "id-<b>&\"'\u0001";
    private static final String HOSTILE_ID_AS_PARSED = "id-<b>&\"'\uFFFD";

    private final SoapEnvelopeReader reader = new SoapEnvelopeReader();

    @ParameterizedTest
    @CsvSource({
            "SOAP_1_1, 400, Client",
            "SOAP_1_1, 503, Server",
            "SOAP_1_2, 403, Sender",
            "SOAP_1_2, 500, Receiver",
    })
    void faultParsesBackWithVersionCodeAndRequestId(SoapVersion version, int status, String code) throws Exception {
        byte[] fault = SoapFaults.render(version, status, HOSTILE_ID, java.util.List.of(), "", null, null);

        // The gateway's own reader is strict, so a fault it accepts is a well-formed envelope.
        SoapEnvelope parsed = reader.read(fault);
        assertThat(parsed.version()).isEqualTo(version);
        assertThat(parsed.operation()).isEqualTo(new QName(version.namespace(), "Fault"));

        Element faultElement = (Element) parsed.document()
                .getElementsByTagNameNS(version.namespace(), "Fault").item(0);
        Element codeElement = version == SoapVersion.SOAP_1_1
                ? (Element) faultElement.getElementsByTagNameNS("", "faultcode").item(0)
                : (Element) faultElement.getElementsByTagNameNS(version.namespace(), "Value").item(0);
        assertThat(resolve(codeElement)).isEqualTo(new QName(version.namespace(), code));

        Element requestId = (Element) parsed.document()
                .getElementsByTagNameNS(SoapFaults.DETAIL_NAMESPACE, "requestId").item(0);
        assertThat(requestId.getTextContent()).isEqualTo(HOSTILE_ID_AS_PARSED);
    }

    @ParameterizedTest
    @CsvSource({"SOAP_1_1, WSS_FAILED_CHECK, FailedCheck", "SOAP_1_2, WSS_MESSAGE_EXPIRED, MessageExpired",
            "SOAP_1_1, WSS_SIGNATURE_WRAPPING, InvalidSecurity"})
    void webServicesSecurityRefusalsCarryTheirFaultCodeAndGenericText(SoapVersion version, String reason, String code)
            throws Exception {
        SoapEnvelope parsed = reader.read(SoapFaults.render(version, 400, "r-1", java.util.List.of(reason), "detailed message", null, null));

        Element codeElement = version == SoapVersion.SOAP_1_1
                ? (Element) parsed.document().getElementsByTagNameNS("", "faultcode").item(0)
                : (Element) parsed.document().getElementsByTagNameNS(version.namespace(), "Subcode").item(0).getFirstChild();
        assertThat(resolve(codeElement)).isEqualTo(new QName(
                "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd", code));
        assertThat(parsed.document().getDocumentElement().getTextContent()).doesNotContain("WSS_").doesNotContain("wrapping")
                .doesNotContain("detailed message");
    }

    @ParameterizedTest
    @CsvSource({"SOAP_1_1, V2005_02", "SOAP_1_2, V2005_02", "SOAP_1_1, V1_3", "SOAP_1_2, V1_3"})
    void aContextTheGatewayDoesNotHoldIsWsSecureConversationsBadContextTokenInTheMessagesVersion(
            SoapVersion version, SecureConversation.Version conversation) throws Exception {
        byte[] rendered = SoapFaults.render(version, 401, "r-1", java.util.List.of(Wss4jMessageVerifier.CONTEXT_UNKNOWN),
                "The security context is not known or has expired.", null, conversation);
        SoapEnvelope parsed = reader.read(rendered);

        Element codeElement = version == SoapVersion.SOAP_1_1
                ? (Element) parsed.document().getElementsByTagNameNS("", "faultcode").item(0)
                : (Element) parsed.document().getElementsByTagNameNS(version.namespace(), "Subcode").item(0).getFirstChild();
        assertThat(resolve(codeElement)).isEqualTo(new QName(conversation.conversationNamespace(), "BadContextToken"));
        Element fault = (Element) parsed.document().getElementsByTagNameNS(version.namespace(), "Fault").item(0);
        assertThat(fault.getAttributeNS("http://www.w3.org/2000/xmlns/", "wsc")).as("declared inside the Fault")
                .isEqualTo(conversation.conversationNamespace());
        if (version == SoapVersion.SOAP_1_2) {
            Element value = (Element) parsed.document().getElementsByTagNameNS(version.namespace(), "Value").item(0);
            assertThat(resolve(value)).isEqualTo(new QName(version.namespace(), "Sender"));
        }
        assertThat(parsed.document().getDocumentElement().getTextContent())
                .contains("The requested context elements are insufficient or unsupported.").doesNotContain("WSS_");
        // Without the version the message used, WS-Security's nearest code, and still no reason code.
        SoapEnvelope unversioned = reader.read(SoapFaults.render(version, 401, "r-1",
                java.util.List.of(Wss4jMessageVerifier.CONTEXT_UNKNOWN), "The security context is not known or has expired.", null, null));
        Element unversionedCode = version == SoapVersion.SOAP_1_1
                ? (Element) unversioned.document().getElementsByTagNameNS("", "faultcode").item(0)
                : (Element) unversioned.document().getElementsByTagNameNS(version.namespace(), "Subcode").item(0).getFirstChild();
        assertThat(resolve(unversionedCode)).isEqualTo(new QName(
                "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd", "SecurityTokenUnavailable"));
        assertThat(unversioned.document().getDocumentElement().getTextContent()).doesNotContain("WSS_");
    }

    @ParameterizedTest
    @CsvSource({"SOAP_1_1, WSS_FAILED_CHECK", "SOAP_1_2, WSS_FAILED_CHECK", "SOAP_1_1, ''", "SOAP_1_2, ''"})
    void theFaultCodesPrefixIsDeclaredInsideTheFault(SoapVersion version, String reason) throws Exception {
        SoapEnvelope parsed = reader.read(SoapFaults.render(version, 400, "r-1",
                reason.isEmpty() ? java.util.List.of() : java.util.List.of(reason), "", null, null));
        Element fault = (Element) parsed.document().getElementsByTagNameNS(version.namespace(), "Fault").item(0);

        // Mono's WCF reads the fault from the Body on its own: the codes must resolve without the Envelope.
        Element detached = (Element) javax.xml.parsers.DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .newDocument().importNode(fault, true);
        detached.getOwnerDocument().appendChild(detached);
        java.util.List<Element> codes = new java.util.ArrayList<>();
        org.w3c.dom.NodeList all = detached.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            if (element.getLocalName().equals("faultcode") || element.getLocalName().equals("Value")) {
                codes.add(element);
            }
        }
        assertThat(codes).isNotEmpty().allSatisfy(code -> assertThat(resolve(code).getNamespaceURI()).isEqualTo(
                code.getTextContent().startsWith("wsse:")
                        ? "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
                        : version.namespace()));
    }

    @ParameterizedTest
    @CsvSource({"SOAP_1_1", "SOAP_1_2"})
    void otherRefusalsNameTheirReasonsAndMessageLikeProblemJson(SoapVersion version) throws Exception {
        SoapEnvelope parsed = reader.read(SoapFaults.render(version, 403, "r-2",
                java.util.List.of("TRANSFER_LIMIT_EXCEEDED"), "Transfers over 10,000 need a <teller>.", null, null));

        String text = parsed.document().getDocumentElement().getTextContent();
        assertThat(text).contains("Transfers over 10,000 need a <teller>.");
        assertThat(parsed.document().getElementsByTagNameNS(SoapFaults.DETAIL_NAMESPACE, "reason").item(0).getTextContent())
                .isEqualTo("TRANSFER_LIMIT_EXCEEDED");
    }

    @ParameterizedTest
    @CsvSource({"SOAP_1_1, 200", "SOAP_1_2, 600"})
    void refusesStatusesThatAreNotErrors(SoapVersion version, int status) {
        assertThatThrownBy(() -> SoapFaults.render(version, status, "r-1", java.util.List.of(), "", null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A fault code is a QName in element content: prefix resolved against the element's scope. */
    private static QName resolve(Element element) {
        String text = element.getTextContent().trim();
        int colon = text.indexOf(':');
        String prefix = colon < 0 ? null : text.substring(0, colon);
        return new QName(element.lookupNamespaceURI(prefix), text.substring(colon + 1));
    }
}
