package io.portcullis.engine.authn.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.model.Principal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portcullis jwt mint} as a demo uses it: its tokens pass the gateway's own verification. */
class JwtCommandTest {

    static final Path DEMO = Path.of("..", "examples", "config", "jwt");

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    @Test
    void tokenMintedWithAnRsaKeyIsAdmittedWithEveryClaim() throws Exception {
        RSAKey key = Tokens.rsa("demo-rsa");
        Path keyFile = write("rsa.json", key);

        Run run = run("mint", "--key", keyFile.toString(), "--subject", "alice", "--roles", "customer,teller",
                "--scopes", "accounts:read,transfers:write", "--tenant", "demo-bank",
                "--attribute", "accounts=acc-alice-1", "--attribute", "accounts=acc-alice-2", "--ttl", "5m");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String token = run.out().strip();
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        Authentication result = verify(token, key);
        assertThat(result.failure()).isEmpty();
        Principal principal = result.principal();
        assertThat(principal.subject()).isEqualTo("alice");
        assertThat(principal.roles()).containsExactlyInAnyOrder("customer", "teller");
        assertThat(principal.scopes()).containsExactlyInAnyOrder("accounts:read", "transfers:write");
        assertThat(principal.tenant()).isEqualTo("demo-bank");
        assertThat(principal.attributes()).isEqualTo(Map.of("accounts", Set.of("acc-alice-1", "acc-alice-2")));
        assertThat(principal.keyId()).isEqualTo("demo-rsa");
    }

    @Test
    void ecKeySignsEs256() throws Exception {
        ECKey key = Tokens.ec("demo-ec");

        Run run = run("mint", "--key", write("ec.json", key).toString(), "--subject", "bob");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(SignedJWT.parse(run.out().strip()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(verify(run.out().strip(), key).principal().subject()).isEqualTo("bob");
    }

    @Test
    void publicKeyOrTooLongLifetimeIsRefusedWithoutAToken() throws Exception {
        RSAKey key = Tokens.rsa("k");
        Path publicOnly = write("public.json", key.toPublicJWK());

        Run noPrivateKey = run("mint", "--key", publicOnly.toString(), "--subject", "alice");
        Run tooLong = run("mint", "--key", write("rsa.json", key).toString(), "--subject", "alice", "--ttl", "25h");

        assertThat(noPrivateKey.exitCode()).isEqualTo(1);
        assertThat(noPrivateKey.err()).contains("--key").contains("no private key");
        assertThat(noPrivateKey.out()).isEmpty();
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("--ttl");
        assertThat(tooLong.out()).isEmpty();
    }

    @Test
    void demoKeyAndDemoJwksBelongTogether() throws Exception {
        JWK signing = JWK.parse(Files.readString(DEMO.resolve("demo-signing-key.json")));
        JWKSet published = JwksFile.load(DEMO.resolve("jwks.json"));

        assertThat(signing).isInstanceOf(RSAKey.class);
        assertThat(signing.getKeyID()).isEqualTo("demo-2026");
        assertThat(signing.size()).isEqualTo(2048);
        assertThat(published.getKeys()).containsExactly(signing.toPublicJWK());

        Run run = run("mint", "--key", DEMO.resolve("demo-signing-key.json").toString(), "--subject", "alice",
                "--roles", "customer", "--attribute", "accounts=acc-alice-1");
        JwtSettings settings = JwtSettings.builder().issuer(JwtCommand.DEMO_ISSUER).audiences(JwtCommand.DEMO_AUDIENCE)
                .jwksFile(DEMO.resolve("jwks.json")).build();
        try (JwtAuthenticator demoGateway = JwtAuthenticator.create(settings, Clock.systemUTC())) {
            Authentication result = demoGateway.authenticate(Tokens.bearer(run.out().strip()));
            assertThat(result.failure()).isEmpty();
            assertThat(result.principal().keyId()).isEqualTo("demo-2026");
        }
    }

    private Authentication verify(String token, JWK key) {
        JwtSettings settings = JwtSettings.builder().issuer(JwtCommand.DEMO_ISSUER).audiences(JwtCommand.DEMO_AUDIENCE)
                .jwksFile(dir.resolve("unused.json")).attributeClaims(Map.of("accounts", "accounts")).build();
        JWKSet keys = new JWKSet(key.toPublicJWK());
        return new JwtAuthenticator(settings, JwksFile.source(() -> keys), null, Clock.systemUTC())
                .authenticate(Tokens.bearer(token));
    }

    private Path write(String name, JWK key) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, key.toJSONString());
        return file;
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new JwtCommand());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int exitCode = command.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
