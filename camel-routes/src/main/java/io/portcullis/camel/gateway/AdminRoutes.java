package io.portcullis.camel.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.portcullis.camel.GatewayRuntime;
import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.engine.policy.RulePackStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import io.netty.handler.codec.http.HttpHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpMessage;
import org.apache.camel.builder.RouteBuilder;

/**
 * The admin listener (loopback by default; it is not authenticated, so never expose it):
 * {@code GET /health}, {@code GET /rules} (live revision, files, last error),
 * {@code POST /rules/reload}, {@code GET /inventory} (shadow and deprecated endpoints seen) and
 * {@code GET /metrics} (rate limits and listener guards, Prometheus text format).
 */
public final class AdminRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final GatewaySettings.Admin admin;
    private final GatewayRuntime runtime;
    private final java.util.function.Supplier<Map<String, Long>> listenerGuards;

    public AdminRoutes(GatewaySettings.Admin admin, GatewayRuntime runtime,
                       java.util.function.Supplier<Map<String, Long>> listenerGuards) {
        this.listenerGuards = listenerGuards;
        this.admin = admin;
        this.runtime = runtime;
    }

    @Override
    public void configure() {
        String base = "netty-http:http://" + admin.host() + ":" + admin.port();
        String options = "?headerFilterStrategy=#" + GatewayRoutes.HEADER_FILTER + "&transferException=false&muteException=true";
        from(base + "/health" + options + "&httpMethodRestrict=GET").routeId("admin-health")
                .process(guarded(exchange -> {
                    RulePackStatus status = runtime.rules().status();
                    java.util.List<String> warnings = new java.util.ArrayList<>(status.warnings());
                    warnings.addAll(status.lastErrors());
                    warnings.addAll(runtime.fileProblems());
                    io.portcullis.engine.cluster.RedisStore redis = runtime.redis();
                    String redisProblem = redis == null ? "" : redis.problem();
                    if (!redisProblem.isEmpty()) {
                        warnings.add("cluster.redis: " + redisProblem + "; what needs it fails as cluster.whenRedisIsDown says");
                    }
                    Map<String, Object> health = new LinkedHashMap<>();
                    // DEGRADED still answers 200: a typo in a key file must not take every gateway out
                    // of the load balancer; the last good files keep serving until it is fixed.
                    health.put("status", !status.loaded() ? "DOWN" : warnings.isEmpty() ? "UP" : "DEGRADED");
                    health.put("rulePackRevision", status.revision());
                    // Calls whose rate limits a cluster's Redis could not count (then refused or counted locally).
                    health.put("rateLimitStoreFailures", runtime.rateLimitCounters().get("storeFailures"));
                    if (redis != null) {
                        health.put("redis", redis.connected() ? "UP" : "DOWN");
                    }
                    // Requests the listener shed (503), slow clients it cut off, oversized headers (431).
                    health.put("listener", new java.util.TreeMap<>(listenerGuards.get()));
                    health.put("warnings", warnings);
                    reply(exchange, status.loaded() ? 200 : 503, health);
                }));
        // Prometheus text format, for scraping: what the limits and the listener guards have done.
        from(base + "/metrics" + options + "&httpMethodRestrict=GET").routeId("admin-metrics")
                .process(guarded(exchange -> {
                    Map<String, Long> limits = runtime.rateLimitCounters();
                    Map<String, Long> listener = listenerGuards.get();
                    StringBuilder text = new StringBuilder();
                    metric(text, "portcullis_rate_limited_total", "counter", "Calls refused by a rate limit (429).",
                            limits.get("refused"));
                    metric(text, "portcullis_refused_unread_total", "counter",
                            "Requests refused unread: their address had too many refused before the rules.",
                            limits.get("refusedUnread"));
                    metric(text, "portcullis_rate_limit_unavailable_total", "counter",
                            "Calls refused because the cluster's Redis could not count them (503).", limits.get("unavailable"));
                    metric(text, "portcullis_rate_limit_store_failures_total", "counter",
                            "Rate limits Redis could not count (refused or counted locally).", limits.get("storeFailures"));
                    metric(text, "portcullis_listener_requests_in_progress", "gauge",
                            "Requests arrived whole and not yet answered, or still worked on.",
                            listener.get("inProgress"));
                    metric(text, "portcullis_listener_requests_working", "gauge",
                            "Requests a route is working on (also those whose client has left).", listener.get("working"));
                    metric(text, "portcullis_listener_abandoned_by_client_total", "counter",
                            "Requests whose client left while they were worked on.", listener.get("abandonedByClient"));
                    metric(text, "portcullis_listener_left_mid_request_total", "counter",
                            "Connections closed by the client while it was still sending a request.", listener.get("leftMidRequest"));
                    metric(text, "portcullis_listener_shed_total", "counter", "Requests shed with 503 over the listener's bounds.",
                            listener.get("shed"));
                    metric(text, "portcullis_listener_slow_clients_cut_total", "counter",
                            "Connections closed for sending or reading too slowly.", listener.get("slowClientsCut"));
                    metric(text, "portcullis_listener_headers_too_large_total", "counter", "Requests refused with 431.",
                            listener.get("headersTooLarge"));
                    metric(text, "portcullis_listener_connections", "gauge", "Connections open.", listener.get("connections"));
                    metric(text, "portcullis_listener_connections_refused_total", "counter",
                            "Connections closed as they were accepted, over the listener's bounds.", listener.get("connectionsRefused"));
                    exchange.getMessage().getHeaders().clear();
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setHeader("content-type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.getMessage().setBody(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }));
        from(base + "/rules" + options + "&httpMethodRestrict=GET").routeId("admin-rules")
                .process(guarded(exchange -> reply(exchange, 200, runtime.rules().status())));
        from(base + "/inventory" + options + "&httpMethodRestrict=GET").routeId("admin-inventory")
                .process(guarded(exchange -> reply(exchange, 200, Map.of("endpoints", runtime.inventory().entries(),
                        "dropped", runtime.inventory().dropped()))));
        from(base + "/rules/reload" + options + "&httpMethodRestrict=POST").routeId("admin-rules-reload")
                .process(guarded(exchange -> {
                    RulePackStatus status = runtime.rules().reload();
                    reply(exchange, status.lastErrors().isEmpty() ? 200 : 422, status);
                }));
    }

    /**
     * A listener on loopback is still reached by the operator's browser: a page elsewhere can post a
     * form to it (a reload, which needs no preflight), and a name the page's owner points at
     * 127.0.0.1 (DNS rebinding) lets it read the answers. Tools send no Origin and name the listener
     * by address, as localhost or by a name in {@code admin.hostNames}; anything else is refused.
     */
    private Processor guarded(Processor endpoint) {
        return exchange -> {
            HttpHeaders headers = exchange.getIn() instanceof NettyHttpMessage netty && netty.getHttpRequest() != null
                    ? netty.getHttpRequest().headers() : null;
            if (headers == null || headers.contains("origin") || sentByAPage(headers.get("sec-fetch-site"))) {
                reply(exchange, 403, Map.of("error", "The admin listener does not answer browsers; use a tool such as curl."));
            } else if (headers.getAll("host").size() != 1 || !namesThisListener(headers.get("host"))) {
                reply(exchange, 421, Map.of("error", "Name the admin listener by its address, as localhost or by a name in admin.hostNames."));
            } else {
                endpoint.process(exchange);
            }
        };
    }

    /** Browsers send Sec-Fetch-Site on every request; only a typed address or bookmark says "none". */
    private static boolean sentByAPage(String fetchSite) {
        return fetchSite != null && !fetchSite.equalsIgnoreCase("none");
    }

    /**
     * An address (a rebinding page cannot make a browser send one for its own name), localhost, the
     * configured host or a configured name.
     */
    private boolean namesThisListener(String host) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.lastIndexOf(':') > 0 ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equalsIgnoreCase("localhost") || name.equalsIgnoreCase(admin.host())
                || admin.hostNames().stream().anyMatch(name::equalsIgnoreCase)
                || io.portcullis.engine.net.AddressRange.literal(name) != null;
    }

    private static void metric(StringBuilder text, String name, String type, String help, Long value) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value == null ? 0 : value).append('\n');
    }

    private static void reply(Exchange exchange, int status, Object body) throws Exception {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader("content-type", "application/json");
        exchange.getMessage().setHeader("cache-control", "no-store");
        exchange.getMessage().setBody(JSON.writeValueAsBytes(body));
    }
}
