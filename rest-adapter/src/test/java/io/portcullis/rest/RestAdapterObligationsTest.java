package io.portcullis.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.Obligation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestAdapterObligationsTest {

    static final RestAdapter ADAPTER = RestAdapterGoldenTest.ADAPTER;
    static final io.portcullis.engine.model.ApiRequest REQUEST = io.portcullis.engine.model.ApiRequest.builder().id("r-1").build();

    @Test
    void redactsNestedFieldsAndSetsHeaders() throws Exception {
        HttpResponseMessage response = json("{\"id\":\"alice\",\"nationalId\":\"123\",\"cards\":[{\"pan\":\"4111\"},{\"pan\":\"5555\"}],\"a/b\":1}");

        HttpResponseMessage out = ADAPTER.fulfil(REQUEST, response, List.of(Obligation.redactField("/nationalId"),
                Obligation.redactField("/cards/1/pan"), Obligation.redactField("/a~1b"), Obligation.redactField("/absent"),
                Obligation.addHeader("Cache-Control", "no-store"), Obligation.removeHeader("X-Powered-By")));

        assertThat(new String(out.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"alice\",\"cards\":[{\"pan\":\"4111\"},{}]}");
        assertThat(out.header("cache-control")).isEqualTo("no-store");
        assertThat(out.headers()).doesNotContainKey("x-powered-by");
    }

    @Test
    void fieldThatAlsoAppearsElsewhereCannotBeRedactedSoTheResponseIsWithheld() {
        HttpResponseMessage list = json("{\"nationalId\":\"1\",\"household\":[{\"nationalId\":\"2\"}]}");
        HttpResponseMessage wrapped = json("{\"data\":{\"nationalId\":\"123-45-6789\"}}");

        assertThatThrownBy(() -> ADAPTER.fulfil(REQUEST, list, List.of(Obligation.redactField("/nationalId"))))
                .isInstanceOf(ObligationException.class);
        assertThatThrownBy(() -> ADAPTER.fulfil(REQUEST, wrapped, List.of(Obligation.redactField("/nationalId"))))
                .isInstanceOf(ObligationException.class);
    }

    @Test
    void redactionOfANonJsonBodyCannotBeFulfilled() {
        HttpResponseMessage html = new HttpResponseMessage(200, Map.of("content-type", List.of("text/html")),
                "<p>123-45-6789</p>".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ADAPTER.fulfil(REQUEST, html, List.of(Obligation.redactField("/nationalId"))))
                .isInstanceOf(ObligationException.class);
    }

    @Test
    void refusalIsProblemJsonWithTheRequestId() {
        HttpResponseMessage refusal = ADAPTER.refusal("req-9", new HttpRequestMessage("GET", "/accounts/1", "", Map.of(), null), 403, List.of("BOLA_NOT_OWNER"), "You may only access your own records.");

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.header("content-type")).isEqualTo("application/problem+json");
        assertThat(new String(refusal.body(), StandardCharsets.UTF_8))
                .contains("\"requestId\":\"req-9\"", "\"reasons\":[\"BOLA_NOT_OWNER\"]", "\"title\":\"Forbidden\"");
    }

    private static HttpResponseMessage json(String body) {
        return new HttpResponseMessage(200, Map.of("content-type", List.of("application/json"), "x-powered-by", List.of("demo")),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
