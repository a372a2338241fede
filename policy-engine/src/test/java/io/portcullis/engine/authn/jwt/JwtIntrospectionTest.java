package io.portcullis.engine.authn.jwt;

import static io.portcullis.engine.authn.jwt.Tokens.AUDIENCE;
import static io.portcullis.engine.authn.jwt.Tokens.ISSUER;
import static io.portcullis.engine.authn.jwt.Tokens.NOW;
import static io.portcullis.engine.authn.jwt.Tokens.bearer;
import static io.portcullis.engine.authn.jwt.Tokens.claims;
import static io.portcullis.engine.authn.jwt.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.MutableClock;
import io.portcullis.engine.model.AuthMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opaque tokens checked at an RFC 7662 introspection endpoint served over loopback HTTP. */
class JwtIntrospectionTest {

    static final RSAKey RSA = Tokens.rsa("rsa-1");
    static final String TOKEN = "2YotnFZFEjr1zCsicMWpAA";
    static final String CLIENT_SECRET = "s3cret:with&odd=chars";

    LoopbackIdentityProvider idp;
    MutableClock clock = new MutableClock(NOW);
    JwtAuthenticator authenticator;
    final List<AutoCloseable> keySources = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        idp = new LoopbackIdentityProvider();
        idp.publish(RSA);
        authenticator = authenticator(new TokenIntrospector(introspection(), clock));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable source : keySources) {
            source.close();
        }
        idp.close();
    }

    @Test
    void activeTokenYieldsItsPrincipalAndTheGatewayAuthenticatesAsAClient() {
        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(600)));

        Authentication result = authenticator.authenticate(bearer(TOKEN));

        assertThat(result.failure()).isEmpty();
        assertThat(result.principal().subject()).isEqualTo("bob");
        assertThat(result.principal().authMethod()).isEqualTo(AuthMethod.JWT);
        assertThat(result.principal().scopes()).containsExactlyInAnyOrder("accounts:read", "transfers:write");
        assertThat(result.principal().roles()).containsExactly("teller");
        assertThat(result.principal().attributes()).isEqualTo(Map.of("accounts", Set.of("acc-bob-1")));
        LoopbackIdentityProvider.Call call = idp.introspectionCalls.get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(call.body()).startsWith("token=" + TOKEN);
        String pair = "portcullis:" + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8);
        assertThat(call.authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void inactiveTokenIsRefused() {
        idp.answerIntrospection(200, "{\"active\":false}");

        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.TOKEN_INACTIVE);
    }

    @Test
    void endpointDownErrorOrNonsenseRefusesTheToken() {
        idp.answerIntrospection(500, "{\"error\":\"server_error\"}");
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE);

        idp.answerIntrospection(200, "<html>login</html>");
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE);

        idp.answerIntrospection(200, "{\"active\":\"true\",\"sub\":\"bob\"}");
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE);

        idp.stop();
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE);
    }

    @Test
    void endpointThatDoesNotAnswerInTimeRefusesTheToken() {
        idp.hangIntrospection();
        JwtAuthenticator impatient = authenticator(new TokenIntrospector(
                introspection().withTimeout(Duration.ofMillis(300)), clock));

        long start = System.nanoTime();
        Authentication result = impatient.authenticate(bearer(TOKEN));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void failuresAreNotCached() {
        idp.answerIntrospection(503, "{}");
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE);

        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(600)));

        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEmpty();
        assertThat(idp.introspectionHits).hasValue(2);
    }

    @Test
    void activeAnswerIsCachedUntilTheTtl() {
        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(3600)));

        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEmpty();
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEmpty();
        assertThat(idp.introspectionHits).hasValue(1);

        clock.advance(Duration.ofSeconds(61)); // past the 60 s TTL
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEmpty();
        assertThat(idp.introspectionHits).hasValue(2);
    }

    @Test
    void cachedAnswerDoesNotOutliveTheToken() {
        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(40)));
        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEmpty();

        clock.advance(Duration.ofSeconds(45)); // within the TTL, past exp but inside the 30 s skew
        idp.answerIntrospection(200, "{\"active\":false}");

        assertThat(authenticator.authenticate(bearer(TOKEN)).failure()).isEqualTo(JwtAuthenticator.TOKEN_INACTIVE);
        assertThat(idp.introspectionHits).hasValue(2);
    }

    @Test
    void inactiveAnswerIsCachedOnlyBriefly() {
        idp.answerIntrospection(200, "{\"active\":false}");
        authenticator.authenticate(bearer(TOKEN));
        authenticator.authenticate(bearer(TOKEN));
        assertThat(idp.introspectionHits).hasValue(1);

        clock.advance(TokenIntrospector.INACTIVE_TTL.plusSeconds(1));
        authenticator.authenticate(bearer(TOKEN));

        assertThat(idp.introspectionHits).hasValue(2);
    }

    @Test
    void cacheIsBounded() {
        JwtAuthenticator small = authenticator(new TokenIntrospector(introspection(), clock, 2));
        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(600)));

        for (String token : List.of("token-a", "token-b", "token-c", "token-a")) {
            assertThat(small.authenticate(bearer(token)).failure()).isEmpty();
        }

        assertThat(idp.introspectionHits).hasValue(4); // token-a was evicted by token-c
    }

    @Test
    void answerForAnotherIssuerOrAudienceOrExpiredIsRefused() {
        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(600)).replace(ISSUER, "https://evil.example"));
        assertThat(authenticator.authenticate(bearer("token-1")).failure()).isEqualTo(JwtAuthenticator.JWT_ISSUER_INVALID);

        idp.answerIntrospection(200, active("bob", NOW.plusSeconds(600)).replace(AUDIENCE, "payments-api"));
        assertThat(authenticator.authenticate(bearer("token-2")).failure()).isEqualTo(JwtAuthenticator.JWT_AUDIENCE_INVALID);

        idp.answerIntrospection(200, active("bob", NOW.minusSeconds(600)));
        assertThat(authenticator.authenticate(bearer("token-3")).failure()).isEqualTo(JwtAuthenticator.JWT_EXPIRED);
    }

    @Test
    void jwtsAreVerifiedLocallyNeverIntrospected() {
        assertThat(authenticator.authenticate(bearer(sign(RSA, claims().build()))).failure()).isEmpty();
        assertThat(authenticator.authenticate(bearer(sign(Tokens.rsa("stranger"), claims().build()))).failure())
                .isEqualTo(JwtAuthenticator.JWT_KEY_UNKNOWN);

        assertThat(idp.introspectionHits).hasValue(0);
    }

    @Test
    void secretStaysOutOfTheSettingsText() {
        assertThat(introspection().toString()).doesNotContain(CLIENT_SECRET).contains("portcullis");
    }

    @Test
    void aFloodOfDistinctOpaqueTokensGetsAtMostTheCallLimitThroughAndTheRestFailFast() throws Exception {
        idp.hangIntrospection();
        JwtAuthenticator impatient = authenticator(new TokenIntrospector(
                introspection().withTimeout(Duration.ofSeconds(2)), clock));

        List<Authentication> results = concurrently(20, i -> impatient.authenticate(bearer("opaque-flood-" + i)));

        assertThat(results).allSatisfy(r -> assertThat(r.failure()).isEqualTo(JwtAuthenticator.INTROSPECTION_UNAVAILABLE));
        assertThat(idp.introspectionHits.get()).isLessThanOrEqualTo(TokenIntrospector.MAX_CONCURRENT_CALLS);
    }

    @Test
    void requestsCarryingTheSameOpaqueTokenShareOneCall() throws Exception {
        idp.hangIntrospection();
        JwtAuthenticator impatient = authenticator(new TokenIntrospector(
                introspection().withTimeout(Duration.ofSeconds(2)), clock));

        concurrently(8, i -> impatient.authenticate(bearer("opaque-shared-token")));

        assertThat(idp.introspectionHits.get()).isEqualTo(1);
    }

    private static List<Authentication> concurrently(int threads, java.util.function.IntFunction<Authentication> call)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Authentication>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(n);
                }));
            }
            start.countDown();
            List<Authentication> results = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Authentication> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private IntrospectionSettings introspection() {
        return IntrospectionSettings.of(idp.introspectionUrl(), "portcullis", CLIENT_SECRET);
    }

    private JwtAuthenticator authenticator(TokenIntrospector introspector) {
        JwtSettings settings = JwtSettings.builder()
                .issuer(ISSUER)
                .audiences(AUDIENCE)
                .jwksUrl(idp.jwksUrl())
                .attributeClaims(Map.of("accounts", "accounts"))
                .introspection(introspection())
                .build();
        try {
            JWKSource<SecurityContext> keys = JwtAuthenticator.remoteKeys(settings);
            keySources.add((AutoCloseable) keys);
            return new JwtAuthenticator(settings, keys, introspector, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String active(String subject, Instant exp) {
        return """
                {"active": true, "iss": "%s", "aud": "%s", "sub": "%s", "exp": %d, "scope": "accounts:read transfers:write",
                 "roles": ["teller"], "accounts": ["acc-bob-1"], "client_id": "teller-app"}
                """.formatted(ISSUER, AUDIENCE, subject, exp.getEpochSecond());
    }
}
