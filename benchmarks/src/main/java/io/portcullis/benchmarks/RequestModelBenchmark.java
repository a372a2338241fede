package io.portcullis.benchmarks;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
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
 * What a step of the data flow pays to hand the request model on with one thing changed (the
 * authentication chain sets the principal, the detectors their findings: each a new immutable
 * {@link ApiRequest}). {@code transfer} is a typical REST call (eleven headers, a seven-value JSON
 * body); {@code bulk} one with a 200-value body, as a batch upload or a large SOAP message reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RequestModelBenchmark {

    private static final Principal ALICE = Principal.builder("alice", AuthMethod.API_KEY).roles(java.util.Set.of("customer")).build();

    private ApiRequest transfer;
    private ApiRequest bulk;

    @Setup
    public void setUp() {
        transfer = request(7);
        bulk = request(200);
    }

    private static ApiRequest request(int bodyValues) {
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
        for (int i = 0; i < bodyValues; i++) {
            body.put("/items/" + i + "/reference", "Rent for March, flat 4B #" + i);
        }
        return ApiRequest.builder().id("bench").route("bank-rest").operation("transfer").method("POST")
                .path("/api/transfers").query(Map.of("page", List.of("2"))).headers(headers).body(body)
                .attributes(Map.of("rest.contentType", "application/json")).build();
    }

    @Benchmark
    public ApiRequest transfer() {
        return transfer.toBuilder().principal(ALICE).build();
    }

    @Benchmark
    public ApiRequest bulk() {
        return bulk.toBuilder().principal(ALICE).build();
    }
}
