package io.portcullis.engine.authn.jwt;

import static io.portcullis.engine.authn.jwt.Tokens.AUDIENCE;
import static io.portcullis.engine.authn.jwt.Tokens.CLOCK;
import static io.portcullis.engine.authn.jwt.Tokens.ISSUER;
import static io.portcullis.engine.authn.jwt.Tokens.bearer;
import static io.portcullis.engine.authn.jwt.Tokens.claims;
import static io.portcullis.engine.authn.jwt.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.portcullis.engine.authn.WatchedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys kept in a JWK Set file the security team edits under a running gateway. */
class JwtJwksFileTest {

    static final RSAKey OLD = Tokens.rsa("2026-01");
    static final RSAKey NEW = Tokens.rsa("2026-07");

    @TempDir
    Path dir;

    Path file;
    WatchedFile<JWKSet> keys;
    JwtAuthenticator authenticator;

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("jwks.json");
        write(OLD);
        keys = WatchedFile.watch(file, JwksFile::load);
        authenticator = new JwtAuthenticator(settings(file), JwksFile.source(keys), null, CLOCK);
    }

    @AfterEach
    void stop() throws IOException {
        keys.close();
    }

    @Test
    void keyRotatedInTheFileIsUsedAfterTheReload() throws IOException {
        String oldToken = sign(OLD, claims().build());
        String newToken = sign(NEW, claims().build());
        assertThat(authenticator.authenticate(bearer(oldToken)).failure()).isEmpty();
        assertThat(authenticator.authenticate(bearer(newToken)).failure()).isEqualTo(JwtAuthenticator.JWT_KEY_UNKNOWN);

        write(NEW);
        keys.reload(); // what the watcher does when the file changes

        assertThat(keys.lastError()).isEmpty();
        assertThat(authenticator.authenticate(bearer(newToken)).principal().keyId()).isEqualTo("2026-07");
        assertThat(authenticator.authenticate(bearer(oldToken)).failure()).isEqualTo(JwtAuthenticator.JWT_KEY_UNKNOWN);
    }

    @Test
    void brokenFileLeavesTheLastGoodKeysInService() throws IOException {
        Files.writeString(file, "{\"keys\": [ {\"kty\": \"RSA\"");
        keys.reload();

        assertThat(keys.lastError()).contains("jwks.json");
        assertThat(authenticator.authenticate(bearer(sign(OLD, claims().build()))).failure()).isEmpty();
    }

    @Test
    void fileWithAPrivateKeyIsRefused() throws IOException {
        Path leaked = dir.resolve("leaked.json");
        Files.writeString(leaked, new JWKSet((JWK) OLD).toString(false));

        assertThatThrownBy(() -> JwksFile.load(leaked)).isInstanceOf(IOException.class)
                .hasMessageContaining("private").hasMessageContaining("leaked.json")
                .hasMessageNotContaining(OLD.getPrivateExponent().toString());
    }

    @Test
    void emptyKeySetIsRefused() throws IOException {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"keys\":[]}");

        assertThatThrownBy(() -> JwksFile.load(empty)).hasMessageContaining("no keys");
    }

    @Test
    void authenticatorBuiltFromTheSettingsReadsTheFile() throws Exception {
        try (JwtAuthenticator fromSettings = JwtAuthenticator.create(settings(file), CLOCK)) {
            assertThat(fromSettings.authenticate(bearer(sign(OLD, claims().build()))).principal().subject())
                    .isEqualTo("alice");
        }
    }

    private static JwtSettings settings(Path jwks) {
        return JwtSettings.builder().issuer(ISSUER).audiences(AUDIENCE).jwksFile(jwks).build();
    }

    /** Written beside and moved into place, as a deployment tool would, so no reader sees half a file. */
    private void write(RSAKey key) throws IOException {
        Path temporary = dir.resolve("jwks.json.tmp");
        Files.writeString(temporary, new JWKSet(List.of(key.toPublicJWK())).toString());
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
