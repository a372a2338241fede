package io.portcullis.engine.authn.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.engine.authn.ApiKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the authorization server whether an opaque access token is active (RFC 7662), over
 * {@link HttpClient} with HTTP Basic client authentication. Answers are cached by the token's
 * SHA-256 (never the token itself) so a busy client does not cost one call per request: active
 * answers until the token's {@code exp} or the configured TTL, whichever comes first, inactive
 * answers only briefly, failures not at all. The cache is bounded; the least recently used answer
 * goes first.
 *
 * <p>The answer's claims are not trusted here: the caller checks issuer, audience, expiry and
 * required claims exactly as for a JWT, on every use of a cached answer too.
 */
public final class TokenIntrospector {

    /** What the authorization server said. */
    public sealed interface Outcome permits Active, Inactive, Unavailable {
    }

    /** The token is active; {@code claims} is the introspection answer, to be verified like a JWT's. */
    public record Active(JWTClaimsSet claims) implements Outcome {
    }

    /** The token is unknown, expired or revoked. */
    public record Inactive() implements Outcome {
    }

    /** No usable answer (refused connection, timeout, an error status, an unparseable body): fail closed. */
    public record Unavailable() implements Outcome {
    }

    private static final Logger LOG = LoggerFactory.getLogger(TokenIntrospector.class);
    /** An inactive answer is cached only to spare the server a client that retries a dead token in a loop. */
    static final Duration INACTIVE_TTL = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Introspection answers are a few hundred bytes; anything this large is not one. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private record Cached(Outcome outcome, Instant until) {
    }

    private final IntrospectionSettings settings;
    private final Clock clock;
    private final HttpClient http;
    private final String clientAuthorization;
    private final Map<String, Cached> cache;

    public TokenIntrospector(IntrospectionSettings settings, Clock clock) {
        this(settings, clock, DEFAULT_MAX_ENTRIES);
    }

    TokenIntrospector(IntrospectionSettings settings, Clock clock, int maxEntries) {
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        // RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined.
        String pair = URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8);
        this.clientAuthorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** What the authorization server says about {@code token}, from the cache when it is fresh. */
    public Outcome introspect(String token) {
        String key = ApiKeyStore.sha256Hex(token);
        Instant now = clock.instant();
        synchronized (cache) {
            Cached cached = cache.get(key);
            if (cached != null && now.isBefore(cached.until())) {
                return cached.outcome();
            }
            cache.remove(key);
        }
        Outcome outcome = ask(token);
        Instant until = cacheUntil(outcome, now);
        if (until.isAfter(now)) {
            synchronized (cache) {
                cache.put(key, new Cached(outcome, until));
            }
        }
        return outcome;
    }

    private Instant cacheUntil(Outcome outcome, Instant now) {
        Duration ttl = settings.cacheTtl();
        if (outcome instanceof Inactive) {
            return now.plus(ttl.compareTo(INACTIVE_TTL) < 0 ? ttl : INACTIVE_TTL);
        }
        if (outcome instanceof Active active) {
            Instant until = now.plus(ttl);
            java.util.Date exp = active.claims().getExpirationTime();
            return exp != null && exp.toInstant().isBefore(until) ? exp.toInstant() : until;
        }
        return now;
    }

    private Outcome ask(String token) {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
        HttpRequest request = HttpRequest.newBuilder(settings.endpoint())
                .timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", clientAuthorization)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_ANSWER_BYTES + 1);
            }
        } catch (HttpTimeoutException e) {
            return unavailable("no answer within " + settings.timeout());
        } catch (IOException e) {
            return unavailable(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted");
        }
        if (response.statusCode() != 200) {
            return unavailable("HTTP status " + response.statusCode());
        }
        if (body.length > MAX_ANSWER_BYTES) {
            return unavailable("answer larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    private Outcome parse(String json) {
        JWTClaimsSet claims;
        Boolean active;
        try {
            claims = JWTClaimsSet.parse(json);
            active = claims.getBooleanClaim("active");
        } catch (ParseException | RuntimeException e) {
            // The parser's message may quote the answer, which may echo the token: not logged.
            return unavailable("the answer is not an introspection response");
        }
        if (active == null) {
            return unavailable("the answer has no boolean 'active'");
        }
        return active ? new Active(claims) : new Inactive();
    }

    private Outcome unavailable(String why) {
        LOG.warn("token introspection at {} is unavailable, the token is refused: {}", settings.endpoint(), why);
        return new Unavailable();
    }
}
