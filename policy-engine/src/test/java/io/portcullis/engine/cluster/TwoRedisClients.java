package io.portcullis.engine.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/**
 * A real Redis and two clients of it, as two gateway nodes share one, for the tests of what they
 * share: {@code @RegisterExtension static final TwoRedisClients redis = new TwoRedisClients();}
 * starts it before the class's tests and stops it after them.
 */
public final class TwoRedisClients implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;
    private RedisStore first;
    private RedisStore second;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.start();
        first = RedisStore.connect(server.uri(), null, Duration.ofSeconds(2));
        second = RedisStore.connect(server.uri(), null, Duration.ofSeconds(2));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        first.close();
        second.close();
        server.close();
    }

    /** The first node's client. */
    public RedisStore first() {
        return first;
    }

    /** The second node's client. */
    public RedisStore second() {
        return second;
    }
}
