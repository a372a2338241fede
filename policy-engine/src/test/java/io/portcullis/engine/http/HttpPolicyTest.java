package io.portcullis.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpPolicyTest {

    static HttpResponseMessage answer(int status, String body) {
        return new HttpResponseMessage(status, Map.of("content-type", List.of("text/plain")), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWildcardOriginWithCredentialsAndTraceAreRefusedAsConfiguration() {
        assertThatThrownBy(() -> new HttpPolicy.Cors(List.of("*"), Set.of("GET"), Set.of(), Set.of(), true, 600))
                .hasMessageContaining("wildcard origin cannot be combined with allowCredentials");
        assertThatThrownBy(() -> new HttpPolicy.Cors(List.of("app.example.com"), Set.of("GET"), Set.of(), Set.of(), false, 600))
                .hasMessageContaining("is not an origin");
        assertThatThrownBy(() -> new HttpPolicy(Set.of("GET", "TRACE"), null)).hasMessageContaining("TRACE");
    }

    @Test
    void upstreamHeadersThatDescribeItsSoftwareOrItsOwnCorsAreDropped() {
        HttpPolicy policy = new HttpPolicy(HttpPolicy.DEFAULT_METHODS,
                new HttpPolicy.Cors(List.of("https://app.example.com"), Set.of("GET"), Set.of(), Set.of(), true, 600));
        HttpResponseMessage upstream = new HttpResponseMessage(200, Map.of("server", List.of("Jetty(12)"),
                "x-powered-by", List.of("PHP/8"), "access-control-allow-origin", List.of("*"), "cache-control", List.of("public")),
                new byte[0]);
        HttpResponseMessage out = policy.harden(upstream, "https://evil.example", true, true, true);
        assertThat(out.headers()).doesNotContainKeys("server", "x-powered-by", "access-control-allow-origin");
        assertThat(out.header("cache-control")).isEqualTo("no-store");
        assertThat(out.header("strict-transport-security")).startsWith("max-age=");
        assertThat(policy.harden(upstream, "https://app.example.com", false, false, true).header("access-control-allow-origin"))
                .isEqualTo("https://app.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "java.lang.NullPointerException: boom\n\tat com.bank.AccountService.find(AccountService.java:42)",
        "Traceback (most recent call last):\n  File \"app.py\", line 3",
        "SQLSTATE[42S22]: Column not found",
        "ORA-00942: table or view does not exist",
        "Error: x\n    at Object.<anonymous> (/srv/app/index.js:10:15)",
        "Warning: include(): failed in /var/www/html/index.php on line 12",
        "System.InvalidOperationException: Sequence contains no elements"})
    void errorAnswersThatLookLikeInternalsAreReplacedWhateverTheProtocol(String body) {
        assertThat(UpstreamErrors.revealing(false, answer(400, body))).isTrue();
        assertThat(UpstreamErrors.revealing(true, answer(500, body))).isTrue();
        assertThat(UpstreamErrors.revealing(false, answer(200, body))).isFalse();
    }

    @Test
    void ordinaryAnswersPassAndSoapFaultsAreTheProtocolsOwn() {
        assertThat(UpstreamErrors.revealing(false, answer(404, "{\"error\":\"no such account\"}"))).isFalse();
        assertThat(UpstreamErrors.revealing(false, answer(200, "Meet us at 10 Main St (Building 2)"))).isFalse();
        assertThat(UpstreamErrors.revealing(false, answer(503, "{\"error\":\"maintenance\"}"))).isTrue();
        assertThat(UpstreamErrors.revealing(true, answer(500, "<soap:Fault><faultstring>Insufficient funds</faultstring></soap:Fault>")))
                .isFalse();
    }
}
