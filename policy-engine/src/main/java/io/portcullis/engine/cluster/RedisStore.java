package io.portcullis.engine.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
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
 * not stay down): until the first connection succeeds, tried again every {@link #RETRY_EVERY},
 * every command fails as it would during an outage. A Redis that answers but refuses the
 * credentials, or an address that is not a Redis URI, stops the start: that is configuration.
 */
public final class RedisStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(2);

    private final RedisClient client;
    private final String address;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisConnection<String, byte[]> binary;
    private volatile ScheduledExecutorService retries;

    private RedisStore(RedisClient client, String address) {
        this.client = client;
        this.address = address;
    }

    /**
     * @param uri      {@code redis://host:port} or {@code rediss://} for TLS; no password in it
     * @param password from a secrets file, or null
     * @throws io.lettuce.core.RedisConnectionException when Redis answers but the connection cannot
     *                                                  be set up (credentials, TLS)
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
            if (!unreachable(e)) {
                client.shutdown();
                throw e;
            }
            LOG.warn("cluster: Redis at {} cannot be reached ({}); starting without it, and asking again every {} s. "
                    + "Until it answers, what needs it fails as cluster.whenRedisIsDown says", store.address,
                    e.getMessage(), RETRY_EVERY.toSeconds());
            store.retryUntilConnected();
        }
        return store;
    }

    /** Nothing answered at the address (refused, timed out, unknown host), as opposed to a Redis that said no. */
    private static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.IOException || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof io.lettuce.core.RedisCommandTimeoutException) {
                return true;
            }
            if (cause instanceof io.lettuce.core.RedisCommandExecutionException) {
                return false;
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
                connection = client.connect();
                LOG.info("cluster: connected to Redis at {}", address);
                retries.shutdown();
            } catch (RuntimeException e) {
                LOG.debug("cluster: Redis at {} still cannot be reached: {}", address, e.getMessage());
            }
        }, RETRY_EVERY.toMillis(), RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @throws RedisConnectionException while the first connection has not been made */
    public RedisCommands<String, String> commands() {
        return established().sync();
    }

    private StatefulRedisConnection<String, String> established() {
        StatefulRedisConnection<String, String> made = connection;
        if (made == null) {
            throw new RedisConnectionException("no connection to Redis at " + address + " yet");
        }
        return made;
    }

    /**
     * A connection with byte-array values on the same client (rate-limit buckets), opened once and
     * closed with the store.
     *
     * @throws RedisConnectionException while the first connection has not been made
     */
    public synchronized StatefulRedisConnection<String, byte[]> binaryConnection() {
        if (binary == null) {
            established();
            binary = client.connect(io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
                    io.lettuce.core.codec.ByteArrayCodec.INSTANCE));
        }
        return binary;
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
        if (retries != null) {
            retries.shutdownNow();
        }
        if (binary != null) {
            binary.close();
        }
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return "RedisStore[" + Objects.toString(address) + "]";
    }
}
