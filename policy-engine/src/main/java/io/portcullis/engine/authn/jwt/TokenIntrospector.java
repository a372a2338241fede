package io.portcullis.engine.authn.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the authorization server whether an opaque access token is active (RFC 7662), over
 * {@link HttpClient} with HTTP Basic client authentication. Answers are cached by the token's
 * SHA-256 (never the token itself) so a busy client does not cost one call per request: active
 * answers until the token's {@code exp} or the configured TTL, whichever comes first, inactive
 * answers only briefly, failures not at all. The caches are bounded; the least recently used answer
 * goes first, and inactive answers have their own small cache, so a flood of made-up tokens cannot
 * evict the answers for real ones.
 *
 * <p>Calls to the authorization server run on the request's thread, so they are bounded: at most
 * {@link #MAX_CONCURRENT_CALLS} at once (more fail at once as unavailable, rather than queue every
 * worker behind a slow server), one call per token however many requests carry it, and the whole
 * exchange, body included, within the configured timeout.
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
    static final int MAX_INACTIVE_ENTRIES = 1_000;
    static final int MAX_CONCURRENT_CALLS = 8;
    /** Introspection answers are a few hundred bytes; anything this large is not one. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private record Cached(Outcome outcome, Instant until) {
    }

    private final IntrospectionSettings settings;
    private final Clock clock;
    private final HttpClient http;
    private final String clientAuthorization;
    private final Map<String, Cached> cache;
    private final Map<String, Cached> inactive;
    private final java.util.concurrent.Semaphore calls = new java.util.concurrent.Semaphore(MAX_CONCURRENT_CALLS);
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Outcome>> pending =
            new java.util.concurrent.ConcurrentHashMap<>();

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
        this.cache = lru(maxEntries);
        this.inactive = lru(Math.min(maxEntries, MAX_INACTIVE_ENTRIES));
    }

    private static Map<String, Cached> lru(int maxEntries) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** What the authorization server says about {@code token}, from the cache when it is fresh. */
    public Outcome introspect(String token) {
        String key = io.portcullis.engine.Sha256.hex(token);
        Instant now = clock.instant();
        Outcome cached = cached(key, now);
        if (cached != null) {
            return cached;
        }
        java.util.concurrent.CompletableFuture<Outcome> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Outcome> running = pending.putIfAbsent(key, mine);
        if (running != null) {
            return awaitShared(running);
        }
        try {
            Outcome outcome = askBounded(token);
            Instant until = cacheUntil(outcome, now);
            if (until.isAfter(now)) {
                Map<String, Cached> target = outcome instanceof Inactive ? inactive : cache;
                synchronized (target) {
                    target.put(key, new Cached(outcome, until));
                }
            }
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            pending.remove(key, mine);
        }
    }

    private Outcome cached(String key, Instant now) {
        for (Map<String, Cached> map : List.of(cache, inactive)) {
            synchronized (map) {
                Cached entry = map.get(key);
                if (entry != null && now.isBefore(entry.until())) {
                    return entry.outcome();
                }
                map.remove(key);
            }
        }
        return null;
    }

    private Outcome awaitShared(java.util.concurrent.CompletableFuture<Outcome> running) {
        try {
            return running.get(settings.timeout().toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return unavailable("the shared call for this token failed");
        }
    }

    private Outcome askBounded(String token) {
        if (!calls.tryAcquire()) {
            return unavailable("too many introspection calls in flight");
        }
        try {
            return ask(token);
        } finally {
            calls.release();
        }
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
        HttpResponse<byte[]> response;
        byte[] body;
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> call =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            // The request timeout stops at the headers; the whole exchange, body included, is bounded here.
            response = call.get(settings.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            body = response.body();
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            return unavailable("no answer within " + settings.timeout());
        } catch (java.util.concurrent.ExecutionException e) {
            return unavailable(e.getCause() == null ? "call failed" : e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            call.cancel(true);
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
