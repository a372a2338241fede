package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.Eventually;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests refused before the rules see them (malformed, forged) are not counted by the rules' rate
 * limits, so the gateway counts them itself per address: past network.maxRefusalsPerSecondPerAddress
 * (3 here) an address's requests are refused unread until the bucket refills.
 */
class RefusalFloodIT {

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway(config -> config.replace("  trustedProxies: []",
            "  maxRefusalsPerSecondPerAddress: 3\n  trustedProxies: []"));

    HttpResponse<String> malformed() throws Exception {
        return demo.gateway().send(demo.gateway().get("/echo/x", "alice-demo-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
    }

    @Test
    void anAddressThatKeepsSendingMalformedRequestsIsNotReadForAMoment() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(malformed().statusCode());
        }
        assertThat(statuses.get(0)).isEqualTo(400);
        assertThat(statuses).contains(429);
        HttpResponse<String> unread = malformed();
        if (unread.statusCode() == 429) {
            GatewayIT.assertProblem(unread, 429, "TOO_MANY_REFUSALS");
            assertThat(unread.headers().firstValue("retry-after")).contains("1");
        }
        assertThat(demo.gateway().send(demo.gateway().admin("/metrics")).body())
                .containsPattern("(?m)^portcullis_refused_unread_total [1-9]");

        // The bucket refills: a good request from the same address is then read and answered.
        Eventually.within(Duration.ofSeconds(10), () -> {
            try {
                return demo.gateway().send(demo.gateway().get("/echo/fine", "alice-demo-key")).statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the address is read again");
    }
}
