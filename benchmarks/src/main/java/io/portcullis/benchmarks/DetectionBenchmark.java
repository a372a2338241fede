package io.portcullis.benchmarks;

import io.portcullis.engine.detect.AttackDetection;
import io.portcullis.engine.model.ApiRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * What the attack detectors add to a request (step 4 of the data flow): every value a typical
 * request carries (path, query, eleven browser-like headers, a JSON transfer body with free text)
 * through the Aho-Corasick prefilter and the detectors it selects, at paranoia 1. {@code benign}
 * is the common case; {@code attack} a request whose body carries a SQL injection and whose query
 * an XSS, so the detectors run in full.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DetectionBenchmark {

    private AttackDetection detection;
    private ApiRequest benign;
    private ApiRequest attack;

    @Setup
    public void setUp() {
        detection = AttackDetection.defaults();
        benign = request("Rent for March, flat 4B (O'Brien & Sons) - thanks!", "jeans 32/34");
        attack = request("x' UNION SELECT card_number, cvv FROM cards--", "<svg onload=alert(document.domain)>");
        if (!detection.inspect(benign).detections().isEmpty() || detection.inspect(attack).detections().size() != 2) {
            throw new IllegalStateException("the benchmark requests are not judged as intended: "
                    + detection.inspect(benign).detections() + " / " + detection.inspect(attack).detections());
        }
    }

    private static ApiRequest request(String reference, String search) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("bank.example"));
        headers.put("user-agent", List.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"));
        headers.put("accept", List.of("application/json"));
        headers.put("accept-language", List.of("en-GB,en;q=0.9"));
        headers.put("accept-encoding", List.of("gzip, deflate, br"));
        headers.put("content-type", List.of("application/json"));
        headers.put("x-api-key", List.of("alice-demo-key"));
        headers.put("referer", List.of("https://bank.example/app/transfers?tab=new"));
        headers.put("x-correlation-id", List.of("5f2b6c1e-8a8e-4c1a-9d3b-0c9f2d1e7a44"));
        headers.put("cookie", List.of("session=9f8e7d6c5b4a; theme=dark"));
        headers.put("origin", List.of("https://bank.example"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("/fromAccount", "acc-alice-1");
        body.put("/toAccount", "acc-bob-1");
        body.put("/amount", new java.math.BigDecimal("1250.00"));
        body.put("/currency", "EUR");
        body.put("/reference", reference);
        body.put("/payee/name", "Bob Smith");
        body.put("/payee/iban", "GB82 WEST 1234 5698 7654 32");
        return ApiRequest.builder().id("bench").route("bank-rest").operation("transfer").method("POST")
                .path("/api/transfers").query(Map.of("q", List.of(search), "page", List.of("2"))).headers(headers).body(body)
                .build();
    }

    @Benchmark
    public ApiRequest benign() {
        return detection.inspect(benign);
    }

    @Benchmark
    public ApiRequest attack() {
        return detection.inspect(attack);
    }
}
