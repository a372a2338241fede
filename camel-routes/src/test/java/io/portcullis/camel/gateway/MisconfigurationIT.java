package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Security misconfiguration defences through the gateway: CORS, response headers, verbose upstream errors, methods. */
class MisconfigurationIT {

    static final String APP = "https://app.portcullis.demo";

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway();

    @Test
    void aPreflightFromAListedOriginIsAnsweredAtTheGatewayAndFromAnyOtherRefused() throws Exception {
        HttpResponse<String> listed = demo.gateway().send(preflight(APP, "POST", "content-type, x-api-key"));
        assertThat(listed.statusCode()).isEqualTo(204);
        assertThat(listed.headers().firstValue("access-control-allow-origin")).contains(APP);
        assertThat(listed.headers().firstValue("access-control-allow-credentials")).contains("true");
        assertThat(listed.headers().firstValue("access-control-allow-methods")).contains("GET, POST");

        assertProblem(demo.gateway().send(preflight("https://evil.example", "POST", "content-type")), 403, "CORS_NOT_ALLOWED");
        // The GraphQL route lists GET and POST only, and has no CORS: its preflights are refused as CORS, not as OPTIONS.
        HttpResponse<String> graphQl = demo.gateway().send(demo.gateway().get("/graphql", null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP).header("Access-Control-Request-Method", "POST"));
        assertThat(graphQl.statusCode()).isEqualTo(403);
        assertThat(graphQl.body()).contains("CORS_NOT_ALLOWED");
        assertProblem(demo.gateway().send(preflight(APP, "DELETE", "")), 403, "CORS_NOT_ALLOWED");
        assertProblem(demo.gateway().send(preflight(APP, "POST", "x-forwarded-for")), 403, "CORS_NOT_ALLOWED");
    }

    @Test
    void anActualRequestGetsCorsHeadersOnlyForAListedOrigin() throws Exception {
        HttpResponse<String> listed = demo.gateway().send(demo.gateway().get("/api/branches", null).header("Origin", APP));
        assertThat(listed.headers().firstValue("access-control-allow-origin")).contains(APP);
        assertThat(listed.headers().firstValue("vary")).contains("Origin");
        HttpResponse<String> other = demo.gateway().send(demo.gateway().get("/api/branches", null).header("Origin", "https://evil.example"));
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void aBrowserAppCanReadTheRateLimitAndRequestIdHeaders() throws Exception {
        HttpResponse<String> limited = demo.gateway().send(demo.gateway().get("/api/accounts/acc-alice-1", "alice-demo-key")
                .header("Origin", APP));

        assertThat(limited.headers().firstValue("ratelimit-remaining")).isPresent();
        assertThat(limited.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(exposed -> assertThat(
                java.util.List.of(exposed.split(", "))).contains("ratelimit-limit", "ratelimit-policy", "ratelimit-remaining",
                "ratelimit-reset", "retry-after", "x-request-id"));
    }

    @Test
    void everyResponseCarriesTheSecurityHeadersAndNoServerSoftware() throws Exception {
        HttpResponse<String> permitted = demo.gateway().send(demo.gateway().get("/api/accounts/acc-alice-1", "alice-demo-key"));
        HttpResponse<String> refused = demo.gateway().send(demo.gateway().get("/api/accounts/acc-alice-1", null));
        for (HttpResponse<String> response : java.util.List.of(permitted, refused)) {
            assertThat(response.headers().firstValue("x-content-type-options")).contains("nosniff");
            assertThat(response.headers().firstValue("referrer-policy")).contains("no-referrer");
            assertThat(response.headers().firstValue("cache-control")).contains("no-store");
            assertThat(response.headers().firstValue("server")).isEmpty();
        }
        HttpResponse<String> soapDirect = demo.gateway().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + demo.gateway().soapUpstreamPort + "/soap/bank?wsdl")));
        assertThat(soapDirect.headers().firstValue("server")).isPresent();
    }

    @Test
    void anUpstreamStackTraceNeverReachesTheClient() throws Exception {
        HttpResponse<String> direct = demo.gateway().send(demo.gateway().upstream("/api/branches/no-such-branch"));
        assertThat(direct.statusCode()).isEqualTo(500);
        assertThat(direct.body()).contains("IllegalStateException").contains("at io.portcullis");
        assertThat(direct.headers().firstValue("x-powered-by")).isPresent();

        HttpResponse<String> viaGateway = demo.gateway().send(demo.gateway().get("/api/branches/no-such-branch", null));
        assertProblem(viaGateway, 500, "UPSTREAM_ERROR_HIDDEN");
        assertThat(viaGateway.body()).doesNotContain("IllegalStateException").doesNotContain("no-such-branch");
        assertThat(viaGateway.headers().firstValue("x-powered-by")).isEmpty();
    }

    @Test
    void traceAndOtherUnlistedMethodsAreRefusedBeforeAnythingIsRead() throws Exception {
        // TRACE, TRACK and other methods no route takes never reach one: the listener refuses them.
        for (String method : java.util.List.of("TRACE", "TRACK", "CONNECT", "PROPFIND")) {
            assertThat(raw(method, "/api/branches")).as(method).startsWith("HTTP/1.1 405").doesNotContain("cookie-value");
        }
        // A route's own list (GraphQL: GET and POST): refused by the gateway, audited, with Allow.
        String delete = raw("DELETE", "/graphql");
        assertThat(delete).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET, POST").contains("METHOD_NOT_ALLOWED")
                .doesNotContain("cookie-value");
    }

    static String raw(String method, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", demo.gateway().port)) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nX-Secret: cookie-value\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static HttpRequest.Builder preflight(String origin, String method, String headers) {
        HttpRequest.Builder request = demo.gateway().get("/api/transfers", null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", method);
        return headers.isEmpty() ? request : request.header("Access-Control-Request-Headers", headers);
    }
}
