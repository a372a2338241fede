package io.portcullis.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.nio.charset.StandardCharsets;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoapEnvelopeReaderTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "<b:GetAccount xmlns:b='urn:b'/><b:CloseAccount xmlns:b='urn:b'/>",
            "<b:GetAccount xmlns:b='urn:b'/>text after the operation",
            "<![CDATA[x]]><b:GetAccount xmlns:b='urn:b'/>"})
    void aBodyMustHoldExactlyOneElementAndNothingElse(String content) {
        String envelope = "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>" + content
                + "</s:Body></s:Envelope>";

        RequestRejectedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(RequestRejectedException.class,
                () -> new SoapEnvelopeReader().read(envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        org.assertj.core.api.Assertions.assertThat(refused.reason()).isEqualTo(SoapEnvelopeReader.SOAP_ENVELOPE_INVALID);
    }

    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";

    private final SoapEnvelopeReader reader = new SoapEnvelopeReader();

    @Test
    void readsOperationFromSoap11EnvelopeWithHeader() throws Exception {
        SoapEnvelope envelope = reader.read(bytes("""
                <?xml version="1.0" encoding="UTF-8"?>
                <soapenv:Envelope xmlns:soapenv="%s" xmlns:bank="urn:example:bank">
                  <soapenv:Header><bank:Trace>t-1</bank:Trace></soapenv:Header>
                  <soapenv:Body>
                    <bank:GetAccount><bank:id>42</bank:id></bank:GetAccount>
                  </soapenv:Body>
                </soapenv:Envelope>
                """.formatted(SOAP11)));

        assertThat(envelope.version()).isEqualTo(SoapVersion.SOAP_1_1);
        assertThat(envelope.operation()).isEqualTo(new QName("urn:example:bank", "GetAccount"));
        assertThat(envelope.document().getDocumentElement().getLocalName()).isEqualTo("Envelope");
    }

    @Test
    void readsOperationFromSoap12EnvelopeWithDefaultNamespace() throws Exception {
        SoapEnvelope envelope = reader.read(bytes("""
                <env:Envelope xmlns:env="%s">
                  <env:Body><Transfer xmlns="urn:example:payments"><amount>10</amount></Transfer></env:Body>
                </env:Envelope>
                """.formatted(SOAP12)));

        assertThat(envelope.version()).isEqualTo(SoapVersion.SOAP_1_2);
        assertThat(envelope.operation()).isEqualTo(new QName("urn:example:payments", "Transfer"));
    }

    @Test
    void refusesExternalEntityWithoutEchoingIt() {
        RequestRejectedException refusal = refusal("""
                <?xml version="1.0"?>
                <!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <soap:Envelope xmlns:soap="%s"><soap:Body><op>&xxe;</op></soap:Body></soap:Envelope>
                """.formatted(SOAP11));

        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.reason()).isEqualTo(SoapEnvelopeReader.XML_DTD_FORBIDDEN);
        assertThat(refusal.getMessage()).doesNotContain("passwd").doesNotContain("xxe").doesNotContain("file:");
    }

    @Test
    void refusesBillionLaughsWithoutEchoingIt() {
        StringBuilder dtd = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        RequestRejectedException refusal = refusal("""
                <?xml version="1.0"?>
                <!DOCTYPE lolz [%s]>
                <soap:Envelope xmlns:soap="%s"><soap:Body><op>&lol9;</op></soap:Body></soap:Envelope>
                """.formatted(dtd, SOAP11));

        assertThat(refusal.reason()).isEqualTo(SoapEnvelopeReader.XML_DTD_FORBIDDEN);
        assertThat(refusal.getMessage()).doesNotContain("lol");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<order><id>1</id></order>",
            "<soap:Envelope xmlns:soap='urn:not-soap'><soap:Body><op/></soap:Body></soap:Envelope>",
            "<soap:Envelope xmlns:soap='" + SOAP11 + "'><soap:Header/></soap:Envelope>",
            "<soap:Envelope xmlns:soap='" + SOAP11 + "'><soap:Body>  </soap:Body></soap:Envelope>",
            "<soap:Envelope xmlns:soap='" + SOAP12 + "'><other/><soap:Body><op/></soap:Body></soap:Envelope>",
            "<soap:Envelope xmlns:soap='" + SOAP11 + "'><soap:Body><op/></soap:Body><soap:Body><smuggled/></soap:Body></soap:Envelope>",
            // a 1.1 Body inside a 1.2 envelope is not the Body
            "<env:Envelope xmlns:env='" + SOAP12 + "' xmlns:s11='" + SOAP11 + "'><s11:Body><op/></s11:Body></env:Envelope>",
    })
    void refusesXmlThatIsNotAUsableSoapEnvelope(String xml) {
        RequestRejectedException refusal = refusal(xml);

        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.reason()).isEqualTo(SoapEnvelopeReader.SOAP_ENVELOPE_INVALID);
        assertThat(refusal.getMessage()).doesNotContain("order").doesNotContain("smuggled").doesNotContain("other");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"json\": \"instead\"}",
            "",
            "<soap:Envelope xmlns:soap='" + SOAP11 + "'><soap:Body><op></soap:Body></soap:Envelope>",
            "<secret:Envelope><secret:Body/></secret:Envelope>",
    })
    void refusesMalformedXmlWithoutEchoingIt(String text) {
        RequestRejectedException refusal = refusal(text);

        assertThat(refusal.reason()).isEqualTo(SoapEnvelopeReader.XML_MALFORMED);
        assertThat(refusal.getMessage()).doesNotContain("json").doesNotContain("secret").doesNotContain("op");
    }

    private RequestRejectedException refusal(String xml) {
        RequestRejectedException refusal =
                catchThrowableOfType(RequestRejectedException.class, () -> reader.read(bytes(xml)));
        assertThat(refusal).as("refused").isNotNull();
        return refusal;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
