package io.portcullis.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.json.JsonLimits;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Peer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiContractTest {

    static final String DESCRIPTION = """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /items/{id}:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: string, pattern: "^[a-z0-9-]{1,32}$"}}
                get:
                  responses:
                    "200":
                      description: one item
                      content:
                        "application/json;charset=UTF-8":
                          schema:
                            type: object
                            properties:
                              id: {type: string}
                              secret: {type: string, writeOnly: true}
              /notes:
                post:
                  requestBody:
                    content:
                      application/json:
                        schema:
                          type: object
                          additionalProperties: true
                          properties:
                            text: {type: string}
                            author: {type: string, readOnly: true}
                  responses:
                    "201": {description: made}
              /items:
                get:
                  responses:
                    "200":
                      description: all items
                      content:
                        application/json:
                          schema: {type: array, items: {type: object, properties: {id: {type: string}}}}
            """;

    @TempDir
    Path dir;
    RestAdapter adapter;
    @BeforeEach
    void load() throws Exception {
        Path file = Files.writeString(dir.resolve("api.yaml"), DESCRIPTION);
        adapter = new RestAdapter(new RestRouteSettings("t", List.of("GET /items/{id} as getItem", "GET /items as listItems", "POST /notes"),
                1 << 20, JsonLimits.REQUESTS, RestRouteSettings.JSON_ONLY, 1 << 20, OpenApiContract.load(file, true)));
    }

    ApiRequest get(String rawPath) throws RequestRejectedException {
        return adapter.normalize(new HttpRequestMessage("GET", rawPath, "", Map.of(), new byte[0]),
                new RequestContext("r", Instant.EPOCH, "t", Peer.UNKNOWN));
    }

    static HttpResponseMessage json(int status, String contentType, String body) {
        return new HttpResponseMessage(status, Map.of("content-type", List.of(contentType)), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPathParameterIsCheckedAsTheUpstreamWillReadItNotDecodedTwice() {
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> get("/items/%2561"));
        assertThat(refused).isNotNull();
        assertThat(refused.reason()).isEqualTo(OpenApiContract.VIOLATION);
    }

    @Test
    void aReadOnlyPropertyIsRefusedEvenWhereTheObjectAdmitsOthers() throws Exception {
        RestAdapter open = new RestAdapter(new RestRouteSettings("t", List.of("POST /notes"), 1 << 20, JsonLimits.REQUESTS,
                RestRouteSettings.JSON_ONLY, 1 << 20, OpenApiContract.load(dir.resolve("api.yaml"), false)));
        RequestContext context = new RequestContext("r", Instant.EPOCH, "t", Peer.UNKNOWN);
        Map<String, List<String>> json = Map.of("content-type", List.of("application/json"));
        open.normalize(new HttpRequestMessage("POST", "/notes", "", json, "{\"text\":\"hi\",\"tags\":[]}".getBytes()), context);
        RequestRejectedException refused = catchThrowableOfType(RequestRejectedException.class, () -> open.normalize(
                new HttpRequestMessage("POST", "/notes", "", json, "{\"text\":\"hi\",\"author\":\"admin\"}".getBytes()), context));
        assertThat(refused.reason()).isEqualTo(OpenApiContract.VIOLATION);
        // Strict: the undeclared property is a fact for the rules (refuse or strip), and never goes up unstripped.
        HttpRequestMessage tagged = new HttpRequestMessage("POST", "/notes", "", json, "{\"text\":\"hi\",\"tags\":[]}".getBytes());
        ApiRequest strict = adapter.normalize(tagged, context);
        assertThat(strict.attributeValues(OpenApiContract.UNDECLARED_PROPERTIES_ATTRIBUTE)).containsExactly("/tags");
        assertThat(catchThrowableOfType(ObligationException.class, () -> adapter.fulfil(strict, tagged, List.of())))
                .hasMessageContaining("/tags");
        HttpRequestMessage stripped = adapter.fulfil(strict, tagged, List.of(io.portcullis.engine.model.Obligation.redactField("/tags")));
        assertThat(new String(stripped.body(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"hi\"}");
    }

    @Test
    void anAnswerIsCutToItsSchemaWhateverTheJsonMediaTypeIsCalled() throws Exception {
        ApiRequest request = get("/items/a1");
        HttpResponseMessage out = adapter.fulfil(request, json(200, "application/json", "{\"id\":\"a1\",\"secret\":\"s\",\"debug\":1}"),
                List.of());
        assertThat(new String(out.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"a1\"}");
    }

    @Test
    void theRulesSeeTheAnswerAsItWillBeSentCutToItsSchema() throws Exception {
        ApiRequest request = get("/items/a1");
        ApiResponse facts = adapter.normalizeResponse(request,
                json(200, "application/json", "{\"id\":\"a1\",\"secret\":\"AKIAIOSFODNN7EXAMPLE\",\"debug\":1}"));

        assertThat(facts.body()).containsOnlyKeys("/id");
        assertThat(facts.hasData("SECRET")).isFalse();
        // The upstream's leak is still noted, for the audit: kind and pointer, never the value.
        assertThat(facts.removedSensitiveData()).singleElement().satisfies(found -> {
            assertThat(found.kind().name()).isEqualTo("SECRET");
            assertThat(found.pointer()).isEqualTo("/secret");
        });
        // Searched at most once a minute per operation: the next answer's removed fields are not searched.
        assertThat(adapter.normalizeResponse(request, json(200, "application/json", "{\"id\":\"a1\",\"secret\":\"AKIAIOSFODNN7EXAMPLE\"}"))
                .removedSensitiveData()).isEmpty();

        ApiRequest list = get("/items");
        RequestRejectedException misshapen = catchThrowableOfType(RequestRejectedException.class, () -> adapter.normalizeResponse(
                list, json(200, "application/json", "{\"items\":[{\"id\":\"a1\"}],\"debug\":{\"sql\":\"select\"}}")));
        assertThat(misshapen.reason()).isEqualTo("UPSTREAM_RESPONSE_UNDESCRIBED");
    }

    @Test
    void anAnswerTheDescriptionDoesNotDescribeIsWithheldNotPassedWhole() throws Exception {
        ApiRequest request = get("/items/a1");
        RequestRejectedException undescribed = catchThrowableOfType(RequestRejectedException.class,
                () -> adapter.normalizeResponse(request, json(203, "application/json", "{\"id\":\"a1\",\"debug\":1}")));
        assertThat(undescribed.reason()).isEqualTo("UPSTREAM_RESPONSE_UNDESCRIBED");

        ApiRequest list = get("/items");
        assertThat(catchThrowableOfType(ObligationException.class, () -> adapter.fulfil(list,
                json(200, "application/json", "{\"items\":[{\"id\":\"a1\"}],\"debug\":{\"sql\":\"select\"}}"), List.of())))
                .hasMessageContaining("not shaped");
        assertThat(catchThrowableOfType(ObligationException.class, () -> adapter.fulfil(list,
                json(200, "text/plain", "[{\"id\":\"a1\",\"debug\":1}]"), List.of())))
                .hasMessageContaining("declares JSON");
    }
}
