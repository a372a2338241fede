package io.portcullis.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Each XML limit refuses a message just over it, naming the limit and echoing nothing. */
class XmlThreatScannerTest {

    static final XmlLimits SMALL = new XmlLimits(4096, 4, 20, 3, 4, 64, 32, 24);
    static final XmlThreatScanner SCANNER = new XmlThreatScanner(SMALL);

    static Stream<Arguments> overLimit() {
        return Stream.of(
                Arguments.of("XML_TOO_LARGE", "<a>" + "x".repeat(5000) + "</a>"),
                Arguments.of("XML_TOO_DEEP", "<a><b><c><d><e>secret-e</e></d></c></b></a>"),
                Arguments.of("XML_TOO_MANY_ELEMENTS", "<a>" + "<b/>".repeat(25) + "</a>"),
                Arguments.of("XML_TOO_MANY_ATTRIBUTES", "<a w='1' x='2' y='3' z='4'/>"),
                Arguments.of("XML_TOO_MANY_NAMESPACES",
                        "<a xmlns:p1='u1' xmlns:p2='u2' xmlns:p3='u3'><b xmlns:p4='u4' xmlns:p5='u5'/></a>"),
                Arguments.of("XML_TEXT_TOO_LONG", "<a>" + "secret-text-".repeat(10) + "</a>"),
                Arguments.of("XML_TEXT_TOO_LONG", "<a><![CDATA[" + "c".repeat(40) + "]]>" + "t".repeat(40) + "</a>"),
                Arguments.of("XML_ATTRIBUTE_TOO_LONG", "<a x='" + "secret-attr-".repeat(4) + "'/>"),
                Arguments.of("XML_NAME_TOO_LONG", "<averyveryverylongelementname/>"),
                Arguments.of("XML_DTD_FORBIDDEN", "<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><a>&e;</a>"),
                Arguments.of("XML_DTD_FORBIDDEN", "<!DOCTYPE a [<!ENTITY l 'lol'><!ENTITY l2 '&l;&l;&l;'>]><a>&l2;</a>"),
                Arguments.of("XML_MALFORMED", "<a><b></a>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overLimit")
    void messagesOverALimitAreRefusedNamingIt(String reason, String xml) {
        RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class,
                () -> SCANNER.scan(xml.getBytes(StandardCharsets.UTF_8)));

        assertThat(e).as(reason).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.status()).isEqualTo(reason.equals("XML_TOO_LARGE") ? 413 : 400);
        assertThat(e.getMessage()).doesNotContain("secret", "passwd", "lol", "averyvery");
    }

    @Test
    void anOrdinaryEnvelopeWithinTheLimitsPasses() {
        String envelope = "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>"
                + "<b:GetAccount xmlns:b='urn:bank'><b:id>acc-1</b:id></b:GetAccount></s:Body></s:Envelope>";

        assertThatCode(() -> SCANNER.scan(envelope.getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
    }

    @Test
    void theEnvelopeReaderScansBeforeItParses() {
        SoapEnvelopeReader reader = new SoapEnvelopeReader(SMALL);
        String deep = "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>"
                + "<a><b><c>deep</c></b></a></s:Body></s:Envelope>";

        RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class,
                () -> reader.read(deep.getBytes(StandardCharsets.UTF_8)));

        assertThat(e.reason()).isEqualTo("XML_TOO_DEEP");
    }
}
