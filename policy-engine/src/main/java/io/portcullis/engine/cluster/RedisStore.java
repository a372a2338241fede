package io.portcullis.engine.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state gateway nodes share: one Redis, one connection per gateway (Lettuce multiplexes it
 * across threads). Every command is bounded by {@code timeout}, so an unreachable Redis costs a
 * request at most that long and its callers then fail as configured. The connection reconnects by
 * itself; commands issued while it is down fail at once rather than queue.
 *
 * <p>A gateway starts when Redis cannot be reached (a fleet restarted during Redis maintenance must
 * not stay down): until the first connection succeeds, tried again every {@link #RETRY_EVERY}, every
 * command fails as it would during an outage. A Redis that refuses the credentials, or whose TLS
 * certificate is not trusted, stops the start: that is configuration, or someone in the way. The
 * same refusals while trying again are logged as errors and shown by {@link #problem()}.
 */
public final class RedisStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(2);
    private static final List<String> REFUSALS = List.of("WRONGPASS", "NOAUTH", "NOPERM", "DENIED", "ERR invalid password",
            "ERR AUTH");

    private final RedisClient client;
    private final String address;
    /** Made before any caller uses it (at start, or by the retries): no caller's thread waits for it to be set up. */
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile String problem = "";
    private volatile ScheduledExecutorService retries;
    private volatile boolean closed;

    private RedisStore(RedisClient client, String address) {
        this.client = client;
        this.address = address;
    }

    /**
     * @param uri      {@code redis://host:port} or {@code rediss://} for TLS; no password in it
     * @param password from a secrets file, or null
     * @throws io.lettuce.core.RedisConnectionException when Redis refuses the credentials or its
     *                                                  TLS certificate is not trusted
     * @throws IllegalArgumentException                 when {@code uri} is not a Redis URI
     */
    public static RedisStore connect(String uri, char[] password, Duration timeout) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(timeout);
        if (password != null) {
            redis.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(
                    () -> io.lettuce.core.RedisCredentials.just(null, password)));
        }
        RedisClient client = RedisClient.create(redis);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        RedisStore store = new RedisStore(client, redis.getHost() + ":" + redis.getPort());
        try {
            store.connection = client.connect();
        } catch (RuntimeException e) {
            if (refused(e)) {
                client.shutdown();
                throw e;
            }
            store.problem = "Redis at " + store.address + " cannot be reached: " + e.getMessage();
            LOG.warn("cluster: {}; starting without it, and asking again every {} s. Until it answers, what needs it "
                    + "fails as cluster.whenRedisIsDown says", store.problem, RETRY_EVERY.toSeconds());
            store.retryUntilConnected();
        }
        return store;
    }

    /**
     * Redis said no, or its certificate is not trusted: trying again will not help. Anything else
     * (refused, reset, timed out, unknown host, a server still loading or full) is an outage.
     */
    static boolean refused(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLHandshakeException || cause instanceof java.security.cert.CertificateException) {
                return true;
            }
            String message = cause.getMessage();
            if (cause instanceof io.lettuce.core.RedisCommandExecutionException && message != null
                    && REFUSALS.stream().anyMatch(message::startsWith)) {
                return true;
            }
        }
        return false;
    }

    private void retryUntilConnected() {
        retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-connect");
            thread.setDaemon(true);
            return thread;
        });
        retries.scheduleWithFixedDelay(() -> {
            try {
                StatefulRedisConnection<String, String> made = client.connect();
                synchronized (this) {
                    if (closed) {
                        made.close();
                        return;
                    }
                    connection = made;
                }
                problem = "";
                LOG.info("cluster: connected to Redis at {}", address);
                retries.shutdown();
            } catch (Throwable e) {
                String now = "Redis at " + address + (refused(e) ? " refuses the gateway: " : " cannot be reached: ")
                        + e.getMessage();
                if (refused(e) && !now.equals(problem)) {
                    LOG.error("cluster: {}", now);
                }
                problem = now;
            }
        }, RETRY_EVERY.toMillis(), RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @throws RedisConnectionException while the first connection has not been made */
    public RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> made = connection;
        if (made == null) {
            throw new RedisConnectionException("no connection to Redis at " + address + " yet");
        }
        return made.sync();
    }

    /**
     * A command its caller sent failed (a timeout, or Redis answering with an error: READONLY after
     * a failover, OOM): {@link #problem()} reports it for {@link #FAILURE_SHOWN_FOR}.
     */
    public void failed(Throwable e) {
        if (connection == null) {
            return; // not connected yet: problem() says so already
        }
        lastFailure = new Failure(System.nanoTime(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private record Failure(long atNanos, String message) {
    }

    static final Duration FAILURE_SHOWN_FOR = Duration.ofSeconds(30);
    private volatile Failure lastFailure;

    /** Why Redis cannot be asked or failed a command lately, or "" when neither. */
    public String problem() {
        StatefulRedisConnection<String, String> made = connection;
        if (made == null) {
            return problem;
        }
        if (!made.isOpen()) {
            return "Redis at " + address + " does not answer";
        }
        Failure failure = lastFailure;
        if (failure != null && System.nanoTime() - failure.atNanos() < FAILURE_SHOWN_FOR.toNanos()) {
            return "Redis at " + address + " failed a command in the last " + FAILURE_SHOWN_FOR.toSeconds() + " s: "
                    + failure.message();
        }
        return "";
    }

    /**
     * A Lua script the gateway runs on Redis, known by its SHA-1 as Redis caches it: {@link #eval}
     * sends the digest, not the text, on every call but the first after Redis forgot it.
     */
    public static final class Script {

        private final String text;
        private final String sha1;

        private Script(String text, String sha1) {
            this.text = text;
            this.sha1 = sha1;
        }

        /** {@code text} with its digest worked out as Lettuce does for EVALSHA: a digest of another script would run that one. */
        public static Script of(String text) {
            return new Script(text, io.lettuce.core.codec.Base16.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }

        public String text() {
            return text;
        }

        public String sha1() {
            return sha1;
        }
    }

    /**
     * Runs {@code script} by its digest (EVALSHA), and by its text (EVAL, which caches it again) when
     * Redis does not know it: after a restart, a failover or SCRIPT FLUSH.
     *
     * @throws RuntimeException as {@link #commands()} and Lettuce's commands do
     */
    public <T> T eval(Script script, ScriptOutputType type, String[] keys, String... arguments) {
        RedisCommands<String, String> commands = commands();
        try {
            return commands.evalsha(script.sha1(), type, keys, arguments);
        } catch (io.lettuce.core.RedisNoScriptException e) {
            return commands.eval(script.text(), type, keys, arguments);
        }
    }

    /** Whether Redis can be asked now: connected, and not between a lost connection and its reconnection. */
    public boolean connected() {
        StatefulRedisConnection<String, String> made = connection;
        return made != null && made.isOpen();
    }

    /** {@code host:port}, for logs; never the password. */
    public String address() {
        return address;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (retries != null) {
            retries.shutdownNow();
        }
        StatefulRedisConnection<String, String> made = connection;
        if (made != null) {
            made.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return "RedisStore[" + Objects.toString(address) + "]";
    }
}
