package io.portcullis.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
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
 * Bucket4j's compare-and-swap against a redis-server this benchmark starts on loopback (one round
 * trip or more per call). Each call takes a token from one of 1,000 callers' buckets, so buckets
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
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;
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
        client = RedisClient.create("redis://127.0.0.1:" + port);
        for (int attempt = 0; connection == null; attempt++) {
            try {
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            } catch (RuntimeException e) {
                if (attempt > 50) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        limiter = new RedisRateLimiter(connection, false, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (redis != null) {
            redis.destroy();
        }
    }

    @Benchmark
    public RateLimiter.Outcome consume() {
        Obligation.RateLimit limit = Obligation.quota("api-per-minute", "subject:caller-" + (caller.incrementAndGet() % 1000),
                1_000_000, "PT1M");
        RateLimiter.Outcome outcome = limiter.consume(limit);
        if (!outcome.allowed()) {
            throw new IllegalStateException("the benchmark's buckets must not run dry: " + outcome);
        }
        return outcome;
    }
}
