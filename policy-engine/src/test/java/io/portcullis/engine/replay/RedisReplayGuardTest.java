package io.portcullis.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.cluster.RedisServer;
import io.portcullis.engine.cluster.RedisStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateway nodes, one Redis: a message first seen on one is a replay on the other. */
class RedisReplayGuardTest {

    static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
    }

    @Test
    void nodesSharingARedisSeeEachOthersMessages() {
        try (RedisStore first = RedisStore.connect(redis.uri(), null, Duration.ofSeconds(2));
             RedisStore second = RedisStore.connect(redis.uri(), null, Duration.ofSeconds(2))) {
            ReplayGuard nodeA = new RedisReplayGuard(first, "wss");
            ReplayGuard nodeB = new RedisReplayGuard(second, "wss");
            ReplayGuard otherRoute = new RedisReplayGuard(second, "other");
            Duration expiry = Duration.ofMinutes(5);

            assertThat(nodeA.check("signature-1", expiry)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);
            assertThat(nodeB.check("signature-1", expiry)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
            assertThat(otherRoute.check("signature-1", expiry)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);
            assertThat(first.commands().keys("portcullis:replay:wss:*")).hasSize(1)
                    .allSatisfy(key -> assertThat(first.commands().pttl(key)).isBetween(1L, Duration.ofMinutes(5).toMillis()));
        }
    }

    @Test
    void anUnreachableRedisIsUnavailableNotAGuess() throws Exception {
        try (RedisServer lonely = RedisServer.start();
             RedisStore store = RedisStore.connect(lonely.uri(), null, Duration.ofMillis(300))) {
            ReplayGuard guard = new RedisReplayGuard(store, "wss");
            lonely.stop();

            assertThat(guard.check("signature-2", Duration.ofMinutes(5)))
                    .isEqualTo(ReplayGuard.Verdict.UNAVAILABLE);
        }
    }

    @Test
    void aStoreMadeWhileRedisIsDownRefusesUntilItAnswersThenRemembers() throws Exception {
        try (RedisServer late = RedisServer.start()) {
            late.stop();
            try (RedisStore store = RedisStore.connect(late.uri(), null, Duration.ofMillis(300))) {
                ReplayGuard guard = new RedisReplayGuard(store, "wss");
                Duration expiry = Duration.ofMinutes(5);
                assertThat(store.connected()).isFalse();
                assertThat(guard.check("signature-3", expiry)).isEqualTo(ReplayGuard.Verdict.UNAVAILABLE);

                late.restart();
                io.portcullis.engine.Eventually.within(Duration.ofSeconds(20), store::connected, "the store connects");
                assertThat(guard.check("signature-3", expiry)).isEqualTo(ReplayGuard.Verdict.FIRST_SEEN);
                assertThat(guard.check("signature-3", expiry)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
            }
        }
    }

    @Test
    void aRedisThatAnswersWithErrorsIsUnavailableAndReported() throws Exception {
        try (RedisServer full = RedisServer.start();
             RedisStore store = RedisStore.connect(full.uri(), null, Duration.ofSeconds(2))) {
            ReplayGuard guard = new RedisReplayGuard(store, "wss");
            assertThat(store.problem()).isEmpty();
            // Out of memory with nothing to evict: every write is answered with an OOM error.
            store.commands().configSet("maxmemory-policy", "noeviction");
            store.commands().configSet("maxmemory", "1");

            assertThat(guard.check("signature-4", Duration.ofMinutes(5))).isEqualTo(ReplayGuard.Verdict.UNAVAILABLE);
            assertThat(store.connected()).isTrue();
            assertThat(store.problem()).contains("failed a command").contains("OOM");
        }
    }

    @Test
    void anAddressThatIsNotARedisUriStopsTheStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisStore.connect("http://127.0.0.1:6379", null,
                Duration.ofMillis(300))).isInstanceOf(IllegalArgumentException.class);
    }
}
