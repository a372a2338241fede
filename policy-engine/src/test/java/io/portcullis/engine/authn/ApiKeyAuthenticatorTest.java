package io.portcullis.engine.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyAuthenticatorTest {

    static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    ApiKeyAuthenticator authenticator;

    @BeforeEach
    void keys() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Files.writeString(file, """
                keys:
                  - id: current
                    subject: alice
                    roles: [customer]
                    sha256: %s
                  - id: old
                    subject: alice
                    roles: [customer]
                    sha256: %s
                    expires: 2026-01-01T00:00:00Z
                  - id: next
                    subject: alice
                    roles: [customer]
                    sha256: %s
                """.formatted(io.portcullis.engine.Sha256.hex("current-key"), io.portcullis.engine.Sha256.hex("old-key"),
                io.portcullis.engine.Sha256.hex("next-key")));
        ApiKeyStore store = ApiKeyStore.load(file);
        authenticator = new ApiKeyAuthenticator("X-API-Key", "api_key", () -> store, NOW);
    }

    @Test
    void validKeyYieldsItsPrincipal() {
        Authentication result = authenticator.authenticate(request(List.of("current-key")));

        assertThat(result.principal().subject()).isEqualTo("alice");
        assertThat(result.principal().authMethod()).isEqualTo(AuthMethod.API_KEY);
        assertThat(result.principal().keyId()).isEqualTo("current");
    }

    @Test
    void duringRotationBothKeysOfAClientWorkAndEachIsNamedByItsId() {
        Authentication current = authenticator.authenticate(request(List.of("current-key")));
        Authentication next = authenticator.authenticate(request(List.of("next-key")));

        assertThat(current.principal().subject()).isEqualTo("alice");
        assertThat(next.principal().subject()).isEqualTo("alice");
        assertThat(current.principal().keyId()).isEqualTo("current");
        assertThat(next.principal().keyId()).isEqualTo("next");
    }

    @Test
    void expiredUnknownAndAmbiguousKeysFailWithTheirReason() {
        assertThat(authenticator.authenticate(request(List.of("old-key"))).failure()).isEqualTo("API_KEY_EXPIRED");
        assertThat(authenticator.authenticate(request(List.of("nope"))).failure()).isEqualTo("API_KEY_UNKNOWN");
        assertThat(authenticator.authenticate(request(List.of("current-key", "old-key"))).failure())
                .isEqualTo("API_KEY_AMBIGUOUS");
        assertThat(authenticator.authenticate(request(List.of("old-key"))).principal().authenticated()).isFalse();
    }

    @Test
    void keyInTheUrlIsAcceptedOnlyAsMarkedAndNeverTogetherWithAHeaderKey() {
        Authentication inUrl = authenticator.authenticate(ApiRequest.builder().id("r")
                .query(Map.of("api_key", List.of("current-key"))).build());
        Authentication both = authenticator.authenticate(ApiRequest.builder().id("r")
                .headers(Map.of("x-api-key", List.of("current-key"))).query(Map.of("api_key", List.of("current-key"))).build());

        assertThat(inUrl.principal().subject()).isEqualTo("alice");
        assertThat(inUrl.inUrl()).isTrue();
        assertThat(both.failure()).isEqualTo("API_KEY_AMBIGUOUS");
    }

    @Test
    void noKeyIsNotAFailure() {
        Authentication result = authenticator.authenticate(ApiRequest.builder().id("r").build());

        assertThat(result.presented()).isFalse();
    }

    @Test
    void keyFileWithAPlainKeyInsteadOfAHashIsRefused() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "keys:\n  - id: k\n    subject: s\n    sha256: alice-demo-key\n");

        assertThatThrownBy(() -> ApiKeyStore.load(file)).hasMessageContaining("'sha256' must be 64 hex digits");
    }

    private static ApiRequest request(List<String> keys) {
        return ApiRequest.builder().id("r").headers(Map.of("x-api-key", keys)).build();
    }
}
