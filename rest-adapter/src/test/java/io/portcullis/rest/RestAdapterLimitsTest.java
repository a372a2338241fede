package io.portcullis.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Peer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON shapes that are small on the wire but expensive to inspect are refused, not inspected. */
class RestAdapterLimitsTest {

    static final RestAdapter ADAPTER = new RestAdapter(new RestRouteSettings("limits", List.of("POST /api/transfers"),
            2 << 20, io.portcullis.engine.json.JsonLimits.REQUESTS, RestRouteSettings.JSON_ONLY, RestRouteSettings.DEFAULT_MAX_RESPONSE_BYTES));
    static final RestAdapter SMALL = new RestAdapter(new RestRouteSettings("small", List.of("POST /api/transfers"),
            2 << 20, new io.portcullis.engine.json.JsonLimits(4, 3, 5, 10), RestRouteSettings.JSON_ONLY,
            RestRouteSettings.DEFAULT_MAX_RESPONSE_BYTES));
    static final RequestContext CONTEXT = new RequestContext("r", Instant.EPOCH, "limits", Peer.UNKNOWN);

    @Test
    void longKeyOverALargeArrayIsRefusedBeforeItIsFlattened() {
        String body = "{\"" + "A".repeat(1000) + "\":[" + "0,".repeat(200_000) + "0]}";

        RequestRejectedException e = reject(body);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.reason()).isEqualTo("JSON_TOO_COMPLEX");
    }

    @Test
    void overlongMemberNameIsRefused() {
        assertThat(reject("{\"" + "A".repeat(2000) + "\":1}").reason()).isEqualTo("JSON_TOO_COMPLEX");
    }

    @Test
    void tooManyValuesAreRefused() {
        String fiveThousand = "[" + "1,".repeat(4_999) + "1]";
        assertThat(reject("{\"a\":" + fiveThousand + ",\"b\":" + fiveThousand + ",\"c\":" + fiveThousand + "}").reason())
                .isEqualTo("JSON_TOO_COMPLEX");
    }

    @Test
    void objectEntriesArrayLengthStringLengthAndDepthAreBoundedWithOrWithoutASchema() {
        assertThat(rejectBy(SMALL, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}").reason()).isEqualTo("JSON_TOO_MANY_ENTRIES");
        assertThat(rejectBy(SMALL, "{\"a\":[1,2,3,4,5,6]}").reason()).isEqualTo("JSON_ARRAY_TOO_LONG");
        assertThat(rejectBy(SMALL, "{\"a\":\"" + "x".repeat(11) + "\"}").reason()).isEqualTo("JSON_STRING_TOO_LONG");
        assertThat(rejectBy(SMALL, "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}").reason()).isEqualTo("JSON_TOO_DEEP");
        assertThat(rejectBy(SMALL, "{\"a\":1,\"a\":2}").reason()).isEqualTo("JSON_DUPLICATE_KEY");
    }

    static RequestRejectedException rejectBy(RestAdapter adapter, String body) {
        RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalize(post(body), CONTEXT));
        assertThat(e).as(body).isNotNull();
        assertThat(e.getMessage()).doesNotContain("xxxxx");
        return e;
    }

    @Test
    void ordinaryBodiesPass() throws Exception {
        ApiRequest request = ADAPTER.normalize(post("{\"items\":[" + "{\"sku\":\"x\"},".repeat(500) + "{\"sku\":\"y\"}]}"), CONTEXT);

        assertThat(request.body()).hasSize(501);
    }

    @Test
    void oversizedUpstreamDocumentIsWithheldNotInspected() throws Exception {
        ApiRequest request = ADAPTER.normalize(post("{}"), CONTEXT);
        HttpResponseMessage response = new HttpResponseMessage(200, Map.of("content-type", List.of("application/json")),
                ("[" + "1,".repeat(20_000) + "1]").getBytes(StandardCharsets.UTF_8));

        RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class,
                () -> ADAPTER.normalizeResponse(request, response));

        assertThat(e.status()).isEqualTo(502);
        assertThat(e.reason()).isEqualTo("UPSTREAM_RESPONSE_TOO_COMPLEX");
    }

    private static RequestRejectedException reject(String body) {
        return catchThrowableOfType(RequestRejectedException.class, () -> ADAPTER.normalize(post(body), CONTEXT));
    }

    private static HttpRequestMessage post(String body) {
        return new HttpRequestMessage("POST", "/api/transfers", "", Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
