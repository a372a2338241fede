package io.portcullis.benchmarks;

import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.json.JsonLimits;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Peer;
import io.portcullis.rest.OpenApiContract;
import io.portcullis.rest.RestAdapter;
import io.portcullis.rest.RestRouteSettings;
import io.portcullis.soap.OutboundSecurity;
import io.portcullis.soap.SoapAdapter;
import io.portcullis.soap.SoapRouteSettings;
import io.portcullis.soap.TestKeys;
import io.portcullis.soap.Wss4jMessageSecurer;
import io.portcullis.soap.XmlLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.wss4j.common.crypto.Merlin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the adapters do to an upstream's answer besides the rules (steps 6 and 8 of the data flow):
 * read it into values for the rules ({@code normalizeResponse}) and make what the client gets
 * ({@code fulfil}). REST: an account cut to the demo bank's OpenAPI description (the upstream's
 * answer carries a field the description does not declare) with one masking obligation. SOAP: a
 * GetAccount answer with one masking obligation, signed with the gateway's key.
 *
 * <p>The OpenAPI file is {@code examples/config/openapi/demo-bank.yaml}, from the working
 * directory or its parent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResponsePathBenchmark {

    static final RequestContext CONTEXT = new RequestContext("bench", Instant.EPOCH, "bench", io.portcullis.engine.net.NetworkPolicy.OPEN.peer("127.0.0.1", 1, null, false));
    static final List<Obligation> MASK_OWNER = List.of(new Obligation.MaskValue("/owner", io.portcullis.engine.dlp.SensitiveData.Kind.EMAIL));

    private RestAdapter rest;
    private ApiRequest restRequest;
    private HttpResponseMessage restAnswer;
    private SoapAdapter soap;
    private ApiRequest soapRequest;
    private HttpResponseMessage soapAnswer;

    @Setup
    public void setUp() throws Exception {
        Path openApi = RepositoryFiles.of("examples/config/openapi/demo-bank.yaml");
        rest = new RestAdapter(new RestRouteSettings("bank-rest", List.of("GET /api/accounts/{id} as getAccount"), 1 << 20,
                JsonLimits.REQUESTS, RestRouteSettings.JSON_ONLY, RestRouteSettings.DEFAULT_MAX_RESPONSE_BYTES,
                OpenApiContract.load(openApi, true)));
        restRequest = rest.normalize(new HttpRequestMessage("GET", "/api/accounts/acc-alice-1", "", Map.of(), new byte[0]), CONTEXT);
        restAnswer = new HttpResponseMessage(200, Map.of("content-type", List.of("application/json")), ("{\"id\":\"acc-alice-1\","
                + "\"owner\":\"alice@example.com\",\"balance\":1200.50,\"currency\":\"EUR\",\"internalRiskScore\":17,"
                + "\"branch\":{\"code\":\"BR-1\",\"manager\":\"m@example.com\"}}").getBytes(StandardCharsets.UTF_8));

        TestKeys.Identity ca = TestKeys.authority("Bench CA");
        Merlin gatewayKeys = TestKeys.crypto(new TestKeys.Identity[] {TestKeys.issue(ca, "gateway")}, ca.certificate());
        gatewayKeys.setEnablePrivateKeyCaching(true);
        OutboundSecurity sign = new OutboundSecurity(new Wss4jMessageSecurer(gatewayKeys, "gateway", TestKeys.PASSWORD, 300),
                true, false, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT, false, null, Wss4jMessageSecurer.KeyIdentifiers.DEFAULT);
        soap = new SoapAdapter(new SoapRouteSettings("bank-soap", List.of("{urn:portcullis:demo-bank}GetAccount as getAccount"),
                XmlLimits.DEFAULTS), null, null, sign);
        soapRequest = soap.normalize(new HttpRequestMessage("POST", "/soap/bank", "", Map.of("content-type", List.of("text/xml"),
                "soapaction", List.of("\"urn:portcullis:demo-bank/GetAccount\"")), envelope("<b:GetAccount xmlns:b=\"urn:portcullis:demo-bank\">"
                + "<b:accountId>acc-alice-1</b:accountId></b:GetAccount>")), CONTEXT);
        soapAnswer = new HttpResponseMessage(200, Map.of("content-type", List.of("text/xml; charset=utf-8")),
                envelope("<b:GetAccountResponse xmlns:b=\"urn:portcullis:demo-bank\"><b:id>acc-alice-1</b:id>"
                        + "<b:owner>alice@example.com</b:owner><b:balance>1200.50</b:balance><b:currency>EUR</b:currency>"
                        + "</b:GetAccountResponse>"));
        Blackhole none = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        String cut = new String(restResponse(none).body(), StandardCharsets.UTF_8);
        if (cut.contains("alice@example.com") || cut.contains("internalRiskScore") || !cut.contains("\"balance\":1200.5")) {
            throw new IllegalStateException("the REST answer was not cut and masked: " + cut);
        }
        if (!new String(soapResponse(none).body(), StandardCharsets.UTF_8).contains("SignatureValue")) {
            throw new IllegalStateException("the SOAP answer was not signed");
        }
    }

    private static byte[] envelope(String body) {
        return ("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" + body + "</s:Body></s:Envelope>")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public HttpResponseMessage restResponse(Blackhole facts) throws Exception {
        facts.consume(rest.normalizeResponse(restRequest, restAnswer));
        return rest.fulfil(restRequest, restAnswer, MASK_OWNER);
    }

    @Benchmark
    public HttpResponseMessage soapResponse(Blackhole facts) throws Exception {
        facts.consume(soap.normalizeResponse(soapRequest, soapAnswer));
        return soap.fulfil(soapRequest, soapAnswer, MASK_OWNER);
    }
}
