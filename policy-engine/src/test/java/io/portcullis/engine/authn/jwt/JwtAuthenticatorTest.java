package io.portcullis.engine.authn.jwt;

import static io.portcullis.engine.authn.jwt.Tokens.AUDIENCE;
import static io.portcullis.engine.authn.jwt.Tokens.CLOCK;
import static io.portcullis.engine.authn.jwt.Tokens.ISSUER;
import static io.portcullis.engine.authn.jwt.Tokens.NOW;
import static io.portcullis.engine.authn.jwt.Tokens.bearer;
import static io.portcullis.engine.authn.jwt.Tokens.claims;
import static io.portcullis.engine.authn.jwt.Tokens.sign;
import static io.portcullis.engine.authn.jwt.Tokens.withAuthorization;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bearer JWTs verified against keys served at a JWKS URL over loopback HTTP. */
class JwtAuthenticatorTest {

    static final RSAKey RSA = Tokens.rsa("rsa-1");
    static final ECKey EC = Tokens.ec("ec-1");
    static final RSAKey UNPUBLISHED = Tokens.rsa("rsa-2");

    LoopbackIdentityProvider idp;
    JwtAuthenticator authenticator;

    @BeforeEach
    void start() throws Exception {
        idp = new LoopbackIdentityProvider();
        idp.publish(RSA, EC);
        authenticator = JwtAuthenticator.create(JwtSettings.builder()
                .issuer(ISSUER)
                .audiences(AUDIENCE, "reports-api")
                .jwksUrl(idp.jwksUrl())
                .attributeClaims(Map.of("accounts", "accounts"))
                .build(), CLOCK);
    }

    @AfterEach
    void stop() throws Exception {
        authenticator.close();
        idp.close();
    }

    @Test
    void rs256TokenYieldsItsPrincipal() {
        String token = sign(RSA, claims()
                .claim("roles", List.of("customer", "teller"))
                .claim("scope", "accounts:read transfers:write")
                .claim("tenant", "demo-bank")
                .claim("accounts", List.of("acc-alice-1", "acc-alice-2"))
                .build());

        Authentication result = authenticator.authenticate(bearer(token));

        assertThat(result.failure()).isEmpty();
        assertThat(result.boundCertificate()).isEmpty();
        Principal principal = result.principal();
        assertThat(principal.subject()).isEqualTo("alice");
        assertThat(principal.authMethod()).isEqualTo(AuthMethod.JWT);
        assertThat(principal.roles()).containsExactlyInAnyOrder("customer", "teller");
        assertThat(principal.scopes()).containsExactlyInAnyOrder("accounts:read", "transfers:write");
        assertThat(principal.tenant()).isEqualTo("demo-bank");
        assertThat(principal.attributes()).isEqualTo(Map.of("accounts", Set.of("acc-alice-1", "acc-alice-2")));
        assertThat(principal.keyId()).isEqualTo("rsa-1");
    }

    @Test
    void es256TokenWithScopesAsAnArrayIsAdmitted() {
        String token = sign(EC, claims().audience(List.of("other-api", "reports-api"))
                .claim("scope", List.of("reports:read", "reports:export")).build());

        Authentication result = authenticator.authenticate(bearer(token));

        assertThat(result.failure()).isEmpty();
        assertThat(result.principal().scopes()).containsExactlyInAnyOrder("reports:read", "reports:export");
        assertThat(result.principal().keyId()).isEqualTo("ec-1");
        assertThat(result.principal().roles()).isEmpty();
        assertThat(result.principal().tenant()).isEmpty();
    }

    @Test
    void scpIsReadWhenScopeIsAbsentAndTheSchemeIsCaseInsensitive() {
        String token = sign(RSA, claims().claim("scp", List.of("accounts:read")).build(), new JOSEObjectType("at+jwt"));

        Authentication result = authenticator.authenticate(withAuthorization("bEaReR " + token));

        assertThat(result.failure()).isEmpty();
        assertThat(result.principal().scopes()).containsExactly("accounts:read");
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode(claims().claim("roles", List.of("admin")).build().toString()).toString();

        Authentication result = authenticator.authenticate(bearer(header + "." + payload + "."));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.JWT_ALGORITHM_REFUSED);
        assertThat(result.principal().authenticated()).isFalse();
    }

    @Test
    void hs256SignedWithThePublicKeyAsSecretIsRefused() throws Exception {
        // Key confusion: a verifier that lets the token pick the algorithm would check this HMAC
        // with the RSA public key, which everybody has.
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                claims().claim("roles", List.of("admin")).build());
        forged.sign(new MACSigner(RSA.toRSAPublicKey().getEncoded()));

        Authentication result = authenticator.authenticate(bearer(forged.serialize()));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.JWT_ALGORITHM_REFUSED);
    }

    @Test
    void tokenExpiredBeyondTheSkewIsRefused() {
        String token = sign(RSA, claims().expirationTime(Date.from(NOW.minusSeconds(120))).build());

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEqualTo(JwtAuthenticator.JWT_EXPIRED);
    }

    @Test
    void tokenExpiredWithinTheSkewIsTolerated() {
        String token = sign(RSA, claims().expirationTime(Date.from(NOW.minusSeconds(10))).build());

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEmpty();
    }

    @Test
    void tokenNotYetValidIsRefused() {
        String token = sign(RSA, claims().notBeforeTime(Date.from(NOW.plusSeconds(120))).build());

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEqualTo(JwtAuthenticator.JWT_NOT_YET_VALID);
    }

    @Test
    void wrongIssuerIsRefused() {
        String token = sign(RSA, claims().issuer("https://idp.example.test/other-realm").build());

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEqualTo(JwtAuthenticator.JWT_ISSUER_INVALID);
    }

    @Test
    void wrongOrMissingAudienceIsRefused() {
        String wrong = sign(RSA, claims().audience("payments-api").build());
        String missing = sign(RSA, claims().audience((String) null).build());

        assertThat(authenticator.authenticate(bearer(wrong)).failure()).isEqualTo(JwtAuthenticator.JWT_AUDIENCE_INVALID);
        assertThat(authenticator.authenticate(bearer(missing)).failure()).isEqualTo(JwtAuthenticator.JWT_AUDIENCE_INVALID);
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = sign(RSA, claims().claim("roles", List.of("customer")).build()).split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String tampered = Base64URL.encode(payload.replace("\"customer\"", "\"admin\"")).toString();
        assertThat(tampered).isNotEqualTo(parts[1]);

        Authentication result = authenticator.authenticate(bearer(parts[0] + "." + tampered + "." + parts[2]));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.JWT_SIGNATURE_INVALID);
    }

    @Test
    void missingRequiredClaimIsRefused() {
        String noExpiry = sign(RSA, claims().expirationTime(null).build());
        String noSubject = sign(RSA, claims().subject(null).build());

        assertThat(authenticator.authenticate(bearer(noExpiry)).failure()).isEqualTo(JwtAuthenticator.JWT_CLAIM_MISSING);
        assertThat(authenticator.authenticate(bearer(noSubject)).failure()).isEqualTo(JwtAuthenticator.JWT_CLAIM_MISSING);
    }

    @Test
    void mappedClaimOfTheWrongShapeIsRefused() {
        String token = sign(RSA, claims().claim("roles", Map.of("admin", true)).build());

        assertThat(authenticator.authenticate(bearer(token)).failure()).isEqualTo(JwtAuthenticator.JWT_CLAIM_INVALID);
    }

    @Test
    void unknownKidIsRefusedAfterTheKeysWereFetchedAgain() {
        assertThat(authenticator.authenticate(bearer(sign(RSA, claims().build()))).failure()).isEmpty();
        assertThat(idp.jwksHits).hasValue(1);

        Authentication result = authenticator.authenticate(bearer(sign(UNPUBLISHED, claims().build())));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.JWT_KEY_UNKNOWN);
        assertThat(idp.jwksHits).hasValue(2);
    }

    @Test
    void unknownKidsCannotMakeTheGatewayHammerTheIdentityProvider() {
        assertThat(authenticator.authenticate(bearer(sign(RSA, claims().build()))).failure()).isEmpty();

        for (int i = 0; i < 20; i++) {
            RSAKey made = new RSAKey.Builder(UNPUBLISHED).keyID("made-up-" + i).build();
            assertThat(authenticator.authenticate(bearer(sign(made, claims().build()))).failure())
                    .isEqualTo(JwtAuthenticator.JWT_KEY_UNKNOWN);
        }

        assertThat(idp.jwksHits.get()).isLessThanOrEqualTo(2); // the first fetch and one refresh per interval
    }

    @Test
    void keyPublishedAtTheJwksUrlIsAcceptedWithoutARestart() {
        assertThat(authenticator.authenticate(bearer(sign(RSA, claims().build()))).failure()).isEmpty();
        String rotated = sign(UNPUBLISHED, claims().build());

        idp.publish(RSA, EC, UNPUBLISHED);
        Authentication result = authenticator.authenticate(bearer(rotated));

        assertThat(result.failure()).isEmpty();
        assertThat(result.principal().keyId()).isEqualTo("rsa-2");
    }

    @Test
    void jwksEndpointDownRefusesTheToken() {
        idp.stop();

        Authentication result = authenticator.authenticate(bearer(sign(RSA, claims().build())));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.JWKS_UNAVAILABLE);
        assertThat(result.principal().authenticated()).isFalse();
    }

    @Test
    void certificateBoundTokenReportsTheThumbprint() {
        String thumbprint = Base64URL.encode(new byte[32]).toString();
        String token = sign(RSA, claims().claim("cnf", Map.of("x5t#S256", thumbprint)).build());

        Authentication result = authenticator.authenticate(bearer(token));

        assertThat(result.failure()).isEmpty();
        assertThat(result.principal().subject()).isEqualTo("alice");
        assertThat(result.boundCertificate()).isEqualTo(thumbprint).hasSize(43);
    }

    @Test
    void tokenBoundByAMethodTheGatewayCannotEnforceIsRefused() {
        String dpop = sign(RSA, claims().claim("cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")).build());
        String garbled = sign(RSA, claims().claim("cnf", Map.of("x5t#S256", "not-a-thumbprint")).build());

        assertThat(authenticator.authenticate(bearer(dpop)).failure()).isEqualTo(JwtAuthenticator.JWT_BINDING_UNSUPPORTED);
        assertThat(authenticator.authenticate(bearer(garbled)).failure()).isEqualTo(JwtAuthenticator.JWT_CLAIM_INVALID);
    }

    @Test
    void oversizeTokenIsRefusedBeforeAnyVerification() {
        String token = sign(RSA, claims().claim("padding", "x".repeat(9000)).build());

        Authentication result = authenticator.authenticate(bearer(token));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.BEARER_TOO_LONG);
        assertThat(idp.jwksHits).hasValue(0);
    }

    @Test
    void severalAuthorizationHeadersAreRefused() {
        String token = sign(RSA, claims().build());

        assertThat(authenticator.authenticate(withAuthorization("Bearer " + token, "Bearer " + token)).failure())
                .isEqualTo(JwtAuthenticator.BEARER_AMBIGUOUS);
        assertThat(authenticator.authenticate(withAuthorization("Basic YWxpY2U6cHc=", "Bearer " + token)).failure())
                .isEqualTo(JwtAuthenticator.BEARER_AMBIGUOUS);
    }

    @Test
    void emptyOrMalformedTokenIsRefused() {
        assertThat(authenticator.authenticate(withAuthorization("Bearer")).failure()).isEqualTo(JwtAuthenticator.BEARER_EMPTY);
        assertThat(authenticator.authenticate(withAuthorization("Bearer   ")).failure()).isEqualTo(JwtAuthenticator.BEARER_EMPTY);
        assertThat(authenticator.authenticate(bearer("abc def")).failure()).isEqualTo(JwtAuthenticator.JWT_MALFORMED);
        assertThat(authenticator.authenticate(bearer("e30.e30.%%%")).failure()).isEqualTo(JwtAuthenticator.JWT_MALFORMED);
        assertThat(authenticator.authenticate(bearer("bm90IGpzb24.e30.c2ln")).failure()).isEqualTo(JwtAuthenticator.JWT_MALFORMED);
    }

    @Test
    void opaqueTokenWithoutIntrospectionIsRefused() {
        Authentication result = authenticator.authenticate(bearer("2YotnFZFEjr1zCsicMWpAA"));

        assertThat(result.failure()).isEqualTo(JwtAuthenticator.JWT_MALFORMED);
    }

    @Test
    void basicSchemeOrNoAuthorizationIsNotPresented() {
        assertThat(authenticator.authenticate(withAuthorization("Basic YWxpY2U6cHc="))).isEqualTo(Authentication.NOT_PRESENTED);
        assertThat(authenticator.authenticate(withAuthorization("Bearerish abc"))).isEqualTo(Authentication.NOT_PRESENTED);
        assertThat(authenticator.authenticate(ApiRequest.builder().id("r").build())).isEqualTo(Authentication.NOT_PRESENTED);
    }

    @Test
    void challengeNamesTheSchemeAndNothingElse() {
        assertThat(authenticator.challenge()).contains("Bearer realm=\"portcullis\"");
        assertThat(authenticator.credentialHeaders()).containsExactly("authorization");
    }
}
