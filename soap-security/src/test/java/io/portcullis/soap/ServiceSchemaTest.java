package io.portcullis.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** The demo bank's own WSDL as the contract: what it admits, what it refuses, and how the refusal reads. */
class ServiceSchemaTest {

    static final Path DEMO_WSDL = Path.of("../examples/config/soap/demo-bank.wsdl");
    static final String TRANSFER_ACTION = "urn:portcullis:demo-bank/Transfer";

    final SoapEnvelopeReader reader = new SoapEnvelopeReader();

    Element operation(String body) throws Exception {
        String envelope = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" + body + "</s:Body></s:Envelope>";
        return reader.read(envelope.getBytes(StandardCharsets.UTF_8)).operationElement();
    }

    static String transfer(String amount, String extra) {
        return "<b:Transfer xmlns:b=\"urn:portcullis:demo-bank\"><b:fromAccount>acc-alice-1</b:fromAccount>"
                + "<b:toAccount>acc-bob-1</b:toAccount><b:amount>" + amount + "</b:amount><b:currency>EUR</b:currency>"
                + extra + "</b:Transfer>";
    }

    RequestRejectedException refusal(ServiceSchema schema, String body, String action) {
        return catchThrowableOfType(RequestRejectedException.class, () -> schema.check(operation(body), action));
    }

    @Test
    void aBodyTheContractDescribesPasses() throws Exception {
        ServiceSchema schema = ServiceSchema.load(DEMO_WSDL);

        schema.check(operation(transfer("25.00", "")), TRANSFER_ACTION);
        schema.check(operation(transfer("25.00", "")), "");
        schema.check(operation(transfer("25.00", "")), null);
    }

    @Test
    void invalidContentIsRefusedNamingThePathNotTheValue() throws Exception {
        ServiceSchema schema = ServiceSchema.load(DEMO_WSDL);

        RequestRejectedException notANumber = refusal(schema, transfer("lots-of-money", ""), TRANSFER_ACTION);
        assertThat(notANumber.reason()).isEqualTo(ServiceSchema.SCHEMA_INVALID);
        assertThat(notANumber.getMessage()).contains("/amount").doesNotContain("lots-of-money");

        RequestRejectedException massAssignment = refusal(schema,
                transfer("25.00", "<b:role xmlns:b=\"urn:portcullis:demo-bank\">admin</b:role>"), TRANSFER_ACTION);
        assertThat(massAssignment.reason()).isEqualTo(ServiceSchema.SCHEMA_INVALID);
        assertThat(massAssignment.getMessage()).doesNotContain("admin");

        assertThat(refusal(schema, transfer("-5.00", ""), TRANSFER_ACTION).reason()).isEqualTo(ServiceSchema.SCHEMA_INVALID);
        // The thread's validator is reused: a refusal leaves it fit for the next request.
        schema.check(operation(transfer("25.00", "")), TRANSFER_ACTION);
        assertThat(refusal(schema, transfer("25.00", "").replace("EUR", "euro"), TRANSFER_ACTION).getMessage())
                .contains("/currency");
    }

    @Test
    void operationsTheContractDoesNotDeclareAreRefused() {
        RequestRejectedException unknown = refusal(load(), "<b:CloseAccount xmlns:b=\"urn:portcullis:demo-bank\">"
                + "<b:accountId>acc-bob-1</b:accountId></b:CloseAccount>", null);

        assertThat(unknown.reason()).isEqualTo(ServiceSchema.SCHEMA_INVALID);
    }

    @Test
    void aSoapActionNamingAnotherOperationIsRefused() {
        RequestRejectedException spoofed = refusal(load(), transfer("25.00", ""), "urn:portcullis:demo-bank/GetAccount");

        assertThat(spoofed.reason()).isEqualTo(ServiceSchema.ACTION_MISMATCH);
    }

    @Test
    void theSoapVersionsAreThoseTheWsdlBinds(@TempDir Path dir) throws Exception {
        ServiceSchema demo = load();
        Path both = Files.writeString(dir.resolve("both.wsdl"), Files.readString(DEMO_WSDL)
                .replaceFirst("(<wsdl:binding[^>]*>)", "$1<soap12:binding xmlns:soap12=\"http://schemas.xmlsoap.org/wsdl/soap12/\" "
                        + "transport=\"http://schemas.xmlsoap.org/soap/http\"/>"));

        assertThat(demo.speaks(SoapVersion.SOAP_1_1)).isTrue();
        assertThat(demo.speaks(SoapVersion.SOAP_1_2)).isFalse();
        assertThat(ServiceSchema.load(both).speaks(SoapVersion.SOAP_1_2)).isTrue();
    }

    @Test
    void aPlainSchemaWorksAndAFileThatIsNeitherIsRefused(@TempDir Path dir) throws Exception {
        Path xsd = Files.writeString(dir.resolve("ping.xsd"), """
                <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:ping" elementFormDefault="qualified">
                  <xs:element name="Ping"><xs:complexType><xs:sequence>
                    <xs:element name="count" type="xs:int"/>
                  </xs:sequence></xs:complexType></xs:element>
                </xs:schema>""");
        ServiceSchema schema = ServiceSchema.load(xsd);

        schema.check(operation("<p:Ping xmlns:p=\"urn:ping\"><p:count>3</p:count></p:Ping>"), "anything");
        assertThat(schema.speaks(SoapVersion.SOAP_1_1) && schema.speaks(SoapVersion.SOAP_1_2)).as("an XSD names no version").isTrue();
        assertThat(refusal(schema, "<p:Ping xmlns:p=\"urn:ping\"><p:count>x</p:count></p:Ping>", null).getMessage())
                .contains("/count");
        Path other = Files.writeString(dir.resolve("other.xml"), "<config/>");
        assertThatThrownBy(() -> ServiceSchema.load(other)).hasMessageContaining("neither a WSDL");
    }

    private static ServiceSchema load() {
        try {
            return ServiceSchema.load(DEMO_WSDL);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
