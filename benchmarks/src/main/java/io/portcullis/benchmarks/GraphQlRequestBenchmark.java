package io.portcullis.benchmarks;

import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Peer;
import io.portcullis.graphql.GraphQlAdapter;
import io.portcullis.graphql.GraphQlContract;
import io.portcullis.graphql.GraphQlLimits;
import io.portcullis.graphql.GraphQlParseLimits;
import io.portcullis.graphql.GraphQlRouteSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
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
 * What the GraphQL adapter does to a request before the rules (step 2 of the data flow): parse the
 * GraphQL-over-HTTP body, validate the document against the demo bank's schema
 * ({@code examples/config/graphql/demo-bank.graphqls}), coerce its variables, plan its root fields
 * and cost, and read their arguments into values. A query with one variable, and a transfer with three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GraphQlRequestBenchmark {

    static final RequestContext CONTEXT = new RequestContext("bench", Instant.EPOCH, "bank-graphql", io.portcullis.engine.net.NetworkPolicy.OPEN.peer("127.0.0.1", 1, null, false));

    private GraphQlAdapter adapter;
    private HttpRequestMessage account;
    private HttpRequestMessage transfer;

    @Setup
    public void setUp() throws Exception {
        Path schema = RepositoryFiles.of("examples/config/graphql/demo-bank.graphqls");
        adapter = new GraphQlAdapter(new GraphQlRouteSettings("bank-graphql", "/graphql", GraphQlContract.load(schema,
                GraphQlContract.DEFAULT_LIST_SIZE, java.util.Map.of("Decimal", "^-?[0-9]{1,15}([.][0-9]{1,4})?$")),
                List.of("Query.account as getAccount", "Mutation.transfer as transfer"), GraphQlParseLimits.DEFAULTS,
                GraphQlLimits.DEFAULTS, null, 1 << 20, 1 << 20));
        account = post("{\"query\":\"query A($id: ID!) { account(id: $id) { id owner balance holder { name email } } }\","
                + "\"variables\":{\"id\":\"acc-alice-1\"}}");
        transfer = post("{\"query\":\"mutation T($from: ID!, $to: ID!, $amount: Decimal!) { transfer(fromAccount: $from,"
                + " toAccount: $to, amount: $amount, currency: \\\"EUR\\\") { id amount } }\","
                + "\"variables\":{\"from\":\"acc-alice-1\",\"to\":\"acc-bob-1\",\"amount\":\"12.50\"}}");
    }

    private static HttpRequestMessage post(String body) {
        return new HttpRequestMessage("POST", "/graphql", null, Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public ApiRequest queryWithOneVariable() throws Exception {
        return adapter.normalize(account, CONTEXT);
    }

    @Benchmark
    public ApiRequest mutationWithThreeVariables() throws Exception {
        return adapter.normalize(transfer, CONTEXT);
    }
}
