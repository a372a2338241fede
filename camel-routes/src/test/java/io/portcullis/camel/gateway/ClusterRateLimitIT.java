package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.Eventually;
import io.portcullis.engine.cluster.RedisServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes sharing a real Redis enforce one limit between them, and do what their
 * configuration says when Redis stops: node A keeps the default (a quota fails closed: 503), node B
 * counts quotas locally. The rule pack limits each caller to 5 calls a minute on the echo route.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRateLimitIT {

    @TempDir
    static Path nodeA;
    @TempDir
    static Path nodeB;
    static TwoNodeCluster cluster;
    static RedisServer redis;
    static RunningGateway first;
    static RunningGateway second;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start(nodeA, nodeB, "  whenRedisIsDown: {quotas: count-locally}\n");
        redis = cluster.redis();
        first = cluster.first();
        second = cluster.second();
        for (RunningGateway node : new RunningGateway[] {first, second}) {
            Files.writeString(node.rules.resolve("limits/rate-limits.drl"), RateLimitIT.LIMITS);
            try (var fixtures = Files.list(node.rules.resolve("tests/limits"))) {
                for (var fixture : fixtures.toList()) {
                    Files.delete(fixture);
                }
            }
            RateLimitIT.writeFixtures(node.rules);
            HttpResponse<String> reload = node.send(node.admin("/rules/reload").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static HttpResponse<String> call(RunningGateway node, String key) throws Exception {
        return node.send(node.get("/echo/shared", key));
    }

    @Test
    @Order(1)
    void twoNodesEnforceOneCombinedLimit() throws Exception {
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            if (call(i % 2 == 0 ? first : second, "alice-demo-key").statusCode() == 200) {
                allowed++;
            }
        }
        // Five a minute between them, not five on each.
        assertThat(allowed).isEqualTo(5);
        HttpResponse<String> refused = call(second, "alice-demo-key");
        GatewayIT.assertProblem(refused, 429, "RATE_LIMITED");
        assertThat(call(first, "bob-demo-key").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void withoutRedisEachNodeDoesWhatItsConfigurationSays() throws Exception {
        redis.stop();

        GatewayIT.assertProblem(call(first, "admin-demo-key"), 503, "RATE_LIMIT_UNAVAILABLE");
        assertThat(call(second, "admin-demo-key").statusCode()).isEqualTo(200);
        HttpResponse<String> health = first.send(first.admin("/health"));
        assertThat(health.body()).containsPattern("\"rateLimitStoreFailures\":[1-9]").contains("\"status\":\"DEGRADED\"")
                .contains("cluster.redis: Redis at 127.0.0.1:" + redis.port());
        assertThat(first.send(first.admin("/metrics")).body())
                .containsPattern("(?m)^portcullis_rate_limit_unavailable_total [1-9]")
                .containsPattern("(?m)^portcullis_rate_limit_store_failures_total [1-9]");

        redis.restart();
        Eventually.within(Duration.ofSeconds(30), () -> {
            try {
                return call(first, "admin-demo-key").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }, "the node counts in Redis again");
    }

    @Test
    @Order(3)
    void aNodeStartsWhileRedisIsDownAndUsesItOnceItAnswers(@TempDir Path nodeC) throws Exception {
        RedisServer late = RedisServer.start();
        late.stop();
        try (RunningGateway third = new RunningGateway(nodeC, "cluster:\n  redis: " + late.uri() + "\n  timeoutMillis: 500\n")) {
            HttpResponse<String> health = third.send(third.admin("/health"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"DEGRADED\"").contains("\"redis\":\"DOWN\"")
                    .contains("Redis at 127.0.0.1:" + late.port() + " cannot be reached");
            // The bundled limits include a daily quota: it fails closed until Redis answers.
            GatewayIT.assertProblem(third.send(third.get("/echo/late", "admin-demo-key")), 503, "RATE_LIMIT_UNAVAILABLE");

            late.restart();
            Eventually.within(Duration.ofSeconds(30), () -> {
                try {
                    return third.send(third.admin("/health")).body().contains("\"redis\":\"UP\"")
                            && third.send(third.get("/echo/late", "admin-demo-key")).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, "the node connects to Redis and counts there");
        } finally {
            late.close();
        }
    }
}
