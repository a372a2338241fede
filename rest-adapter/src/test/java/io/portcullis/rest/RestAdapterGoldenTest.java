package io.portcullis.rest;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.model.ApiRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: raw HTTP requests under {@code src/test/resources/golden/} and what the adapter
 * must make of them — the expected {@code ApiRequest} ({@code NAME.json}) or the refusal
 * ({@code NAME.rejected.json}), whose message must not echo the request.
 */
class RestAdapterGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final RestAdapter ADAPTER = new RestAdapter(new RestRouteSettings("golden",
            List.of("GET /api/branches", "GET /api/accounts/{id}", "DELETE /api/accounts/{id}", "POST /api/transfers",
                    "GET /api/customers/{id}", "* /echo/**"),
            512, io.portcullis.engine.json.JsonLimits.REQUESTS.withMaxDepth(8), List.of("application/json", "text/plain"), 4096));

    @TestFactory
    Stream<DynamicTest> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.filter(f -> f.toString().endsWith(".http")).sorted().toList().stream()
                    .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
        }
    }

    private static void check(Path httpFile) throws Exception {
        String name = httpFile.getFileName().toString().replace(".http", "");
        HttpRequestMessage message = parse(Files.readAllBytes(httpFile));
        RequestContext context = new RequestContext("req-1", Instant.EPOCH, "golden", NetworkPolicy.OPEN.peer("192.0.2.10", 4242, null, false));
        Path rejected = GOLDEN.resolve(name + ".rejected.json");
        if (Files.exists(rejected)) {
            JsonNode expected = JSON.readTree(rejected.toFile());
            RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class,
                    () -> ADAPTER.normalize(message, context));
            assertThat(e).as("%s must be refused", name).isNotNull();
            assertThat(e.status()).isEqualTo(expected.get("status").asInt());
            assertThat(e.reason()).isEqualTo(expected.get("reason").asText());
            assertThat(e.getMessage()).doesNotContain(message.rawPath().substring(1));
            String body = new String(message.body(), StandardCharsets.UTF_8);
            if (body.length() >= 8) {
                assertThat(e.getMessage()).doesNotContain(body.substring(0, 8));
            }
            return;
        }
        ApiRequest request = ADAPTER.normalize(message, context);
        Map<String, Object> actual = new LinkedHashMap<>();
        actual.put("operation", request.operation());
        actual.put("method", request.method());
        actual.put("path", request.path());
        actual.put("pathParams", request.pathParams());
        actual.put("query", request.query());
        actual.put("headers", request.headers());
        actual.put("body", request.body());
        assertThat(request.peer().address()).isEqualTo("192.0.2.10");
        assertThat(JSON.readTree(JSON.writeValueAsString(actual)))
                .isEqualTo(JSON.readTree(GOLDEN.resolve(name + ".json").toFile()));
    }

    /** Reads a raw HTTP/1.1 request: request line, CRLF-separated headers, blank line, body. */
    static HttpRequestMessage parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, headerEnd).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        String target = requestLine[1];
        int question = target.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : Arrays.asList(lines).subList(1, lines.length)) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        byte[] body = Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
        return new HttpRequestMessage(requestLine[0], question < 0 ? target : target.substring(0, question),
                question < 0 ? "" : target.substring(question + 1), headers, body);
    }
}
