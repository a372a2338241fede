package io.portcullis.engine.authn.jwt;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.Authenticator;
import io.portcullis.engine.authn.WatchedFile;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.io.Closeable;
import java.io.IOException;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 bearer tokens ({@code Authorization: Bearer ...}, RFC 6750). A JWT is verified here,
 * with Nimbus, against the identity provider's public keys: the algorithm allowlist, the
 * signature, then exact issuer, audience, required claims and expiry with a bounded clock skew.
 * An opaque token is asked about at the introspection endpoint when one is configured.
 *
 * <p>Every refusal has a reason for the audit event ({@link #JWT_EXPIRED}, ...); the client only
 * ever sees the generic {@link #challenge()}, so failures are no oracle. A token whose {@code cnf}
 * binds it to a client certificate (RFC 8705) comes back {@link Authentication#boundTo bound}.
 * The token is never logged.
 *
 * <p>Thread-safe: the Nimbus processor is configured once in the constructor and only read after
 * (as Spring Security shares one per decoder); key sources and the introspection cache synchronize
 * themselves.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {

    public static final String BEARER_AMBIGUOUS = "BEARER_AMBIGUOUS";
    public static final String BEARER_EMPTY = "BEARER_EMPTY";
    public static final String BEARER_TOO_LONG = "BEARER_TOO_LONG";
    public static final String JWT_MALFORMED = "JWT_MALFORMED";
    public static final String JWT_ALGORITHM_REFUSED = "JWT_ALGORITHM_REFUSED";
    public static final String JWT_KEY_UNKNOWN = "JWT_KEY_UNKNOWN";
    public static final String JWKS_UNAVAILABLE = "JWKS_UNAVAILABLE";
    public static final String JWT_SIGNATURE_INVALID = "JWT_SIGNATURE_INVALID";
    public static final String JWT_EXPIRED = "JWT_EXPIRED";
    public static final String JWT_NOT_YET_VALID = "JWT_NOT_YET_VALID";
    public static final String JWT_ISSUER_INVALID = "JWT_ISSUER_INVALID";
    public static final String JWT_AUDIENCE_INVALID = "JWT_AUDIENCE_INVALID";
    public static final String JWT_CLAIM_MISSING = "JWT_CLAIM_MISSING";
    public static final String JWT_CLAIM_INVALID = "JWT_CLAIM_INVALID";
    public static final String JWT_BINDING_UNSUPPORTED = "JWT_BINDING_UNSUPPORTED";
    public static final String JWT_LIFETIME_TOO_LONG = "JWT_LIFETIME_TOO_LONG";
    public static final String TOKEN_INACTIVE = "TOKEN_INACTIVE";
    public static final String INTROSPECTION_UNAVAILABLE = "INTROSPECTION_UNAVAILABLE";
    public static final String AUTHENTICATOR_ERROR = "AUTHENTICATOR_ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final String HEADER = "authorization";
    private static final String SCHEME = "bearer";
    private static final String CNF_X5T_S256 = "x5t#S256";
    /** RFC 9068 access tokens say {@code at+jwt}; many providers say {@code JWT} or nothing. */
    private static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");
    /** Nimbus' own default for the refresh-ahead window; the settings keep the TTL well above it. */
    private static final long REFRESH_AHEAD_MILLIS = 30_000;

    private final JwtSettings settings;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final JWTClaimsSetVerifier<SecurityContext> claimsVerifier;
    private final TokenIntrospector introspector;
    private final List<AutoCloseable> resources;
    private final Clock clock;
    /**
     * Tokens verified recently, by SHA-256 of the token (never the token): a signature check costs
     * about as much as the rest of the request, and a client repeats its token on every call. An
     * entry lives at most {@link #VERIFIED_TTL} and never past the token's {@code exp}; it is only
     * good for the key material that verified it, so a JWKS file reload takes effect at once and a
     * key removed at the JWKS URL stops being accepted within the TTL.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    static final java.time.Duration VERIFIED_TTL = java.time.Duration.ofSeconds(60);
    static final int MAX_VERIFIED = 10_000;

    /** Identifies the key material in service: a cached verification is only good for the keys that made it. */
    private final java.util.function.Supplier<Object> keyGeneration;

    private record Verified(Authentication result, long expiresAtMillis, Object keyGeneration) {
    }

    /**
     * @param keys         the identity provider's public keys
     * @param introspector asks about opaque tokens; null refuses them
     */
    public JwtAuthenticator(JwtSettings settings, JWKSource<SecurityContext> keys, TokenIntrospector introspector,
                            Clock clock) {
        this(settings, keys, introspector, clock, List.of(), generationOf(keys));
    }

    private JwtAuthenticator(JwtSettings settings, JWKSource<SecurityContext> keys, TokenIntrospector introspector,
                             Clock clock, List<AutoCloseable> resources, java.util.function.Supplier<Object> keyGeneration) {
        this.keyGeneration = keyGeneration;
        this.settings = settings;
        this.introspector = introspector;
        this.resources = List.copyOf(resources);
        this.claimsVerifier = claimsVerifier(settings, clock);
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(settings.requireAccessTokenType()
                ? new DefaultJOSEObjectTypeVerifier<>(ACCESS_TOKEN_TYPE)
                : new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, ACCESS_TOKEN_TYPE, null));
        processor.setJWSKeySelector(knownKeysOnly(new JWSVerificationKeySelector<>(settings.algorithms(), keys)));
        processor.setJWTClaimsSetVerifier(claimsVerifier);
    }

    /**
     * The authenticator the settings describe: keys from a watched JWKS file or from the JWKS URL
     * (cached, refreshed when an unknown {@code kid} arrives, rate-limited), and introspection when
     * configured. Close it to stop the file watcher and the key refresher.
     *
     * @throws IOException when the JWKS file cannot be used at start
     */
    public static JwtAuthenticator create(JwtSettings settings, Clock clock) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        JWKSource<SecurityContext> keys;
        if (settings.jwksFile() != null) {
            WatchedFile<JWKSet> file = WatchedFile.watch(settings.jwksFile(), JwksFile::load);
            resources.add(file);
            keys = JwksFile.source(file);
        } else {
            keys = remoteKeys(settings);
            if (keys instanceof Closeable closeable) {
                resources.add(closeable);
            }
        }
        TokenIntrospector introspector = settings.introspection() == null ? null
                : new TokenIntrospector(settings.introspection(), clock);
        return new JwtAuthenticator(settings, keys, introspector, clock, resources, generationOf(keys));
    }

    /**
     * Keys from the identity provider's JWKS URL: cached for the TTL and refreshed ahead of expiry;
     * a token with an unknown {@code kid} triggers a refresh (how rotation reaches the gateway),
     * but at most two fetches per minimum interval, so a flood of made-up {@code kid}s cannot
     * turn the gateway against the identity provider. Each fetch is bounded in time and size.
     */
    static JWKSource<SecurityContext> remoteKeys(JwtSettings settings) throws IOException {
        int timeout = Math.toIntExact(settings.jwksTimeout().toMillis());
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout,
                JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT);
        // Requests waiting on a refresh give up after one connect plus one read.
        long refreshTimeout = 2L * timeout + 1_000;
        return JWKSourceBuilder.<SecurityContext>create(settings.jwksUrl().toURL(), retriever)
                .cache(settings.jwksCacheTtl().toMillis(), refreshTimeout)
                .refreshAheadCache(REFRESH_AHEAD_MILLIS, false)
                .rateLimited(settings.jwksMinRefreshInterval().toMillis())
                .build();
    }

    @Override
    public Authentication authenticate(ApiRequest request) {
        List<String> values = request.headers().get(HEADER);
        if (values == null || values.stream().noneMatch(JwtAuthenticator::isBearer)) {
            return Authentication.NOT_PRESENTED; // no credentials, or another scheme's (Basic)
        }
        if (values.size() > 1) {
            return Authentication.failed(BEARER_AMBIGUOUS);
        }
        String token = values.get(0).strip().substring(SCHEME.length()).strip();
        if (token.isEmpty()) {
            return Authentication.failed(BEARER_EMPTY);
        }
        if (token.length() > settings.maxTokenLength()) {
            return Authentication.failed(BEARER_TOO_LONG);
        }
        if (!isB64Token(token)) {
            return Authentication.failed(JWT_MALFORMED);
        }
        try {
            return dots(token) == 2 ? verifyJwt(token) : introspect(token);
        } catch (RuntimeException e) {
            // Exception messages may quote the token: only the type is logged.
            LOG.error("bearer token verification failed unexpectedly: {}", e.getClass().getName());
            return Authentication.failed(AUTHENTICATOR_ERROR);
        }
    }

    private Authentication verifyJwt(String token) {
        String fingerprint = io.portcullis.engine.Sha256.hex(token);
        long now = clock.millis();
        Verified hit = verified.get(fingerprint);
        Object generation = keyGeneration.get();
        if (hit != null && hit.expiresAtMillis() > now && hit.keyGeneration() == generation) {
            return hit.result();
        }
        Verification verification = verifyJwtNow(token);
        Authentication result = verification.result();
        if (result.failure().isEmpty() && result.principal().authenticated()) {
            remember(fingerprint, new Verified(result,
                    Math.min(now + VERIFIED_TTL.toMillis(), verification.expiresAtMillis()), generation), now);
        }
        return result;
    }

    private record Verification(Authentication result, long expiresAtMillis) {
        static Verification refused(String reason) {
            return new Verification(Authentication.failed(reason), 0);
        }
    }

    private void remember(String fingerprint, Verified entry, long now) {
        if (entry.expiresAtMillis() <= now) {
            return;
        }
        if (verified.size() >= MAX_VERIFIED) {
            verified.values().removeIf(cached -> cached.expiresAtMillis() <= now);
            if (verified.size() >= MAX_VERIFIED) {
                verified.clear();
            }
        }
        verified.put(fingerprint, entry);
    }

    /** A file's keys change with each reload; a remote source's cache is bounded by the TTL instead. */
    private static java.util.function.Supplier<Object> generationOf(JWKSource<SecurityContext> keys) {
        if (keys instanceof JwksFile.FileKeySource file) {
            return file::generation;
        }
        return () -> keys;
    }

    /** Verifies the token now; a success carries the token's expiry for the cache. */
    private Verification verifyJwtNow(String token) {
        Base64URL[] parts;
        Header header;
        try {
            parts = JOSEObject.split(token);
            header = Header.parse(parts[0]);
        } catch (ParseException e) {
            return Verification.refused(JWT_MALFORMED);
        }
        // Checked before Nimbus sees the token, so "none" and HMAC never reach a verifier and the
        // audit tells a refused algorithm from an unknown key.
        if (!(header instanceof JWSHeader jwsHeader) || !settings.algorithms().contains(jwsHeader.getAlgorithm())) {
            return Verification.refused(JWT_ALGORITHM_REFUSED);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(new SignedJWT(parts[0], parts[1], parts[2]), null);
        } catch (ClaimsRefused e) {
            return Verification.refused(e.reason);
        } catch (BadJWSException e) {
            return Verification.refused(JWT_SIGNATURE_INVALID);
        } catch (BadJOSEException | ParseException e) {
            return Verification.refused(JWT_MALFORMED); // unreadable claims, a refused "typ"
        } catch (KeyUnknown | RateLimitReachedException e) {
            return Verification.refused(JWT_KEY_UNKNOWN); // also after a refresh, or when refreshing is rate-limited
        } catch (KeySourceException e) {
            LOG.warn("JWKS unavailable, bearer token refused: {}", e.getMessage());
            return Verification.refused(JWKS_UNAVAILABLE);
        } catch (JOSEException e) {
            return Verification.refused(JWT_SIGNATURE_INVALID);
        }
        if (claims.getExpirationTime() != null) {
            // An "iat" ahead of the clock would move the allowed lifetime into the future: a token
            // "issued" next month and valid for an hour after that is usable for a month from now.
            long latestIssue = clock.millis() + settings.clockSkew().toMillis();
            long issued = claims.getIssueTime() != null ? Math.min(claims.getIssueTime().getTime(), latestIssue) : clock.millis();
            if (claims.getExpirationTime().getTime() - issued > settings.maxLifetime().toMillis()) {
                return Verification.refused(JWT_LIFETIME_TOO_LONG);
            }
        }
        return new Verification(admit(claims, jwsHeader.getKeyID()),
                claims.getExpirationTime() == null ? Long.MAX_VALUE : claims.getExpirationTime().getTime());
    }

    private Authentication introspect(String token) {
        if (introspector == null) {
            return Authentication.failed(JWT_MALFORMED); // not a JWT, and nobody to ask about it
        }
        TokenIntrospector.Outcome outcome = introspector.introspect(token);
        if (outcome instanceof TokenIntrospector.Inactive) {
            return Authentication.failed(TOKEN_INACTIVE);
        }
        if (!(outcome instanceof TokenIntrospector.Active active)) {
            return Authentication.failed(INTROSPECTION_UNAVAILABLE);
        }
        // The answer is held to the same issuer, audience, expiry and claims as a JWT, and
        // checked on every use, so a cached answer cannot outlive the token.
        try {
            claimsVerifier.verify(active.claims(), null);
        } catch (ClaimsRefused e) {
            return Authentication.failed(e.reason);
        } catch (BadJWTException e) {
            return Authentication.failed(JWT_CLAIM_INVALID);
        }
        return admit(active.claims(), "");
    }

    /** Maps verified claims to the principal; a mapped claim of the wrong shape refuses the token. */
    private Authentication admit(JWTClaimsSet claims, String keyId) {
        try {
            // A subject goes upstream as a header and into rules and the audit: control characters
            // (CR, LF, escapes) are refused as for Basic user names, whoever signed them.
            if (!(claims.getClaim("sub") instanceof String subject) || subject.isEmpty()
                    || subject.chars().anyMatch(Character::isISOControl)) {
                return Authentication.failed(JWT_CLAIM_INVALID);
            }
            Object scopes = claims.getClaim(settings.scopesClaim());
            Map<String, Set<String>> attributes = new LinkedHashMap<>();
            for (Map.Entry<String, String> mapping : settings.attributeClaims().entrySet()) {
                Object value = claims.getClaim(mapping.getValue());
                if (value != null) {
                    attributes.put(mapping.getKey(), values(value));
                }
            }
            Object tenant = claims.getClaim(settings.tenantClaim());
            if (tenant != null && !(tenant instanceof String)) {
                return Authentication.failed(JWT_CLAIM_INVALID);
            }
            Principal principal = Principal.builder(subject, AuthMethod.JWT)
                    .roles(values(claims.getClaim(settings.rolesClaim())))
                    .scopes(values(scopes != null ? scopes : claims.getClaim("scp")))
                    .tenant((String) tenant)
                    .keyId(keyId)
                    .attributes(attributes)
                    .build();
            return bind(principal, claims.getClaim("cnf"));
        } catch (ClaimsRefused e) {
            return Authentication.failed(e.reason);
        }
    }

    /**
     * RFC 8705: a token confirmed by a certificate thumbprint is only good from a connection with
     * that certificate (the gatekeeper checks). Any other confirmation method (DPoP's {@code jkt},
     * a raw key) cannot be enforced here, and a sender-constrained token accepted as a plain bearer
     * token would lose the very protection it was issued with: refused.
     */
    private static Authentication bind(Principal principal, Object cnf) throws ClaimsRefused {
        if (cnf == null) {
            return Authentication.of(principal);
        }
        if (!(cnf instanceof Map<?, ?> confirmation)) {
            throw new ClaimsRefused(JWT_CLAIM_INVALID);
        }
        if (confirmation.size() != 1 || !confirmation.containsKey(CNF_X5T_S256)) {
            throw new ClaimsRefused(JWT_BINDING_UNSUPPORTED);
        }
        if (!(confirmation.get(CNF_X5T_S256) instanceof String thumbprint) || !thumbprint.matches("[A-Za-z0-9_-]{43}")) {
            throw new ClaimsRefused(JWT_CLAIM_INVALID); // base64url of a SHA-256 digest, unpadded
        }
        return Authentication.boundTo(principal, thumbprint);
    }

    /** An array of strings, or one space-separated string (how OAuth2 writes {@code scope}). */
    private static Set<String> values(Object claim) throws ClaimsRefused {
        Set<String> values = new LinkedHashSet<>();
        if (claim == null) {
            return values;
        }
        if (claim instanceof String text) {
            for (String value : text.split(" ")) {
                if (!value.isEmpty()) {
                    values.add(value);
                }
            }
            return values;
        }
        if (!(claim instanceof List<?> list)) {
            throw new ClaimsRefused(JWT_CLAIM_INVALID);
        }
        for (Object value : list) {
            if (!(value instanceof String text) || text.isEmpty()) {
                throw new ClaimsRefused(JWT_CLAIM_INVALID);
            }
            values.add(text);
        }
        return values;
    }

    /**
     * Nimbus' claims checks, one concern at a time, so each refusal carries its own reason
     * without reading exception messages. Time comes first: the later stages see a token that
     * is current.
     */
    private static JWTClaimsSetVerifier<SecurityContext> claimsVerifier(JwtSettings settings, Clock clock) {
        int skew = Math.toIntExact(settings.clockSkew().toSeconds());
        ClockedVerifier time = new ClockedVerifier(null, new JWTClaimsSet.Builder().build(), Set.of(), clock, skew);
        ClockedVerifier required = new ClockedVerifier(null, new JWTClaimsSet.Builder().build(),
                settings.requiredClaims(), clock, skew);
        ClockedVerifier issuer = new ClockedVerifier(null, new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of(), clock, skew);
        ClockedVerifier audience = new ClockedVerifier(settings.audiences(), new JWTClaimsSet.Builder().build(),
                Set.of(), clock, skew);
        return (claims, context) -> {
            try {
                time.verify(claims, context);
            } catch (BadJWTException e) {
                Date exp = claims.getExpirationTime();
                boolean expired = exp != null && clock.instant().isAfter(exp.toInstant().plusSeconds(skew));
                throw new ClaimsRefused(expired ? JWT_EXPIRED : JWT_NOT_YET_VALID);
            }
            check(required, claims, context, JWT_CLAIM_MISSING);
            check(issuer, claims, context, JWT_ISSUER_INVALID);
            check(audience, claims, context, JWT_AUDIENCE_INVALID);
        };
    }

    private static void check(ClockedVerifier verifier, JWTClaimsSet claims, SecurityContext context, String reason)
            throws ClaimsRefused {
        try {
            verifier.verify(claims, context);
        } catch (BadJWTException e) {
            throw new ClaimsRefused(reason);
        }
    }

    /** An empty key list after Nimbus has refreshed the keys (or was not allowed to) means an unknown key. */
    private static JWSKeySelector<SecurityContext> knownKeysOnly(JWSVerificationKeySelector<SecurityContext> selector) {
        return (header, context) -> {
            List<Key> keys = selector.selectJWSKeys(header, context);
            if (keys.isEmpty()) {
                throw new KeyUnknown();
            }
            return keys;
        };
    }

    private static boolean isBearer(String value) {
        String v = value.strip();
        return v.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                && (v.length() == SCHEME.length() || Character.isWhitespace(v.charAt(SCHEME.length())));
    }

    /** RFC 6750 b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    private static boolean isB64Token(String token) {
        int i = 0;
        while (i < token.length() && isTokenChar(token.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < token.length() && token.charAt(i) == '=') {
            i++;
        }
        return i == token.length();
    }

    private static boolean isTokenChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    private static int dots(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            dots += token.charAt(i) == '.' ? 1 : 0;
        }
        return dots;
    }

    @Override
    public Set<String> credentialHeaders() {
        return Set.of(HEADER);
    }

    /** No {@code error} attribute: which check failed is for the audit, not for whoever probes. */
    @Override
    public Optional<String> challenge() {
        return Optional.of("Bearer realm=\"portcullis\"");
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /** Nimbus' claims verifier reading the time from our clock, so tests and replays can fix it. */
    private static final class ClockedVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Clock clock;

        ClockedVerifier(Set<String> audiences, JWTClaimsSet exactMatch, Set<String> required, Clock clock, int skew) {
            super(audiences, exactMatch, required, null);
            this.clock = clock;
            setMaxClockSkew(skew);
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }
    }

    /** A claims check that failed, with the audit reason; carries no token content. */
    private static final class ClaimsRefused extends BadJWTException {
        private final String reason;

        ClaimsRefused(String reason) {
            super(reason);
            this.reason = reason;
        }
    }

    private static final class KeyUnknown extends KeySourceException {
        KeyUnknown() {
            super("no key for the token's kid and algorithm");
        }
    }
}
