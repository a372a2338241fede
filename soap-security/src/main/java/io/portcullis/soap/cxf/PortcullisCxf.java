package io.portcullis.soap.cxf;

import io.portcullis.engine.gate.Gatekeeper;
import io.portcullis.soap.XmlLimits;
import java.util.Objects;
import org.apache.cxf.interceptor.InterceptorProvider;

/**
 * The gateway's enforcement inside a CXF service: the same XML limits, WS-Security processing,
 * schema checks, authentication, rules and audit as the gateway's SOAP route, with no network hop.
 * Install it on a JAX-WS server factory or endpoint with the {@link Gatekeeper} of a configured SOAP
 * route:
 * <pre>{@code
 * GatewayRuntime runtime = GatewayRuntime.start(GatewaySettingsLoader.load(config), audit, clock);
 * PortcullisCxf.install(serverFactory, runtime.gatekeeper("bank-soap"));
 * }</pre>
 *
 * <p>A refused request never reaches the service: the caller gets the route's SOAP fault. An
 * admitted one reaches it as the gateway would forward it (decrypted, the consumed Security header
 * removed, {@code X-Authenticated-Subject} set); the service's response is then decided by the
 * response rules and secured (signed, encrypted) as the route says. Needs the servlet-based HTTP
 * transport (CXF's Jetty transport or a servlet container); do not also configure CXF's own
 * WS-Security interceptors on the same endpoint.
 */
public final class PortcullisCxf {

    private PortcullisCxf() {
    }

    /**
     * With the default request size limit ({@link XmlLimits#DEFAULTS}).
     *
     * @param endpoint a {@code JaxWsServerFactoryBean}, {@code EndpointImpl} or other server-side provider
     */
    public static void install(InterceptorProvider endpoint, Gatekeeper gatekeeper) {
        install(endpoint, gatekeeper, XmlLimits.DEFAULTS.maxBytes());
    }

    /** @param maxRequestBytes no more of a request is read (the route's own limit then refuses it with 413) */
    public static void install(InterceptorProvider endpoint, Gatekeeper gatekeeper, int maxRequestBytes) {
        Objects.requireNonNull(gatekeeper, "gatekeeper");
        endpoint.getInInterceptors().add(new PortcullisInInterceptor(gatekeeper, maxRequestBytes));
        endpoint.getOutInterceptors().add(new PortcullisOutInterceptor(gatekeeper));
        endpoint.getOutFaultInterceptors().add(new PortcullisOutInterceptor(gatekeeper));
    }
}
