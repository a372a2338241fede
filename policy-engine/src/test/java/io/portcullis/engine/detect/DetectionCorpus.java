package io.portcullis.engine.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.engine.json.JsonBodyValues;
import io.portcullis.engine.model.ApiRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The detection corpus (src/test/resources/detection/corpus): per set ({@code dev}, the one the
 * detectors were tuned on, and {@code holdout}, written separately and not tuned on), attack
 * payloads per family and benign values per kind, one per line, as the application receives them.
 * Each line becomes the request a client would send: a query parameter, a JSON body (NoSQL, JSON
 * bodies), an XML body (XXE, XML) or the User-Agent header.
 */
record DetectionCorpus(Path root) {

    static final DetectionCorpus BUNDLED = new DetectionCorpus(Path.of("src/test/resources/detection/corpus"));
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Attack files and the family each should be reported as. */
    static final Map<String, String> FAMILIES = Map.of("sqli", SqlInjectionDetector.FAMILY, "nosqli",
            NoSqlInjectionDetector.FAMILY, "cmdi", CommandInjectionDetector.FAMILY, "xss", XssDetector.FAMILY,
            "traversal", PathTraversalDetector.FAMILY, "ldapi", LdapInjectionDetector.FAMILY, "xpathi",
            XPathInjectionDetector.FAMILY, "expression", ExpressionInjectionDetector.FAMILY, "ssrf", SsrfDetector.FAMILY,
            "xxe", XxeDetector.FAMILY);

    /** One corpus line. */
    record Sample(String set, String kind, String payload, boolean attack) {
    }

    List<Sample> samples(String set, boolean attacks) {
        Path dir = root.resolve(set).resolve(attacks ? "attacks" : "benign");
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                String kind = file.getFileName().toString().replace(".txt", "");
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        samples.add(new Sample(set, kind, line, attacks));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** The request that carries the sample the way a client would send it. */
    static ApiRequest request(Sample sample) {
        ApiRequest.Builder request = ApiRequest.builder().id("corpus").route("corpus").path("/api/search")
                .headers(Map.of("user-agent", List.of("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
                        "accept", List.of("application/json")));
        switch (sample.kind()) {
            case "nosqli", "json-bodies" -> {
                try {
                    request.method("POST").body(JsonBodyValues.flatten(JSON.readTree(sample.payload())));
                } catch (IOException e) {
                    throw new IllegalArgumentException("corpus line is not JSON: " + sample.payload(), e);
                }
            }
            case "xxe", "xml" -> request.method("POST").body(Map.of("", sample.payload()));
            case "user-agents" -> request.headers(Map.of("user-agent", List.of(sample.payload()),
                    "accept", List.of("application/json")));
            default -> {
                Map<String, List<String>> query = new LinkedHashMap<>();
                query.put("q", List.of(sample.payload()));
                request.query(query);
            }
        }
        return request.build();
    }
}
