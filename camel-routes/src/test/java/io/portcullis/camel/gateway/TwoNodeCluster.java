package io.portcullis.camel.gateway;

import io.portcullis.engine.authn.ShiftedClock;
import io.portcullis.engine.cluster.RedisServer;
import java.nio.file.Path;

/** Two gateway nodes sharing one real Redis ({@code cluster.redis}), for the cluster tests. */
record TwoNodeCluster(RedisServer redis, RunningGateway first, RunningGateway second, ShiftedClock clock) implements AutoCloseable {

    /**
     * @param secondOnly configuration only the second node gets, under {@code cluster:} (indented), or ""
     */
    static TwoNodeCluster start(Path firstDir, Path secondDir, String secondOnly) throws Exception {
        RedisServer redis = RedisServer.start();
        String cluster = "cluster:\n  redis: " + redis.uri() + "\n  timeoutMillis: 500\n";
        // Both nodes read one clock, which a test may set ahead of their clients'.
        ShiftedClock clock = new ShiftedClock();
        return new TwoNodeCluster(redis, new RunningGateway(firstDir, cluster, config -> config, clock),
                new RunningGateway(secondDir, cluster + secondOnly, config -> config, clock), clock);
    }

    @Override
    public void close() throws Exception {
        first.close();
        second.close();
        redis.close();
    }
}
