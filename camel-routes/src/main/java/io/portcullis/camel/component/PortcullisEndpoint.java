package io.portcullis.camel.component;

import io.portcullis.engine.gate.Gatekeeper;
import io.portcullis.rest.RestRouteSettings;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code portcullis:enforce} decides the request in the message and either prepares it for the
 * upstream or replaces it with the refusal; {@code portcullis:respond} decides the upstream's
 * response that follows and writes the audit event. Use both, in that order, around the call.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "portcullis", title = "Portcullis",
        syntax = "portcullis:phase", producerOnly = true, category = {Category.SECURITY})
public final class PortcullisEndpoint extends DefaultEndpoint {

    /** Which half of the enforcement this endpoint performs. */
    public enum Phase { ENFORCE, RESPOND }

    /** What {@code enforce} does with a refused request. */
    public enum OnDeny {
        /** Replace the message with the refusal and stop the route: the consumer answers the client. */
        RESPOND,
        /** Throw {@link PolicyDeniedException} so the route's error handling decides. */
        EXCEPTION
    }

    @UriPath(description = "enforce (before the upstream call) or respond (after it)")
    @Metadata(required = true)
    private final Phase phase;

    @UriParam(description = "Name of a route in the gateway configuration whose settings and operations apply; "
            + "when 'operations' is given, the name of the route those operations declare")
    private String route;

    @UriParam(defaultValue = "rest", description = "Protocol of an ad-hoc route (without 'route'); only rest for now")
    private String protocol = "rest";

    @UriParam(description = "Declares the route here instead of in the configuration: the operations it serves, "
            + "separated by ';' (e.g. 'GET /orders/{id};POST /orders'); empty declares none, so every request is refused")
    private String operations;

    @UriParam(defaultValue = "1048576", description = "Ad-hoc route: largest request body accepted, in bytes")
    private int maxBodyBytes = 1 << 20;

    @UriParam(defaultValue = "respond", description = "What enforce does with a refused request: respond or exception")
    private OnDeny onDeny = OnDeny.RESPOND;

    private Gatekeeper gatekeeper;

    PortcullisEndpoint(String uri, PortcullisComponent component, Phase phase) {
        super(uri, component);
        this.phase = phase;
    }

    void resolveGatekeeper() {
        PortcullisComponent component = (PortcullisComponent) getComponent();
        if (operations == null) {
            if (route == null || route.isEmpty()) {
                throw new IllegalArgumentException("portcullis: give 'route' (a configured route) or declare 'operations'");
            }
            gatekeeper = component.runtime().gatekeeper(route);
            if (gatekeeper == null) {
                throw new IllegalArgumentException("portcullis: no route named '" + route + "' in the gateway configuration");
            }
            return;
        }
        if (!"rest".equalsIgnoreCase(protocol)) {
            throw new IllegalArgumentException("portcullis: protocol '" + protocol + "' is not supported yet; use rest");
        }
        List<String> declared = Arrays.stream(operations.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        String name = route == null || route.isEmpty() ? "embedded" : route;
        gatekeeper = component.runtime().gatekeeper(name,
                new RestRouteSettings(name, declared, maxBodyBytes, io.portcullis.engine.json.JsonLimits.REQUESTS, RestRouteSettings.JSON_ONLY,
                        RestRouteSettings.DEFAULT_MAX_RESPONSE_BYTES));
    }

    Gatekeeper gatekeeper() {
        return gatekeeper;
    }

    Phase phase() {
        return phase;
    }

    OnDeny onDeny() {
        return onDeny;
    }

    @Override
    public Producer createProducer() {
        return new PortcullisProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("portcullis endpoints are used with to(...), not from(...)");
    }

    public void setRoute(String route) {
        this.route = route;
    }

    public String getRoute() {
        return route;
    }

    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setOperations(String operations) {
        this.operations = operations;
    }

    public String getOperations() {
        return operations;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setOnDeny(OnDeny onDeny) {
        this.onDeny = onDeny;
    }

    public OnDeny getOnDeny() {
        return onDeny;
    }
}
