package io.portcullis.engine.authn.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the gateway accepts OAuth2 bearer tokens: whose tokens (issuer), for whom (audiences),
 * signed how (algorithms) and with which keys (a JWKS file or URL), and how their claims become a
 * {@code Principal}. Checked when built, so a bad configuration stops the start with a message
 * naming the setting; {@link #builder()} supplies the defaults.
 *
 * @param issuer                 the exact {@code iss} every token must carry
 * @param audiences              a token is accepted when its {@code aud} names at least one of these
 * @param algorithms             signature algorithms accepted; never {@code none} nor HMAC
 * @param jwksFile               the verification keys as a JWK Set file (reloaded when it changes), or null
 * @param jwksUrl                the identity provider's JWKS endpoint, or null; exactly one of the two is set
 * @param jwksCacheTtl           how long keys fetched from {@code jwksUrl} are used before they are fetched again
 * @param jwksMinRefreshInterval at most two fetches per this interval, whatever unknown {@code kid}s arrive
 * @param jwksTimeout            connect and read timeout of one JWKS fetch
 * @param clockSkew              tolerance on {@code exp} and {@code nbf} for clocks that drift
 * @param requiredClaims         claims every token must carry; always {@code sub} and {@code exp}
 * @param rolesClaim             claim holding roles: an array or a space-separated string
 * @param scopesClaim            claim holding scopes: an array or a space-separated string ({@code scp} is read when it is absent)
 * @param tenantClaim            claim holding the caller's tenant
 * @param attributeClaims        principal attribute → claim holding its values ({@code accounts → accounts})
 * @param maxTokenLength         longer tokens are refused before any parsing
 * @param introspection          how to check opaque tokens (RFC 7662), or null to refuse them
 * @param maxLifetime            tokens valid for longer (exp − iat, an iat later than now plus the skew counting as now plus the skew; exp − now without iat) are refused:
 *                               a token minted for years is a stolen credential waiting to happen
 * @param requireAccessTokenType only {@code typ: at+jwt} (RFC 9068) is accepted, so an ID token from the
 *                               same issuer cannot pass as an access token
 */
public record JwtSettings(String issuer, Set<String> audiences, Set<JWSAlgorithm> algorithms, Path jwksFile,
                          URI jwksUrl, Duration jwksCacheTtl, Duration jwksMinRefreshInterval, Duration jwksTimeout,
                          Duration clockSkew, Set<String> requiredClaims, String rolesClaim, String scopesClaim,
                          String tenantClaim, Map<String, String> attributeClaims, int maxTokenLength,
                          IntrospectionSettings introspection, Duration maxLifetime, boolean requireAccessTokenType) {

    /** Where these settings live in the gateway configuration; messages name keys under it. */
    public static final String KEY = "authentication.jwt";

    /** The algorithms that can be verified with public keys and the JDK alone (EdDSA needs Tink, ES256K a curve the JDK dropped). */
    private static final Set<JWSAlgorithm> SUPPORTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    public JwtSettings {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException(KEY + ".issuer: required (the exact 'iss' of the identity provider)");
        }
        audiences = requireNames(audiences, KEY + ".audiences");
        algorithms = requireAlgorithms(algorithms);
        if ((jwksFile == null) == (jwksUrl == null)) {
            throw new IllegalArgumentException(KEY + ": set exactly one of jwksFile and jwksUrl");
        }
        if (jwksUrl != null) {
            requireEndpoint(jwksUrl, KEY + ".jwksUrl");
        }
        requireBetween(jwksCacheTtl, Duration.ofMinutes(1), Duration.ofHours(24), KEY + ".jwksCacheTtl");
        requireBetween(jwksMinRefreshInterval, Duration.ofSeconds(1), Duration.ofHours(1), KEY + ".jwksMinRefreshInterval");
        if (jwksMinRefreshInterval.compareTo(jwksCacheTtl) >= 0) {
            throw new IllegalArgumentException(KEY + ".jwksMinRefreshInterval: must be shorter than jwksCacheTtl");
        }
        requireBetween(jwksTimeout, Duration.ofMillis(100), Duration.ofSeconds(10), KEY + ".jwksTimeout");
        requireBetween(clockSkew, Duration.ZERO, Duration.ofMinutes(5), KEY + ".clockSkew");
        requiredClaims = requireNames(requiredClaims, KEY + ".requiredClaims");
        if (!requiredClaims.containsAll(Set.of("sub", "exp"))) {
            // Without sub there is no principal; without exp a stolen token works forever.
            throw new IllegalArgumentException(KEY + ".requiredClaims: must include sub and exp");
        }
        requireName(rolesClaim, KEY + ".rolesClaim");
        requireName(scopesClaim, KEY + ".scopesClaim");
        requireName(tenantClaim, KEY + ".tenantClaim");
        if (attributeClaims == null) {
            throw new IllegalArgumentException(KEY + ".attributeClaims: required (may be empty)");
        }
        attributeClaims.forEach((attribute, claim) -> {
            requireName(attribute, KEY + ".attributeClaims");
            requireName(claim, KEY + ".attributeClaims." + attribute);
        });
        attributeClaims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributeClaims));
        if (maxTokenLength < 256 || maxTokenLength > 65_536) {
            throw new IllegalArgumentException(KEY + ".maxTokenLength: must be between 256 and 65536");
        }
        requireBetween(maxLifetime, Duration.ofMinutes(1), Duration.ofDays(7), KEY + ".maxLifetime");
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Set<JWSAlgorithm> requireAlgorithms(Set<JWSAlgorithm> algorithms) {
        if (algorithms == null || algorithms.isEmpty()) {
            throw new IllegalArgumentException(KEY + ".algorithms: at least one is required");
        }
        for (JWSAlgorithm algorithm : algorithms) {
            String name = algorithm.getName();
            if (name.equalsIgnoreCase("none")) {
                throw new IllegalArgumentException(KEY + ".algorithms: 'none' is refused: an unsigned token proves nothing");
            }
            if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) || name.toUpperCase(Locale.ROOT).startsWith("HS")) {
                throw new IllegalArgumentException(KEY + ".algorithms: '" + name + "' is refused: shared secrets are not "
                        + "accepted for a gateway (whoever can verify such a token can also forge one); use RS256, PS256 or ES256");
            }
            if (!SUPPORTED.contains(algorithm)) {
                throw new IllegalArgumentException(KEY + ".algorithms: '" + name + "' is not supported; use RS256, RS384, "
                        + "RS512, PS256, PS384, PS512, ES256, ES384 or ES512");
            }
        }
        return Set.copyOf(algorithms);
    }

    private static Set<String> requireNames(Collection<String> names, String key) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException(key + ": at least one is required");
        }
        names.forEach(name -> requireName(name, key));
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    private static void requireName(String name, String key) {
        if (name == null || name.isBlank() || !name.equals(name.strip())) {
            throw new IllegalArgumentException(key + ": names must be non-empty, without surrounding spaces");
        }
    }

    static void requireBetween(Duration value, Duration min, Duration max, String key) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + ": must be between " + min + " and " + max);
        }
    }

    /**
     * Keys and introspection answers decide who gets in: they must come over TLS, except from the
     * same machine (a sidecar, a test). Credentials go in their own settings, never in the URL.
     */
    static void requireEndpoint(URI uri, String key) {
        if (uri == null) {
            throw new IllegalArgumentException(key + ": required");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(key + ": must be an absolute http(s) URL with a host, without user info or fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (!scheme.equals("http") || !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(key + ": must be https (plain http only to a loopback address)");
        }
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name would need a DNS lookup, whose answer can change
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Collects settings with the defaults applied; {@link #build()} validates them. */
    public static final class Builder {
        private String issuer;
        private Set<String> audiences;
        private Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
        private Path jwksFile;
        private URI jwksUrl;
        private Duration jwksCacheTtl = Duration.ofMinutes(5);
        private Duration jwksMinRefreshInterval = Duration.ofSeconds(30);
        private Duration jwksTimeout = Duration.ofSeconds(2);
        private Duration clockSkew = Duration.ofSeconds(30);
        private Set<String> requiredClaims = Set.of("sub", "exp");
        private String rolesClaim = "roles";
        private String scopesClaim = "scope";
        private String tenantClaim = "tenant";
        private Map<String, String> attributeClaims = Map.of();
        private int maxTokenLength = 8192;
        private IntrospectionSettings introspection;
        private Duration maxLifetime = Duration.ofHours(24);
        private boolean requireAccessTokenType;

        private Builder() {
        }

        public Builder issuer(String v) { issuer = v; return this; }
        public Builder audiences(Collection<String> v) { audiences = v == null ? null : new LinkedHashSet<>(v); return this; }
        public Builder audiences(String... v) { return audiences(List.of(v)); }
        public Builder algorithms(Set<JWSAlgorithm> v) { algorithms = v; return this; }

        /** Algorithm names as configured ({@code RS256}); refused names are reported by {@link #build()}. */
        public Builder algorithms(String... names) {
            Set<JWSAlgorithm> parsed = new LinkedHashSet<>();
            for (String name : names) {
                parsed.add(JWSAlgorithm.parse(name));
            }
            algorithms = parsed;
            return this;
        }

        public Builder jwksFile(Path v) { jwksFile = v; return this; }
        public Builder jwksUrl(URI v) { jwksUrl = v; return this; }
        public Builder jwksCacheTtl(Duration v) { jwksCacheTtl = v; return this; }
        public Builder jwksMinRefreshInterval(Duration v) { jwksMinRefreshInterval = v; return this; }
        public Builder jwksTimeout(Duration v) { jwksTimeout = v; return this; }
        public Builder clockSkew(Duration v) { clockSkew = v; return this; }
        public Builder requiredClaims(Collection<String> v) { requiredClaims = v == null ? null : new LinkedHashSet<>(v); return this; }
        public Builder rolesClaim(String v) { rolesClaim = v; return this; }
        public Builder scopesClaim(String v) { scopesClaim = v; return this; }
        public Builder tenantClaim(String v) { tenantClaim = v; return this; }
        public Builder attributeClaims(Map<String, String> v) { attributeClaims = v; return this; }
        public Builder maxTokenLength(int v) { maxTokenLength = v; return this; }
        public Builder introspection(IntrospectionSettings v) { introspection = v; return this; }
        public Builder maxLifetime(Duration v) { maxLifetime = v; return this; }
        public Builder requireAccessTokenType(boolean v) { requireAccessTokenType = v; return this; }

        public JwtSettings build() {
            return new JwtSettings(issuer, audiences, algorithms, jwksFile, jwksUrl, jwksCacheTtl, jwksMinRefreshInterval,
                    jwksTimeout, clockSkew, requiredClaims, rolesClaim, scopesClaim, tenantClaim, attributeClaims,
                    maxTokenLength, introspection, maxLifetime, requireAccessTokenType);
        }
    }
}
