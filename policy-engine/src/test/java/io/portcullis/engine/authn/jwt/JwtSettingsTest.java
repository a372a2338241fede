package io.portcullis.engine.authn.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bad JWT configuration stops the start, with a message naming the setting. */
class JwtSettingsTest {

    static final URI JWKS = URI.create("https://idp.example.test/jwks");

    @Test
    void defaultsAreTheDocumentedOnes() {
        JwtSettings settings = valid().build();

        assertThat(settings.algorithms()).containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
        assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requiredClaims()).containsExactlyInAnyOrder("sub", "exp");
        assertThat(settings.rolesClaim()).isEqualTo("roles");
        assertThat(settings.scopesClaim()).isEqualTo("scope");
        assertThat(settings.tenantClaim()).isEqualTo("tenant");
        assertThat(settings.maxTokenLength()).isEqualTo(8192);
        assertThat(settings.introspection()).isNull();
    }

    @Test
    void unsignedAndSharedSecretAlgorithmsAreRefused() {
        assertThatThrownBy(() -> valid().algorithms("RS256", "none").build())
                .hasMessageContaining("authentication.jwt.algorithms").hasMessageContaining("'none' is refused");
        assertThatThrownBy(() -> valid().algorithms("HS256").build())
                .hasMessageContaining("authentication.jwt.algorithms").hasMessageContaining("shared secrets are not accepted");
        assertThatThrownBy(() -> valid().algorithms("EdDSA").build()).hasMessageContaining("not supported");
        assertThatThrownBy(() -> valid().algorithms().build()).hasMessageContaining("authentication.jwt.algorithms");
    }

    @Test
    void exactlyOneKeySourceIsRequired() {
        assertThatThrownBy(() -> valid().jwksFile(Path.of("jwks.json")).build())
                .hasMessageContaining("exactly one of jwksFile and jwksUrl");
        assertThatThrownBy(() -> valid().jwksUrl(null).build()).hasMessageContaining("exactly one of jwksFile and jwksUrl");
    }

    @Test
    void keysAndIntrospectionTravelOverTlsExceptOnLoopback() {
        assertThatThrownBy(() -> valid().jwksUrl(URI.create("http://idp.example.test/jwks")).build())
                .hasMessageContaining("authentication.jwt.jwksUrl").hasMessageContaining("https");
        assertThatThrownBy(() -> valid().jwksUrl(URI.create("https://user:pw@idp.example.test/jwks")).build())
                .hasMessageContaining("authentication.jwt.jwksUrl").hasMessageNotContaining("pw");
        assertThat(valid().jwksUrl(URI.create("http://127.0.0.1:8443/jwks")).build().jwksUrl()).isNotNull();
        assertThatThrownBy(() -> IntrospectionSettings.of(URI.create("http://idp.example.test/introspect"), "gw", "s"))
                .hasMessageContaining("authentication.jwt.introspection.endpoint");
    }

    @Test
    void issuerAudiencesAndRequiredClaimsAreChecked() {
        assertThatThrownBy(() -> valid().issuer(" ").build()).hasMessageContaining("authentication.jwt.issuer");
        assertThatThrownBy(() -> valid().audiences(List.of()).build()).hasMessageContaining("authentication.jwt.audiences");
        assertThatThrownBy(() -> valid().requiredClaims(List.of("sub")).build())
                .hasMessageContaining("authentication.jwt.requiredClaims").hasMessageContaining("exp");
    }

    @Test
    void durationsAndLimitsAreBounded() {
        assertThatThrownBy(() -> valid().clockSkew(Duration.ofMinutes(6)).build())
                .hasMessageContaining("authentication.jwt.clockSkew");
        assertThatThrownBy(() -> valid().jwksMinRefreshInterval(Duration.ofMinutes(10)).build())
                .hasMessageContaining("authentication.jwt.jwksMinRefreshInterval");
        assertThatThrownBy(() -> valid().maxTokenLength(100).build()).hasMessageContaining("authentication.jwt.maxTokenLength");
        assertThatThrownBy(() -> IntrospectionSettings.of(URI.create("https://idp.example.test/i"), "gw", "s")
                .withTimeout(Duration.ofMinutes(1))).hasMessageContaining("authentication.jwt.introspection.timeout");
    }

    @Test
    void introspectionSecretIsNeverPrinted() {
        IntrospectionSettings introspection = IntrospectionSettings.of(URI.create("https://idp.example.test/i"), "gw",
                "very-secret-value");

        assertThat(introspection.toString()).doesNotContain("very-secret-value");
        assertThat(valid().introspection(introspection).build().toString()).doesNotContain("very-secret-value");
    }

    private static JwtSettings.Builder valid() {
        return JwtSettings.builder().issuer("https://idp.example.test").audiences("accounts-api").jwksUrl(JWKS);
    }
}
