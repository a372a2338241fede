package io.portcullis.engine.cluster;

import java.time.Duration;

/** A real Redis and two clients of it, as two gateway nodes share one: for the tests of what they share. */
public record TwoRedisClients(RedisServer server, RedisStore first, RedisStore second) implements AutoCloseable {

    public static TwoRedisClients start() throws Exception {
        RedisServer server = RedisServer.start();
        return new TwoRedisClients(server, RedisStore.connect(server.uri(), null, Duration.ofSeconds(2)),
                RedisStore.connect(server.uri(), null, Duration.ofSeconds(2)));
    }

    @Override
    public void close() throws Exception {
        first.close();
        second.close();
        server.close();
    }
}
