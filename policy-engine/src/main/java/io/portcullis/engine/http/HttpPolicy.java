package io.portcullis.engine.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a route's HTTP exchange must look like apart from its content (OWASP API8, security
 * misconfiguration): which methods reach it at all, which browser origins may call it (CORS,
 * answered at the gateway), and what every response carries and does not carry.
 *
 * <p>Every response leaving the gateway, refusals included, gets {@code X-Content-Type-Options:
 * nosniff} and {@code Referrer-Policy: no-referrer}; over TLS also HSTS; an authenticated caller's
 * response {@code Cache-Control: no-store}. Headers that describe the upstream's software
 * ({@code Server}, {@code X-Powered-By}, ...) and the upstream's own CORS headers never pass:
 * the gateway alone answers for CORS.
 *
 * @param methods the methods the route takes; others are refused with 405 before anything is read
 * @param cors    which browser origins may call the route, or null for none
 */
public record HttpPolicy(Set<String> methods, Cors cors) {

    /** TRACE, TRACK and CONNECT are not here: they serve no API and help cross-site tracing and tunnelling. */
    public static final Set<String> DEFAULT_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    public static final HttpPolicy DEFAULTS = new HttpPolicy(DEFAULT_METHODS, null);

    static final String HSTS = "max-age=31536000; includeSubDomains";
    private static final Set<String> REVEALING = Set.of("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version",
            "x-runtime", "x-generator", "x-backend-server");

    public HttpPolicy {
        Objects.requireNonNull(methods, "methods");
        methods = Set.copyOf(methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
        if (methods.contains("TRACE") || methods.contains("TRACK") || methods.contains("CONNECT")) {
            throw new IllegalArgumentException("methods: TRACE, TRACK and CONNECT are never let through");
        }
    }

    /**
     * Cross-origin access for browsers. The origins are exact ({@code https://app.example.com}); a
     * wildcard is refused together with credentials, as browsers would let any site read a logged-in
     * user's data. The gateway's own answer headers are always exposed (a browser app must read
     * {@code Retry-After} and {@code RateLimit-*} to back off, and the request id to report a
     * problem); {@code exposedHeaders} adds the upstream's.
     */
    public record Cors(List<String> allowedOrigins, Set<String> allowedMethods, Set<String> allowedHeaders,
                       Set<String> exposedHeaders, boolean allowCredentials, int maxAgeSeconds) {

        private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");
        private static final Set<String> GATEWAY_HEADERS = Set.of("retry-after", "ratelimit-policy", "ratelimit-limit",
                "ratelimit-remaining", "ratelimit-reset", HttpForwarding.REQUEST_ID);

        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedMethods = Set.copyOf(allowedMethods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
            allowedHeaders = Set.copyOf(allowedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
            java.util.SortedSet<String> exposed = new java.util.TreeSet<>(GATEWAY_HEADERS);
            exposedHeaders.forEach(header -> exposed.add(header.toLowerCase(Locale.ROOT)));
            exposedHeaders = java.util.Collections.unmodifiableSortedSet(exposed);
            if (allowedOrigins.isEmpty()) {
                throw new IllegalArgumentException("cors.allowedOrigins: at least one origin");
            }
            for (String origin : allowedOrigins) {
                if (origin.equals("*")) {
                    if (allowCredentials) {
                        throw new IllegalArgumentException("cors: a wildcard origin cannot be combined with allowCredentials");
                    }
                } else if (!ORIGIN.matcher(origin).matches()) {
                    throw new IllegalArgumentException("cors.allowedOrigins: '" + origin + "' is not an origin such as https://app.example.com");
                }
            }
            if (maxAgeSeconds < 0 || maxAgeSeconds > 86_400) {
                throw new IllegalArgumentException("cors.maxAgeSeconds: between 0 and 86400");
            }
        }

        boolean allows(String origin) {
            return origin != null && (allowedOrigins.contains(origin) || allowedOrigins.contains("*"));
        }
    }

    /** The method is one the route takes. */
    public boolean allows(String method) {
        return methods.contains(method);
    }

    /** A CORS preflight: OPTIONS with an Origin and the method the browser wants to send. */
    public static boolean isPreflight(HttpRequestMessage request) {
        return request.method().equals("OPTIONS") && request.header("origin") != null
                && request.header("access-control-request-method") != null;
    }

    /**
     * The gateway's answer to a preflight, or null when the route does not let that origin send that
     * request (the caller refuses it: a browser then sends nothing).
     */
    public HttpResponseMessage preflight(HttpRequestMessage request) {
        String origin = request.header("origin");
        String method = request.header("access-control-request-method").strip().toUpperCase(Locale.ROOT);
        if (cors == null || !cors.allows(origin) || !cors.allowedMethods().contains(method) || !allows(method)) {
            return null;
        }
        String requested = request.header("access-control-request-headers");
        if (requested != null) {
            for (String header : requested.split(",")) {
                String name = header.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !cors.allowedHeaders().contains(name)) {
                    return null;
                }
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        corsHeaders(origin, headers);
        headers.put("access-control-allow-methods", List.of(String.join(", ", cors.allowedMethods().stream().sorted().toList())));
        if (!cors.allowedHeaders().isEmpty()) {
            headers.put("access-control-allow-headers", List.of(String.join(", ", cors.allowedHeaders().stream().sorted().toList())));
        }
        headers.put("access-control-max-age", List.of(String.valueOf(cors.maxAgeSeconds())));
        return new HttpResponseMessage(204, headers, new byte[0]);
    }

    private void corsHeaders(String origin, Map<String, List<String>> headers) {
        headers.put("access-control-allow-origin", List.of(cors.allowedOrigins().contains("*") && !cors.allowCredentials() ? "*" : origin));
        if (cors.allowCredentials()) {
            headers.put("access-control-allow-credentials", List.of("true"));
        }
        // Added to what the upstream varies on (a cache must still tell callers apart by their cookie).
        List<String> vary = new java.util.ArrayList<>(headers.getOrDefault("vary", List.of()));
        vary.add("Origin");
        headers.put("vary", List.of(String.join(", ", vary)));
    }

    /**
     * A response as it leaves the gateway.
     *
     * @param origin        the request's Origin header, or null
     * @param secure        the request came over TLS
     * @param authenticated the caller was authenticated: the response must not be cached
     * @param fromUpstream  the response is the upstream's: its software headers and CORS headers go
     */
    public HttpResponseMessage harden(HttpResponseMessage response, String origin, boolean secure, boolean authenticated,
                                      boolean fromUpstream) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!fromUpstream || !REVEALING.contains(lower) && !lower.startsWith("access-control-")) {
                headers.put(lower, values);
            }
        });
        headers.put("x-content-type-options", List.of("nosniff"));
        headers.put("referrer-policy", List.of("no-referrer"));
        if (secure) {
            headers.put("strict-transport-security", List.of(HSTS));
        }
        if (authenticated) {
            headers.put("cache-control", List.of("no-store"));
        }
        if (cors != null && cors.allows(origin)) {
            corsHeaders(origin, headers);
            headers.put("access-control-expose-headers", List.of(String.join(", ", cors.exposedHeaders())));
        }
        return response.withHeaders(headers);
    }
}
