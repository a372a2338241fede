package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.soap.SecuredMessages;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.wss4j.dom.WSConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7's must-hold: an attack of each family in each place a client can put it, through the
 * example gateway on every protocol, is refused with the family's reason code and the parameter
 * path; the same values' benign neighbours pass. The example configuration sets no detection: this
 * is the default, paranoia 1, on every route.
 */
class AttackDetectionIT {

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "alice-demo-key";
    static DemoSoapClients soap;

    @BeforeAll
    static void clients() throws Exception {
        soap = new DemoSoapClients();
    }

    /** One payload per family; each is an attack wherever it lands. */
    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of("SQL_INJECTION", "' OR '1'='1' --"),
                Arguments.of("NOSQL_INJECTION", "{\"$ne\": null}"),
                Arguments.of("COMMAND_INJECTION", "report.pdf | whoami"),
                Arguments.of("XSS", "<script>alert(document.cookie)</script>"),
                Arguments.of("PATH_TRAVERSAL", "../../../etc/passwd"));
    }

    @ParameterizedTest(name = "{0} in a REST query parameter")
    @MethodSource("attacks")
    void inARestQueryParameter(String family, String payload) throws Exception {
        HttpResponse<String> response = demo.gateway().send(demo.gateway()
                .get("/echo/search?q=" + URLEncoder.encode(payload, StandardCharsets.UTF_8), ALICE));

        assertRefusedRest(response, family, "query/q");
    }

    @ParameterizedTest(name = "{0} in a JSON body value")
    @MethodSource("attacks")
    void inAJsonBody(String family, String payload) throws Exception {
        // NoSQL injection arrives as an operator object where a value belongs; the others as strings.
        String body = family.equals("NOSQL_INJECTION") ? "{\"payee\": {\"name\": " + payload + "}}"
                : "{\"payee\": {\"name\": " + JSON.writeValueAsString(payload) + "}}";
        HttpResponse<String> response = demo.gateway().send(demo.gateway().get("/echo/notes", ALICE)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));

        assertRefusedRest(response, family, family.equals("NOSQL_INJECTION") ? "body/payee/name/$ne" : "body/payee/name");
    }

    @ParameterizedTest(name = "{0} in a header")
    @MethodSource("attacks")
    void inAHeader(String family, String payload) throws Exception {
        HttpResponse<String> response = demo.gateway().send(demo.gateway().get("/echo/search", ALICE)
                .header("X-Search", payload));

        assertRefusedRest(response, family, "header/x-search");
    }

    @ParameterizedTest(name = "{0} in a SOAP body element")
    @MethodSource("attacks")
    void inASoapBodyElement(String family, String payload) throws Exception {
        byte[] message = SecuredMessages.of(transfer(payload)).timestamp()
                .sign(soap.clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(soap.clients, "gateway", WSConstants.AES_256_GCM).bytes();

        HttpResponse<String> response = demo.gateway().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + demo.gateway().port + "/soap/bank"))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"urn:portcullis:demo-bank/Transfer\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message)));

        // SOAP 1.1 answers every fault with 500; the decision's 403 is in the audit.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
        assertThat(response.body()).contains("<faultcode>soap:Client</faultcode>").contains(family)
                .contains(family + " at body/reference").doesNotContain("whoami", "passwd", "alert(", "Exception");
        DecisionEvent event = eventOf(response);
        assertThat(event.status()).isEqualTo(403);
        assertThat(event.reasons()).contains(family);
        assertThat(event.detections()).anySatisfy(d -> assertThat(d).startsWith(family + " at body/reference"));
    }

    @ParameterizedTest(name = "{0} in a GraphQL argument")
    @MethodSource("attacks")
    void inAGraphQlArgument(String family, String payload) throws Exception {
        String query = "{ account(id: " + JSON.writeValueAsString(payload) + ") { id balance } }";

        assertRefusedGraphQl(postGraphQl(Map.of("query", query)), family, "body/account/id");
    }

    @ParameterizedTest(name = "{0} in a GraphQL variable")
    @MethodSource("attacks")
    void inAGraphQlVariable(String family, String payload) throws Exception {
        HttpResponse<String> response = postGraphQl(Map.of("query", "query Find($id: ID!) { account(id: $id) { id } }",
                "variables", Map.of("id", payload)));

        assertRefusedGraphQl(response, family, "body/$variables/id");
    }

    @Test
    void benignValuesThatLookAlikePassOnEveryProtocol() throws Exception {
        for (String value : List.of("O'Brien & Sons", "Please select the account from the list; then update it",
                "1 < 2 and 3 > 2", "C:\\Users\\jane\\report.pdf", "Jeans 32/34 -- on sale")) {
            HttpResponse<String> query = demo.gateway().send(demo.gateway()
                    .get("/echo/search?q=" + URLEncoder.encode(value, StandardCharsets.UTF_8), ALICE));
            assertThat(query.statusCode()).as(value + ": " + query.body()).isEqualTo(200);
            HttpResponse<String> header = demo.gateway().send(demo.gateway().get("/echo/search", ALICE).header("X-Search", value));
            assertThat(header.statusCode()).as(value).isEqualTo(200);
        }
        // The owner is selected: bola-002 judges the answer by it.
        HttpResponse<String> graphQl = postGraphQl(Map.of("query", "query Find($id: ID!) { account(id: $id) { id owner } }",
                "variables", Map.of("id", "acc-alice-1")));
        assertThat(graphQl.statusCode()).as(graphQl.body()).isEqualTo(200);
        assertThat(JSON.readTree(graphQl.body()).at("/data/account/id").asText()).isEqualTo("acc-alice-1");
    }

    @Test
    void anExemptedParameterMayHoldMarkupButNothingElse() throws Exception {
        // rules/injection/exemptions.drl: the echo route's html field is a content editor's markup.
        HttpResponse<String> markup = demo.gateway().send(demo.gateway().get("/echo/pages", ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"html\": \"<p onclick=\\\"show()\\\">Hello</p><script>init()</script>\"}")));
        assertThat(markup.statusCode()).as(markup.body()).isEqualTo(200);
        assertThat(eventOf(markup).reasons()).contains("DETECTION_EXEMPTED");

        HttpResponse<String> elsewhere = demo.gateway().send(demo.gateway().get("/echo/pages", ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"<script>init()</script>\"}")));
        assertRefusedRest(elsewhere, "XSS", "body/title");
        HttpResponse<String> otherFamily = demo.gateway().send(demo.gateway().get("/echo/pages", ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"html\": \"x' UNION SELECT password FROM users--\"}")));
        assertRefusedRest(otherFamily, "SQL_INJECTION", "body/html");
    }

    @Test
    void anXmlBodyWithExternalEntitiesIsRefused() throws Exception {
        HttpResponse<String> response = demo.gateway().send(demo.gateway().get("/echo/import", ALICE)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>")));

        assertRefusedRest(response, "XXE", "body");
    }

    @Test
    void anAttackToolIsRefusedByItsUserAgent() throws Exception {
        HttpResponse<String> response = demo.gateway().send(demo.gateway().get("/api/branches", null)
                .header("User-Agent", "sqlmap/1.8.2#stable (https://sqlmap.org)"));

        assertRefusedRest(response, "BAD_BOT", "header/user-agent");
    }

    static String transfer(String reference) {
        String escaped = reference.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                  <soap:Body><b:Transfer xmlns:b="urn:portcullis:demo-bank"><b:fromAccount>acc-alice-1</b:fromAccount>\
                <b:toAccount>acc-bob-1</b:toAccount><b:amount>1.00</b:amount><b:currency>EUR</b:currency>\
                <b:reference>%s</b:reference></b:Transfer></soap:Body>
                </soap:Envelope>""".formatted(escaped);
    }

    static HttpResponse<String> postGraphQl(Map<String, Object> body) throws Exception {
        return demo.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port + "/graphql"))
                .header("X-API-Key", ALICE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    static void assertRefusedRest(HttpResponse<String> response, String family, String location) throws Exception {
        JsonNode problem = GatewayIT.assertProblem(response, 403, family);
        assertThat(problem.get("detail").asText()).contains(family + " at " + location);
        assertNoEcho(response);
        assertThat(eventOf(response).detections()).anySatisfy(d -> assertThat(d).startsWith(family + " at " + location));
    }

    static void assertRefusedGraphQl(HttpResponse<String> response, String family, String location) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        JsonNode errors = JSON.readTree(response.body()).get("errors");
        assertThat(errors.findValuesAsText("code")).contains(family);
        assertThat(errors.get(0).get("message").asText()).contains(family + " at " + location);
        assertNoEcho(response);
        assertThat(eventOf(response).reasons()).contains(family);
    }

    /** The refusal names the parameter, never the value. */
    static void assertNoEcho(HttpResponse<String> response) {
        assertThat(response.body()).doesNotContain("whoami", "passwd", "alert(", "'1'='1", "$ne\"", "Exception");
    }

    static DecisionEvent eventOf(HttpResponse<String> response) {
        List<DecisionEvent> events = demo.gateway().auditOf(GatewayIT.requestId(response));
        assertThat(events).hasSize(1);
        return events.get(0);
    }
}
