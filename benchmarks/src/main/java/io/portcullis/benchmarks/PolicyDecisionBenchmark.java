package io.portcullis.benchmarks;

import io.portcullis.engine.RulePacks;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Principal;
import io.portcullis.engine.policy.PolicyEngine;
import io.portcullis.engine.policy.RulePack;
import io.portcullis.engine.policy.RulePackPolicyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Time of one policy decision with the bundled rule pack ({@code rules/}), request already
 * normalized: what step 5 (and 7, for responses) of the gateway's data flow adds to each call.
 * Parsing, authentication, detectors and the upstream are not included.
 *
 * <p>Each benchmark covers a different path through the pack: a permit from the decision table,
 * a deny from the decision table, a deny from a DRL rule, the default deny for an undeclared
 * operation, and a response-side ownership check. {@link #setUp()} checks that each request gets
 * the decision its fixture expects, so a changed rule pack cannot silently make a benchmark measure
 * a different path.
 *
 * <p>The rules directory is the system property {@code portcullis.rules}, else {@code rules} in
 * the working directory, else {@code ../rules}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class PolicyDecisionBenchmark {

    private static final String READ_ACCOUNT = "getAccount";

    private PolicyEngine engine;
    private ApiRequest customerReadsOwnAccount;
    private ApiRequest customerClosesAccount;
    private ApiRequest customerReadsSomeoneElsesCustomerRecord;
    private ApiRequest anonymousUndeclared;
    private ApiResponse ownAccountResponse;

    @Setup
    public void setUp() throws Exception {
        Path rules = rulesDirectory();
        RulePack pack = RulePacks.loader(rules, Clock.systemUTC()).load();
        engine = new RulePackPolicyEngine(() -> pack);

        Principal alice = new Principal("alice", Set.of("customer"), Set.of(), "", AuthMethod.API_KEY, "key-alice",
                Map.of("accounts", Set.of("acc-alice-1")));
        customerReadsOwnAccount = request("bench-1", READ_ACCOUNT, "GET", "/api/accounts/acc-alice-1",
                Map.of("id", "acc-alice-1"), alice);
        customerClosesAccount = request("bench-2", "closeAccount", "DELETE", "/api/accounts/acc-alice-1",
                Map.of("id", "acc-alice-1"), alice);
        customerReadsSomeoneElsesCustomerRecord = request("bench-3", "getCustomer", "GET",
                "/api/customers/bob", Map.of("id", "bob"), alice);
        anonymousUndeclared = request("bench-4", ApiRequest.UNDECLARED_OPERATION, "GET", "/api/internal/debug",
                Map.of(), Principal.ANONYMOUS);
        ownAccountResponse = new ApiResponse(customerReadsOwnAccount, 200,
                Map.of("content-type", List.of("application/json")), Map.of("/owner", "alice"));

        expect("customerReadsOwnAccount", engine.decide(customerReadsOwnAccount), Decision.Effect.PERMIT, "ROLE_ALLOWED");
        expect("customerClosesAccount", engine.decide(customerClosesAccount), Decision.Effect.DENY, "FUNCTION_NOT_ALLOWED");
        expect("customerReadsSomeoneElsesCustomerRecord", engine.decide(customerReadsSomeoneElsesCustomerRecord),
                Decision.Effect.DENY, "BOLA_NOT_OWNER");
        expect("anonymousUndeclared", engine.decide(anonymousUndeclared), Decision.Effect.DENY, "AUTHN_REQUIRED");
        expect("responseOwnerCheck", engine.decideResponse(ownAccountResponse), Decision.Effect.PERMIT, null);
    }

    /** Permit from the decision table (access-010-read-account). */
    @Benchmark
    public Decision customerReadsOwnAccount() {
        return engine.decide(customerReadsOwnAccount);
    }

    /** Deny from the decision table: closing an account is for admins (access-011-close-account). */
    @Benchmark
    public Decision customerClosesAccount() {
        return engine.decide(customerClosesAccount);
    }

    /** Deny from a DRL rule: object-level check on the path (bola-001-customer-record-by-path). */
    @Benchmark
    public Decision customerReadsSomeoneElsesCustomerRecord() {
        return engine.decide(customerReadsSomeoneElsesCustomerRecord);
    }

    /** Default deny: an anonymous caller of an operation no route declares (401, AUTHN_REQUIRED). */
    @Benchmark
    public Decision anonymousUndeclared() {
        return engine.decide(anonymousUndeclared);
    }

    /** Response-side rules: the owner field of an account matches the caller (bola-002 does not fire). */
    @Benchmark
    public Decision responseOwnerCheck() {
        return engine.decideResponse(ownAccountResponse);
    }

    private static ApiRequest request(String id, String operation, String method, String path,
                                      Map<String, String> pathParams, Principal principal) {
        return ApiRequest.builder()
                .id(id)
                .receivedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .route("bank")
                .operation(operation)
                .method(method)
                .path(path)
                .pathParams(pathParams)
                .headers(Map.of("accept", List.of("application/json")))
                .principal(principal)
                .build();
    }

    private static Path rulesDirectory() {
        String configured = System.getProperty("portcullis.rules");
        if (configured != null && !configured.isBlank()) {
            return requireDirectory(Path.of(configured));
        }
        return requireDirectory(RepositoryFiles.of("rules"));
    }

    private static Path requireDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("rules directory not found: " + path.toAbsolutePath().normalize()
                    + " (run from the repository root, or pass -Dportcullis.rules=/path/to/rules)");
        }
        return path;
    }

    private static void expect(String benchmark, Decision decision, Decision.Effect effect, String reason) {
        boolean reasonOk = reason == null || decision.reasons().contains(reason);
        if (decision.effect() != effect || !reasonOk) {
            throw new IllegalStateException(benchmark + " would measure the wrong path: expected " + effect
                    + (reason == null ? "" : " " + reason) + ", got " + decision.effect() + " " + decision.reasons()
                    + " from " + decision.ruleIds());
        }
    }
}
