package io.portcullis.engine.authn.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis jwt ...}: bearer tokens for demos and tests. */
@Command(name = "jwt", mixinStandardHelpOptions = true, description = "Work with JWT bearer tokens (demos and tests).",
        subcommands = JwtCommand.Mint.class)
public final class JwtCommand {

    /** Matches {@code examples/config/jwt/README.md}, so a minted token fits the demo configuration. */
    public static final String DEMO_ISSUER = "https://idp.portcullis.demo";
    public static final String DEMO_AUDIENCE = "portcullis-demo";

    /**
     * {@code portcullis jwt mint}: signs a token with a private JWK, so a demo or a test can call
     * the gateway as an identity provider's client would. Not an identity provider: it checks
     * nobody and must never hold a production key.
     */
    @Command(name = "mint", mixinStandardHelpOptions = true,
            description = {"Print a signed JWT (RS256 for an RSA key, ES256/384/512 for an EC key, kid from the JWK).",
                    "For demos and tests only: never use it with a production signing key."})
    public static final class Mint implements Callable<Integer> {

        private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,5})([smh])");
        private static final Duration MAX_TTL = Duration.ofHours(24);

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "private JWK (JSON)")
        Path key;

        @Option(names = "--subject", required = true, description = "the 'sub' claim")
        String subject;

        @Option(names = "--roles", split = ",", paramLabel = "ROLE", description = "the 'roles' claim, comma-separated")
        List<String> roles = new ArrayList<>();

        @Option(names = "--scopes", split = ",", paramLabel = "SCOPE", description = "the 'scope' claim, comma-separated")
        List<String> scopes = new ArrayList<>();

        @Option(names = "--tenant", description = "the 'tenant' claim")
        String tenant;

        @Option(names = "--audience", defaultValue = DEMO_AUDIENCE, description = "the 'aud' claim (default: ${DEFAULT-VALUE})")
        String audience;

        @Option(names = "--issuer", defaultValue = DEMO_ISSUER, description = "the 'iss' claim (default: ${DEFAULT-VALUE})")
        String issuer;

        @Option(names = "--ttl", defaultValue = "15m", description = "lifetime: 30s, 15m, 2h; at most 24h (default: ${DEFAULT-VALUE})")
        String ttl;

        @Option(names = "--attribute", paramLabel = "NAME=VALUE[,VALUE...]",
                description = "a claim listing objects the caller may act on, e.g. accounts=acc-alice-1; repeatable")
        List<String> attributes = new ArrayList<>();

        @Spec
        CommandSpec spec;

        private final Clock clock = Clock.systemUTC();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                out.println(mint());
                out.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            }
        }

        private String mint() {
            Duration lifetime = lifetime();
            JWK jwk = readKey();
            JWSSigner signer;
            JWSAlgorithm algorithm;
            try {
                if (jwk instanceof RSAKey rsa) {
                    signer = new RSASSASigner(rsa);
                    algorithm = JWSAlgorithm.RS256;
                } else if (jwk instanceof ECKey ec) {
                    signer = new ECDSASigner(ec);
                    algorithm = ECDSA.resolveAlgorithm(ec.getCurve());
                } else {
                    throw new IllegalArgumentException("--key: only RSA and EC keys are supported");
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("--key: the key cannot sign (" + e.getClass().getSimpleName() + ")");
            }
            Instant now = clock.instant();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .subject(subject)
                    .audience(audience)
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(lifetime)))
                    .jwtID(UUID.randomUUID().toString());
            if (!roles.isEmpty()) {
                claims.claim("roles", roles);
            }
            if (!scopes.isEmpty()) {
                claims.claim("scope", String.join(" ", scopes));
            }
            if (tenant != null) {
                claims.claim("tenant", tenant);
            }
            attributeClaims().forEach(claims::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT)
                    .keyID(jwk.getKeyID()).build(), claims.build());
            try {
                jwt.sign(signer);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("--key: signing failed (" + e.getClass().getSimpleName() + ")");
            }
            return jwt.serialize();
        }

        private Duration lifetime() {
            Matcher matcher = TTL.matcher(ttl);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("--ttl: expected a number and s, m or h, such as 15m");
            }
            long amount = Long.parseLong(matcher.group(1));
            Duration lifetime = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (lifetime.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("--ttl: at most 24h (demo tokens should die young)");
            }
            return lifetime;
        }

        /** Error messages never quote the file: it holds a private key. */
        private JWK readKey() {
            JWK jwk;
            try {
                jwk = JWK.parse(Files.readString(key, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("--key: cannot read " + key);
            } catch (ParseException e) {
                throw new IllegalArgumentException("--key: " + key + " is not a JSON Web Key");
            }
            if (!jwk.isPrivate()) {
                throw new IllegalArgumentException("--key: " + key + " holds no private key; a public key cannot sign");
            }
            return jwk;
        }

        private Map<String, List<String>> attributeClaims() {
            Map<String, List<String>> claims = new LinkedHashMap<>();
            for (String attribute : attributes) {
                int equals = attribute.indexOf('=');
                if (equals <= 0 || equals == attribute.length() - 1) {
                    throw new IllegalArgumentException("--attribute: expected NAME=VALUE, such as accounts=acc-alice-1");
                }
                List<String> values = claims.computeIfAbsent(attribute.substring(0, equals), name -> new ArrayList<>());
                for (String value : attribute.substring(equals + 1).split(",")) {
                    if (!value.isBlank()) {
                        values.add(value.strip());
                    }
                }
            }
            return claims;
        }
    }
}
