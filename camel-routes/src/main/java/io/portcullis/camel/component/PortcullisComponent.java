package io.portcullis.camel.component;

import io.portcullis.camel.GatewayRuntime;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code portcullis} Camel component: enforce Portcullis policy inside any route.
 *
 * <pre>
 * from("netty-http:http://0.0.0.0:8080/api?matchOnUriPrefix=true")
 *     .to("portcullis:enforce?route=bank-rest")   // refused requests stop here with their answer
 *     .to("http://backend:8080?bridgeEndpoint=true&amp;throwExceptionOnFailure=false")
 *     .to("portcullis:respond?route=bank-rest");  // response rules, obligations, audit
 * </pre>
 *
 * It decides with the {@link GatewayRuntime} it was created with; routes configured there are
 * named by {@code route}, and an integration team's own route declares its operations inline.
 * Set {@code contentCompressionDisabled} on the camel-http component, as the gateway does: an
 * answer camel-http inflated has passed no size bound, and one still compressed is withheld.
 */
public final class PortcullisComponent extends DefaultComponent {

    /**
     * Exchange property {@code portcullis:enforce} sets when it admits a request; a route must not
     * call its upstream without it (the gateway's routes check it).
     */
    public static final String ADMISSION = "portcullis.admission";

    private final GatewayRuntime runtime;

    public PortcullisComponent(GatewayRuntime runtime) {
        this.runtime = runtime;
    }

    GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PortcullisEndpoint.Phase phase;
        try {
            phase = PortcullisEndpoint.Phase.valueOf(remaining.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("portcullis: unknown phase '" + remaining + "'; use portcullis:enforce or portcullis:respond");
        }
        PortcullisEndpoint endpoint = new PortcullisEndpoint(uri, this, phase);
        setProperties(endpoint, parameters);
        endpoint.resolveGatekeeper();
        return endpoint;
    }
}
