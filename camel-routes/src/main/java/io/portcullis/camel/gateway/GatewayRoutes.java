package io.portcullis.camel.gateway;

import io.portcullis.camel.component.PortcullisComponent;
import io.portcullis.camel.config.GatewaySettings;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * One Camel route per configured API: listen → {@code portcullis:enforce} → upstream →
 * {@code portcullis:respond}. Paths no route serves go through the same enforcement with no
 * declared operations, so they are refused (and audited) like any undeclared operation.
 * Routes only wire; every decision is made behind the {@code portcullis} component.
 */
public final class GatewayRoutes extends RouteBuilder {

    static final String HEADER_FILTER = "portcullisHeaders";
    static final String UNROUTED = "unrouted";
    static final String TLS_CONTEXT = "portcullisTls";
    static final String GUARD_IN = "portcullisGuardIn";
    static final String GUARD_OUT = "portcullisGuardOut";

    private final GatewaySettings settings;

    public GatewayRoutes(GatewaySettings settings) {
        this.settings = settings;
    }

    @Override
    public void configure() {
        onException(Exception.class)
                .handled(true)
                .process(GatewayRoutes::internalError);

        GatewaySettings.Listener listener = settings.listener();
        if (listener.enabled()) {
            routes(listener, "http://" + listener.host() + ":" + listener.port(), "", "");
        }
        GatewaySettings.TlsListener tls = settings.tlsListener();
        if (tls != null) {
            String tlsOptions = "&ssl=true&sslContextParameters=#" + TLS_CONTEXT
                    + (tls.requiresClientCertificate() ? "&needClientAuth=true" : "");
            routes(listener, "https://" + tls.host() + ":" + tls.port(), tlsOptions, "-tls");
        }
    }

    private void routes(GatewaySettings.Listener listener, String base, String options, String suffix) {
        for (GatewaySettings.Route route : settings.routes()) {
            from(listenerUri(base, listener, route.path()) + options)
                    .routeId("gateway-" + route.name() + suffix)
                    // Holds the request's slot while it is worked on; a client that has gone gets no work done.
                    .filter(ListenerGuard::claimWork)
                    .to("portcullis:enforce?route=" + route.name())
                    // Belt and braces: whatever happened above, no admission means no upstream call.
                    .filter(exchangeProperty(PortcullisComponent.ADMISSION).isNotNull())
                        .doTry()
                            .to(upstreamUri(route, listener.workerThreads()))
                        .doCatch(Exception.class)
                        .end()
                        .to("portcullis:respond?route=" + route.name())
                    .end();
        }
        from(listenerUri(base, listener, "/") + options)
                .routeId("gateway-" + UNROUTED + suffix)
                .filter(ListenerGuard::claimWork)
                    .to("portcullis:enforce?route=" + UNROUTED + "&operations=")
                    .process(GatewayRoutes::noRoute)
                    .to("portcullis:respond?route=" + UNROUTED + "&operations=")
                .end();
    }

    private static String listenerUri(String base, GatewaySettings.Listener listener, String path) {
        return "netty-http:" + base + path
                + "?matchOnUriPrefix=true"
                + "&headerFilterStrategy=#" + HEADER_FILTER
                + "&chunkedMaxContentLength=" + 2L * listener.maxBodyBytes()
                + "&maxHeaderSize=" + listener.guards().maxHeaderBytes()
                + "&maxInitialLineLength=" + Math.min(8192, listener.guards().maxHeaderBytes())
                + "&decoders=#" + GUARD_IN + "&encoders=#" + GUARD_OUT
                + "&transferException=false&muteException=true"
                // netty-http answers OPTIONS itself (200 to any origin) unless restricted methods list it, and
                // refuses what is not listed with a bare 405 (TRACE, TRACK, CONNECT, WebDAV): the gateway
                // answers CORS preflights, and a route's own methods: list, with audited refusals.
                + "&httpMethodRestrict=" + String.join(",", io.portcullis.engine.http.HttpPolicy.DEFAULT_METHODS.stream().sorted().toList());
    }

    private static String upstreamUri(GatewaySettings.Route route, int connections) {
        return route.upstream()
                + "?bridgeEndpoint=true&throwExceptionOnFailure=false&copyHeaders=false"
                + "&headerFilterStrategy=#" + HEADER_FILTER
                + "&connectTimeout=" + route.timeoutMillis()
                + "&responseTimeout=" + route.timeoutMillis()
                + "&connectionsPerRoute=" + connections + "&maxTotalConnections=" + connections;
    }

    /** A request admitted on a path no route serves still gets an answer, and its audit event. */
    private static void noRoute(Exchange exchange) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
        exchange.getMessage().setHeader("content-type", "application/json");
        exchange.getMessage().setBody("{\"error\":\"no route serves this path\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Last line of defence: a generic answer, never the exception, to the client. */
    private static void internalError(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        org.slf4j.LoggerFactory.getLogger(GatewayRoutes.class)
                .error("request failed inside the gateway route {}: {}", exchange.getFromRouteId(), String.valueOf(cause), cause);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
        exchange.getMessage().setHeader("content-type", "application/problem+json");
        exchange.getMessage().setHeader("cache-control", "no-store");
        exchange.getMessage().setBody(("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
                + "\"detail\":\"The request could not be processed.\",\"reasons\":[\"GATEWAY_ERROR\"]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
