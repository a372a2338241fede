package io.portcullis.soap;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SOAP requests become the same protocol-neutral model as REST ones; refusals are faults of the caller's version. */
class SoapAdapterTest {

    static final SoapAdapter ADAPTER = new SoapAdapter(new SoapRouteSettings("bank-soap",
            List.of("{urn:demo-bank}Transfer as transfer", "{urn:demo-bank}GetAccount"), XmlLimits.DEFAULTS), null, null, null);
    static final RequestContext CONTEXT = new RequestContext("req-1", Instant.EPOCH, "bank-soap", NetworkPolicy.OPEN.peer("192.0.2.1", 1, null, false));

    static final String TRANSFER_11 = """
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header/>
              <s:Body>
                <b:Transfer xmlns:b="urn:demo-bank" currency="EUR">
                  <b:fromAccount>acc-alice-1</b:fromAccount>
                  <b:toAccount>acc-bob-1</b:toAccount>
                  <b:amount>25.00</b:amount>
                  <b:memo><b:line>rent</b:line><b:line>May</b:line></b:memo>
                </b:Transfer>
              </s:Body>
            </s:Envelope>""";

    @Test
    void soap11RequestBecomesAnApiRequestWithItsOperationActionAndValues() throws Exception {
        ApiRequest request = ADAPTER.normalize(post("text/xml; charset=utf-8", TRANSFER_11, "\"urn:demo-bank/Transfer\""), CONTEXT);

        assertThat(request.protocol()).isEqualTo(Protocol.SOAP);
        assertThat(request.operation()).isEqualTo("transfer");
        assertThat(request.attribute(SoapAdapter.ELEMENT_ATTRIBUTE)).isEqualTo("{urn:demo-bank}Transfer");
        assertThat(request.attribute(SoapAdapter.VERSION_ATTRIBUTE)).isEqualTo("1.1");
        assertThat(request.attribute(SoapAdapter.ACTION_ATTRIBUTE)).isEqualTo("urn:demo-bank/Transfer");
        assertThat(request.bodyText("/fromAccount")).isEqualTo("acc-alice-1");
        assertThat(request.bodyNumber("/amount")).isEqualByComparingTo("25");
        assertThat(request.bodyText("/@currency")).isEqualTo("EUR");
        assertThat(request.bodyText("/memo/line[2]")).isEqualTo("May");
        assertThat(request.peer().address()).isEqualTo("192.0.2.1");
    }

    @Test
    void soap12ActionComesFromTheContentType() throws Exception {
        String envelope = TRANSFER_11.replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope");

        ApiRequest request = ADAPTER.normalize(post("application/soap+xml; charset=utf-8; action=\"urn:demo-bank/Transfer\"",
                envelope, null), CONTEXT);

        assertThat(request.attribute(SoapAdapter.VERSION_ATTRIBUTE)).isEqualTo("1.2");
        assertThat(request.attribute(SoapAdapter.ACTION_ATTRIBUTE)).isEqualTo("urn:demo-bank/Transfer");
    }

    @Test
    void bodyElementsTheRouteDoesNotDeclareAreUndeclared() throws Exception {
        String other = TRANSFER_11.replace("b:Transfer", "b:CloseAccount");

        assertThat(ADAPTER.normalize(post("text/xml", other, null), CONTEXT).operation()).isEqualTo("UNDECLARED");
        assertThat(ADAPTER.normalize(post("text/xml", TRANSFER_11.replace("urn:demo-bank", "urn:elsewhere"), null), CONTEXT)
                .operation()).isEqualTo("UNDECLARED");
        assertThatThrownBy(() -> new SoapRouteSettings("r", List.of("Transfer"), XmlLimits.DEFAULTS))
                .hasMessageContaining("{namespace}LocalName");
    }

    @Test
    void wrongMethodContentTypeOrVersionIsRefused() {
        assertThat(reject(new HttpRequestMessage("GET", "/soap/bank", "", Map.of(), new byte[0])).status()).isEqualTo(405);
        assertThat(reject(post("application/json", TRANSFER_11, null)).status()).isEqualTo(415);
        assertThat(reject(post("application/soap+xml", TRANSFER_11, null)).reason()).isEqualTo("SOAP_VERSION_MISMATCH");
        assertThat(reject(post("text/xml", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", null)).reason())
                .isEqualTo("XML_DTD_FORBIDDEN");
    }

    @Test
    void refusalsAreFaultsOfTheCallersVersion() {
        HttpResponseMessage soap11 = ADAPTER.refusal("req-7", new HttpRequestMessage("POST", "/soap/bank", "", Map.of("content-type", List.of("text/xml")), null), 403,
                List.of("FUNCTION_NOT_ALLOWED"), "Your role does not allow this operation.");
        HttpResponseMessage soap12 = ADAPTER.refusal("req-8", new HttpRequestMessage("POST", "/soap/bank", "", Map.of("content-type", List.of("application/soap+xml")), null), 401,
                List.of("AUTHN_REQUIRED"), "Authentication is required for this operation.");

        assertThat(soap11.status()).as("SOAP 1.1: every fault is a 500").isEqualTo(500);
        assertThat(soap12.status()).as("SOAP 1.2: every fault is a 500 too, the one WCF reads").isEqualTo(500);
        assertThat(soap11.header("content-type")).startsWith("text/xml");
        assertThat(new String(soap11.body(), StandardCharsets.UTF_8)).contains("http://schemas.xmlsoap.org/soap/envelope/", "req-7");
        assertThat(soap12.header("content-type")).startsWith("application/soap+xml");
        assertThat(new String(soap12.body(), StandardCharsets.UTF_8)).contains("http://www.w3.org/2003/05/soap-envelope", "req-8");
    }

    @Test
    void headerObligationsApplyAndRedactionIsRefusedRatherThanSkipped() throws Exception {
        HttpResponseMessage response = new HttpResponseMessage(200, Map.of("content-type", List.of("text/xml")),
                TRANSFER_11.getBytes(StandardCharsets.UTF_8));

        assertThat(ADAPTER.fulfil(ApiRequest.builder().id("r-1").build(), response, List.of(Obligation.addHeader("Cache-Control", "no-store"))).header("cache-control"))
                .isEqualTo("no-store");
        assertThatThrownBy(() -> ADAPTER.fulfil(ApiRequest.builder().id("r-1").build(), response, List.of(Obligation.redactField("/amount"))))
                .isInstanceOf(ObligationException.class);
    }

    @Test
    void upstreamResponsesAreReadForResponseRules() throws Exception {
        ApiRequest request = ADAPTER.normalize(post("text/xml", TRANSFER_11, null), CONTEXT);
        String answer = TRANSFER_11.replace("b:Transfer ", "b:TransferResponse ").replace("</b:Transfer>", "</b:TransferResponse>");

        var response = ADAPTER.normalizeResponse(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("text/xml")), answer.getBytes(StandardCharsets.UTF_8)));

        assertThat(response.bodyText("/toAccount")).isEqualTo("acc-bob-1");
        // An answer that is not SOAP would go unjudged: withheld instead.
        for (String contentType : List.of("text/html", "application/octet-stream")) {
            RequestRejectedException notSoap = catchThrowableOfType(RequestRejectedException.class, () -> ADAPTER.normalizeResponse(
                    request, new HttpResponseMessage(500, Map.of("content-type", List.of(contentType)),
                            "card 4111 1111 1111 1111".getBytes(StandardCharsets.UTF_8))));
            assertThat(notSoap.reason()).as(contentType).isEqualTo("UPSTREAM_RESPONSE_NOT_SOAP");
        }
    }

    @Test
    void sensitiveDataInASoapAnswerIsMaskedInPlaceWhereTheRulesFoundIt() throws Exception {
        ApiRequest request = ADAPTER.normalize(post("text/xml", TRANSFER_11, null), CONTEXT);
        String answer = TRANSFER_11.replace("b:Transfer ", "b:TransferResponse ").replace("</b:Transfer>",
                "<b:note>card 4111 1111 1111 1111, ssn 123-45-6789</b:note></b:TransferResponse>");
        HttpResponseMessage upstream = new HttpResponseMessage(200, Map.of("content-type", List.of("text/xml")),
                answer.getBytes(StandardCharsets.UTF_8));
        var normalized = ADAPTER.normalizeResponse(request, upstream);
        assertThat(normalized.hasData("CARD")).isTrue();

        HttpResponseMessage out = ADAPTER.fulfil(request, upstream, List.of(
                new Obligation.MaskValue("/note", io.portcullis.engine.dlp.SensitiveData.Kind.CARD),
                new Obligation.MaskValue("/note", io.portcullis.engine.dlp.SensitiveData.Kind.US_SSN)));
        String body = new String(out.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("card **** **** **** 1111, ssn ***-**-6789").doesNotContain("4111 1111").contains("acc-bob-1");

        // An answer in another charset is written out again in UTF-8, and labelled so.
        String latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + answer.replace("<b:note>", "<b:note>Zürich, ");
        HttpResponseMessage latinOut = ADAPTER.fulfil(request, new HttpResponseMessage(200,
                Map.of("content-type", List.of("text/xml; charset=ISO-8859-1")), latin.getBytes(StandardCharsets.ISO_8859_1)),
                List.of(new Obligation.MaskValue("/note", io.portcullis.engine.dlp.SensitiveData.Kind.CARD)));
        assertThat(latinOut.header("content-type")).isEqualTo("text/xml; charset=utf-8");
        assertThat(new String(latinOut.body(), StandardCharsets.UTF_8)).contains("Zürich, card **** **** **** 1111");
    }

    @Test
    void addressedRequestsAnswerOnTheirOwnConnectionAndTheirFaultsRelateToThem() throws Exception {
        String wsa = "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"";
        java.util.function.Function<String, String> addressed = headers -> TRANSFER_11.replace("<s:Header/>",
                "<s:Header " + wsa + "><wsa:Action>urn:demo-bank/Transfer</wsa:Action><wsa:MessageID>urn:uuid:m-1</wsa:MessageID>"
                        + headers + "</s:Header>");
        String anonymous = "<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>";
        ApiRequest request = ADAPTER.normalize(post("text/xml", addressed.apply(anonymous), "\"urn:demo-bank/Transfer\""), CONTEXT);
        assertThat(request.attribute(SoapAdapter.ACTION_ATTRIBUTE)).isEqualTo("urn:demo-bank/Transfer");
        String fault = new String(ADAPTER.refusal(request, 403, List.of("NOT_PERMITTED"), "No.").body(), StandardCharsets.UTF_8);
        assertThat(fault).contains("<wsa:Action xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
                + "http://www.w3.org/2005/08/addressing/soap/fault</wsa:Action>").contains(">urn:uuid:m-1</wsa:RelatesTo>");
        // Without a SOAPAction header, the Action is the SOAP action.
        assertThat(ADAPTER.normalize(post("text/xml", addressed.apply(""), null), CONTEXT).attribute(SoapAdapter.ACTION_ATTRIBUTE))
                .isEqualTo("urn:demo-bank/Transfer");

        for (String refused : List.of(
                // The service would send its answer past the gateway, to wherever the caller says.
                "<wsa:ReplyTo><wsa:Address>https://collector.example/</wsa:Address></wsa:ReplyTo>",
                "<wsa:FaultTo><wsa:Address>http://www.w3.org/2005/08/addressing/none</wsa:Address></wsa:FaultTo>",
                "<wsa:ReplyTo/>",
                // Two addresses, the anonymous one first: the service might take the other.
                "<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address>"
                        + "<wsa:Address>https://collector.example/</wsa:Address></wsa:ReplyTo>",
                "<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address>"
                        + "<wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>",
                "<wsa:Action>urn:demo-bank/CloseAccount</wsa:Action>",
                "<wsa2:To xmlns:wsa2=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\">x</wsa2:To>")) {
            RequestRejectedException rejected = reject(post("text/xml", addressed.apply(refused), "\"urn:demo-bank/Transfer\""));
            assertThat(rejected.status()).as(refused).isEqualTo(400);
            assertThat(rejected.reason()).isEqualTo(SoapAdapter.ADDRESSING_INVALID);
            assertThat(rejected.getMessage()).doesNotContain("collector");
        }
        assertThat(reject(post("text/xml", addressed.apply(""), "\"urn:demo-bank/GetAccount\"")).reason())
                .isEqualTo(SoapAdapter.ADDRESSING_INVALID);
    }

    @Test
    void anActionNamedTwiceIsRefused() throws Exception {
        // The gateway would judge the first; a service might dispatch by the last, or by both joined.
        HttpRequestMessage twoHeaders = new HttpRequestMessage("POST", "/soap/bank", "", Map.of("content-type", List.of("text/xml"),
                "soapaction", List.of("\"urn:demo-bank/Transfer\"", "\"urn:demo-bank/CloseAccount\"")),
                TRANSFER_11.getBytes(StandardCharsets.UTF_8));
        String soap12 = TRANSFER_11.replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope");
        HttpRequestMessage twoParameters = post("application/soap+xml; action=\"urn:demo-bank/Transfer\"; action=\"urn:demo-bank/CloseAccount\"",
                soap12, null);

        // A service that searches the content type for "action=" would find xaction= first.
        HttpRequestMessage hiddenParameter = post("application/soap+xml; xaction=\"urn:demo-bank/CloseAccount\"; action=\"urn:demo-bank/Transfer\"",
                soap12, null);
        HttpRequestMessage headerAndParameterDiffer = new HttpRequestMessage("POST", "/soap/bank", "", Map.of(
                "content-type", List.of("application/soap+xml; action=\"urn:demo-bank/Transfer\""),
                "soapaction", List.of("\"urn:demo-bank/CloseAccount\"")), soap12.getBytes(StandardCharsets.UTF_8));

        HttpRequestMessage spacedAndDiffering = new HttpRequestMessage("POST", "/soap/bank", "", Map.of(
                "content-type", List.of("application/soap+xml; action = \"urn:demo-bank/CloseAccount\""),
                "soapaction", List.of("\"urn:demo-bank/Transfer\"")), soap12.getBytes(StandardCharsets.UTF_8));

        for (HttpRequestMessage message : List.of(twoHeaders, twoParameters, hiddenParameter, headerAndParameterDiffer,
                spacedAndDiffering)) {
            RequestRejectedException rejected = reject(message);
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.reason()).isEqualTo(SoapAdapter.ACTION_AMBIGUOUS);
        }
        // SAAJ sends SOAPAction: "" beside the parameter: that names no action.
        HttpRequestMessage saaj = new HttpRequestMessage("POST", "/soap/bank", "", Map.of(
                "content-type", List.of("application/soap+xml;charset=utf-8;action=\"urn:demo-bank/Transfer\""),
                "soapaction", List.of("\"\"")), soap12.getBytes(StandardCharsets.UTF_8));
        assertThat(ADAPTER.normalize(saaj, CONTEXT).attribute(SoapAdapter.ACTION_ATTRIBUTE)).isEqualTo("urn:demo-bank/Transfer");
    }

    private static RequestRejectedException reject(HttpRequestMessage message) {
        return catchThrowableOfType(RequestRejectedException.class, () -> ADAPTER.normalize(message, CONTEXT));
    }

    private static HttpRequestMessage post(String contentType, String body, String soapAction) {
        Map<String, List<String>> headers = soapAction == null
                ? Map.of("content-type", List.of(contentType))
                : Map.of("content-type", List.of(contentType), "soapaction", List.of(soapAction));
        return new HttpRequestMessage("POST", "/soap/bank", "", headers, body.getBytes(StandardCharsets.UTF_8));
    }
}
