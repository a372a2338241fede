package io.portcullis.engine.http;

import io.portcullis.engine.model.Peer;
import io.portcullis.engine.model.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a reverse proxy changes in headers on the way through (RFC 9110 §7.6): hop-by-hop headers,
 * and any named in {@code Connection}, are dropped both ways; the upstream learns the client
 * address, the request id and who the gateway authenticated — never the caller's credentials.
 * Inbound headers that would let a client claim an identity, a request id or a client address
 * ({@code X-Forwarded-*} of any name, {@code Forwarded}, {@code X-Real-IP}, {@code True-Client-IP} and
 * the like) are replaced or dropped, not extended: the upstream hears the client address the
 * gateway judged ({@link io.portcullis.engine.net.NetworkPolicy} weighs what trusted proxies say). Headers with which some
 * servers take another path or host than the request line's ({@code X-Original-URL},
 * {@code X-Rewrite-URL}) are dropped, so the upstream runs the path the rules decided.
 */
public final class HttpForwarding {

    public static final String REQUEST_ID = "x-request-id";
    public static final String AUTHENTICATED_SUBJECT = "x-authenticated-subject";
    public static final String AUTHENTICATED_ROLES = "x-authenticated-roles";
    public static final String AUTHENTICATED_TENANT = "x-authenticated-tenant";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    /**
     * Claims about the client, or about the path, host and scheme, that only a trusted hop may make
     * (and every X-Forwarded-*): a denylist of the names servers and frameworks are known to read.
     */
    private static final Set<String> CLIENT_CLAIMS = Set.of("forwarded", "x-real-ip", "true-client-ip", "x-client-ip",
            "client-ip", "cf-connecting-ip", "fastly-client-ip", "x-cluster-client-ip", "x-originating-ip", "x-remote-ip",
            "x-remote-addr", "x-original-forwarded-for", "x-envoy-external-address", "x-proxyuser-ip", "x-scheme",
            "x-original-url", "x-original-uri", "x-rewrite-url", "x-original-host", "x-host", "x-http-host-override");
    private static final String FORWARDED_PREFIX = "x-forwarded-";
    /** Recomputed by the next hop from the body it sends. */
    private static final Set<String> FRAMING = Set.of("content-length", "host");
    /**
     * The gateway must read response bodies, so the client's preference for compression is not
     * passed on; the upstream call asks for none (a compressed answer is withheld).
     */
    private static final String ACCEPT_ENCODING = "accept-encoding";

    private HttpForwarding() {
    }

    /**
     * The request to send upstream: forwarding headers as described above, and the credentials the
     * gateway consumed removed from the headers and the query string.
     */
    public static HttpRequestMessage toUpstream(HttpRequestMessage request, String requestId, Peer peer, Principal principal,
                                                Set<String> credentialHeaders, Set<String> credentialQueryParameters) {
        return new HttpRequestMessage(request.method(), request.rawPath(),
                withoutQueryParameters(request.rawQuery(), credentialQueryParameters),
                upstreamHeaders(request, requestId, peer, principal, credentialHeaders), request.body());
    }

    private static Map<String, List<String>> upstreamHeaders(HttpRequestMessage request, String requestId, Peer peer,
                                                             Principal principal, Set<String> credentialHeaders) {
        Map<String, List<String>> headers = endToEnd(request.headers());
        headers.keySet().removeIf(name -> {
            String canonical = canonical(name);
            return credentialHeaders.contains(canonical) || canonical.startsWith("x-authenticated-")
                    || canonical.equals(REQUEST_ID) || canonical.equals(ACCEPT_ENCODING) || CLIENT_CLAIMS.contains(canonical)
                    || canonical.startsWith(FORWARDED_PREFIX);
        });
        String host = request.header("host");
        if (host != null) {
            headers.put("x-forwarded-host", List.of(host));
        }
        if (!peer.address().isEmpty()) {
            headers.put("x-forwarded-for", List.of(peer.address()));
        }
        headers.put(REQUEST_ID, List.of(requestId));
        if (principal.authenticated()) {
            headers.put(AUTHENTICATED_SUBJECT, List.of(principal.subject()));
            headers.put(AUTHENTICATED_ROLES, List.of(String.join(" ", principal.roles().stream().sorted().toList())));
            if (!principal.tenant().isEmpty()) {
                headers.put(AUTHENTICATED_TENANT, List.of(principal.tenant()));
            }
        }
        return headers;
    }

    public static Map<String, List<String>> toClient(HttpResponseMessage response, String requestId) {
        Map<String, List<String>> headers = endToEnd(response.headers());
        headers.put(REQUEST_ID, List.of(requestId));
        return headers;
    }

    /** The raw query without the named parameters, compared after decoding so encoded names cannot slip through. */
    static String withoutQueryParameters(String rawQuery, Set<String> names) {
        if (names.isEmpty() || rawQuery.isEmpty()) {
            return rawQuery;
        }
        StringBuilder kept = new StringBuilder(rawQuery.length());
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name;
            try {
                name = java.net.URLDecoder.decode(rawName, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                name = rawName;
            }
            if (names.contains(name)) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append('&');
            }
            kept.append(pair);
        }
        return kept.toString();
    }

    /**
     * The name as servers that map headers to variables (CGI, WSGI, Rack, PHP) see it: they read
     * {@code X_Authenticated_Subject} as {@code X-Authenticated-Subject}, so protected names are
     * compared in that form.
     */
    public static String canonical(String headerName) {
        return headerName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Map<String, List<String>> endToEnd(Map<String, List<String>> source) {
        Map<String, List<String>> headers = new LinkedHashMap<>(source);
        List<String> connection = source.getOrDefault("connection", List.of());
        for (String value : connection) {
            for (String token : value.split(",")) {
                headers.remove(token.strip().toLowerCase(Locale.ROOT));
            }
        }
        headers.keySet().removeAll(HOP_BY_HOP);
        headers.keySet().removeAll(FRAMING);
        return headers;
    }
}
