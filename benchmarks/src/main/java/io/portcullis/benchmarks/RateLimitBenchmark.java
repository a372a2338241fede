package io.portcullis.benchmarks;

import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.ratelimit.LocalRateLimiter;
import io.portcullis.engine.ratelimit.RateLimiter;
import io.portcullis.engine.ratelimit.RedisRateLimiter;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one call against a limit costs: {@code local}, the embedded buckets; {@code redis},
 * one Lua script (run by its digest) against a redis-server this benchmark starts on loopback (one
 * round trip per call, whatever the number of limits). Each call takes a token from one of 1,000 callers' buckets, so buckets
 * never run dry and the numbers are the allowed path, the one every permitted request takes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RateLimitBenchmark {

    @Param({"local", "redis"})
    public String store;

    private Process redis;
    private RedisStore redisStore;
    private RateLimiter limiter;
    private final AtomicInteger caller = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (store.equals("local")) {
            limiter = new LocalRateLimiter();
            return;
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // The store connects as soon as the server listens (it asks again every 2 s until then).
        redisStore = RedisStore.connect("redis://127.0.0.1:" + port, null, java.time.Duration.ofSeconds(2));
        for (int attempt = 0; !redisStore.connected(); attempt++) {
            if (attempt > 100) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        limiter = new RedisRateLimiter(redisStore, false, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (redisStore != null) {
            redisStore.close();
        }
        if (redis != null) {
            redis.destroy();
        }
    }

    /** A call the rules set three limits on (a caller's spike arrest and quota, its address's): all or none taken. */
    @Benchmark
    public java.util.List<RateLimiter.Outcome> consumeThree() {
        int who = caller.incrementAndGet() % 1000;
        java.util.List<RateLimiter.Outcome> outcomes = limiter.consumeAll(java.util.List.of(
                Obligation.spikeArrest("api-per-second", "subject:caller-" + who, 1_000_000),
                Obligation.quota("api-per-minute", "subject:caller-" + who, 1_000_000, "PT1M"),
                Obligation.quota("address-per-minute", "address:192.0.2." + (who % 250), 1_000_000, "PT1M")));
        if (outcomes.size() != 3 || !outcomes.get(2).allowed()) {
            throw new IllegalStateException("the benchmark's buckets must not run dry: " + outcomes);
        }
        return outcomes;
    }

    @Benchmark
    public RateLimiter.Outcome consume() {
        Obligation.RateLimit limit = Obligation.quota("api-per-minute", "subject:caller-" + (caller.incrementAndGet() % 1000),
                1_000_000, "PT1M");
        RateLimiter.Outcome outcome = limiter.consumeAll(java.util.List.of(limit)).get(0);
        if (!outcome.allowed()) {
            throw new IllegalStateException("the benchmark's buckets must not run dry: " + outcome);
        }
        return outcome;
    }
}
