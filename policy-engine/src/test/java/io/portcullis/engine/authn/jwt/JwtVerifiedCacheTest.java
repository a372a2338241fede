package io.portcullis.engine.authn.jwt;

import static io.portcullis.engine.authn.jwt.Tokens.AUDIENCE;
import static io.portcullis.engine.authn.jwt.Tokens.ISSUER;
import static io.portcullis.engine.authn.jwt.Tokens.NOW;
import static io.portcullis.engine.authn.jwt.Tokens.bearer;
import static io.portcullis.engine.authn.jwt.Tokens.claims;
import static io.portcullis.engine.authn.jwt.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.engine.authn.MutableClock;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A token a client repeats is verified once, and the cache never outlives the token or its TTL. */
class JwtVerifiedCacheTest {

    static final RSAKey KEY = Tokens.rsa("cache-1");

    final AtomicInteger keyLookups = new AtomicInteger();
    final MutableClock clock = new MutableClock(NOW);
    final JWKSource<SecurityContext> keys = (selector, context) -> {
        keyLookups.incrementAndGet();
        return selector.select(new JWKSet(KEY.toPublicJWK()));
    };
    final JwtAuthenticator authenticator = new JwtAuthenticator(JwtSettings.builder().issuer(ISSUER).audiences(AUDIENCE)
            .jwksUrl(URI.create("https://idp.example/jwks")).build(), keys, null, clock);

    @Test
    void aRepeatedTokenIsVerifiedOnce() {
        String token = sign(KEY, claims().build());

        assertThat(authenticator.authenticate(bearer(token)).principal().subject()).isEqualTo("alice");
        assertThat(authenticator.authenticate(bearer(token)).principal().subject()).isEqualTo("alice");
        assertThat(keyLookups).hasValue(1);
    }

    @Test
    void aCachedTokenIsNotServedPastItsExpiry() {
        String token = sign(KEY, claims().expirationTime(Date.from(NOW.plusSeconds(20))).build());
        assertThat(authenticator.authenticate(bearer(token)).failure()).isEmpty();

        clock.advance(Duration.ofSeconds(21 + 30 + 1));

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEqualTo(JwtAuthenticator.JWT_EXPIRED);
    }

    @Test
    void aCachedTokenIsVerifiedAgainAfterTheTtlSoRemovedKeysStopWorking() {
        String token = sign(KEY, claims().expirationTime(Date.from(NOW.plus(Duration.ofHours(1)))).build());
        authenticator.authenticate(bearer(token));

        clock.advance(JwtAuthenticator.VERIFIED_TTL.plusSeconds(1));
        authenticator.authenticate(bearer(token));

        assertThat(keyLookups).hasValue(2);
    }

    @Test
    void tokensValidForLongerThanTheMaximumLifetimeAreRefused() {
        String century = sign(KEY, claims().issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plus(Duration.ofDays(36500)))).build());

        assertThat(authenticator.authenticate(bearer(century)).failure()).isEqualTo(JwtAuthenticator.JWT_LIFETIME_TOO_LONG);
    }

    @Test
    void aTokenIssuedInTheFutureCannotMoveItsLifetimePastTheMaximum() {
        // An hour's lifetime on paper, usable for thirty days from now.
        Date nextMonth = Date.from(NOW.plus(Duration.ofDays(30)));
        String postDated = sign(KEY, claims().issueTime(nextMonth)
                .expirationTime(Date.from(nextMonth.toInstant().plus(Duration.ofHours(1)))).build());
        // An issuer whose clock runs a few seconds ahead still gets its full lifetime.
        Date aheadBySkew = Date.from(NOW.plusSeconds(20));
        String slightlyAhead = sign(KEY, claims().issueTime(aheadBySkew)
                .expirationTime(Date.from(aheadBySkew.toInstant().plus(Duration.ofDays(1)))).build());

        assertThat(authenticator.authenticate(bearer(postDated)).failure()).isEqualTo(JwtAuthenticator.JWT_LIFETIME_TOO_LONG);
        assertThat(authenticator.authenticate(bearer(slightlyAhead)).failure()).isEmpty();
    }

    @Test
    void aSubjectWithControlCharactersIsRefused() {
        String token = sign(KEY, claims().subject("bob\r\nX-Injected: yes\u001b[31m").build());

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEqualTo(JwtAuthenticator.JWT_CLAIM_INVALID);
    }

    @Test
    void onlyAccessTokensPassWhenTheTypeIsRequired() {
        JwtAuthenticator strict = new JwtAuthenticator(JwtSettings.builder().issuer(ISSUER).audiences(AUDIENCE)
                .jwksUrl(URI.create("https://idp.example/jwks")).requireAccessTokenType(true).build(), keys, null, clock);

        assertThat(strict.authenticate(bearer(sign(KEY, claims().build()))).failure()).isEqualTo(JwtAuthenticator.JWT_MALFORMED);
        assertThat(strict.authenticate(bearer(sign(KEY, claims().build(), new com.nimbusds.jose.JOSEObjectType("at+jwt"))))
                .failure()).isEmpty();
    }

    @Test
    void refusalsAreNeverCached() {
        String forged = sign(Tokens.rsa("cache-1"), claims().build());

        assertThat(authenticator.authenticate(bearer(forged)).failure()).isEqualTo(JwtAuthenticator.JWT_SIGNATURE_INVALID);
        assertThat(authenticator.authenticate(bearer(forged)).failure()).isEqualTo(JwtAuthenticator.JWT_SIGNATURE_INVALID);
        assertThat(keyLookups).hasValue(2);
    }
}
