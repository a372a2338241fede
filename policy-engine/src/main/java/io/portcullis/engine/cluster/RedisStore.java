package io.portcullis.engine.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;

/**
 * The state gateway nodes share: one Redis, one connection per gateway (Lettuce multiplexes it
 * across threads). Every command is bounded by {@code timeout}, so an unreachable Redis costs a
 * request at most that long and its callers then fail closed. The connection reconnects by itself;
 * commands issued while it is down fail at once rather than queue.
 */
public final class RedisStore implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String address;

    private RedisStore(RedisClient client, StatefulRedisConnection<String, String> connection, String address) {
        this.client = client;
        this.connection = connection;
        this.address = address;
    }

    /**
     * @param uri      {@code redis://host:port} or {@code rediss://} for TLS; no password in it
     * @param password from a secrets file, or null
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached at start
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
        try {
            return new RedisStore(client, client.connect(), redis.getHost() + ":" + redis.getPort());
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    private volatile StatefulRedisConnection<String, byte[]> binary;

    /** A connection with byte-array values on the same client (rate-limit buckets), opened once and closed with the store. */
    public synchronized StatefulRedisConnection<String, byte[]> binaryConnection() {
        if (binary == null) {
            binary = client.connect(io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
                    io.lettuce.core.codec.ByteArrayCodec.INSTANCE));
        }
        return binary;
    }

    /** {@code host:port}, for logs; never the password. */
    public String address() {
        return address;
    }

    @Override
    public void close() {
        if (binary != null) {
            binary.close();
        }
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return "RedisStore[" + Objects.toString(address) + "]";
    }
}
