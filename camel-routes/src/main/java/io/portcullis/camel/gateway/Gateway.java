package io.portcullis.camel.gateway;

import io.portcullis.camel.GatewayRuntime;
import io.portcullis.camel.component.PortcullisComponent;
import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.engine.audit.AuditLog;
import io.portcullis.examples.bank.DemoBank;
import io.portcullis.examples.bank.DemoBankRestServer;
import io.portcullis.examples.bank.soap.DemoBankSoapServer;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.impl.DefaultCamelContext;

/** A running gateway: the Camel context with its routes, the runtime, and the demo bank when enabled. */
public final class Gateway implements AutoCloseable {

    private final CamelContext camel;
    private final GatewayRuntime runtime;
    private final AutoCloseable demoBank;
    private final AutoCloseable tls;

    private Gateway(CamelContext camel, GatewayRuntime runtime, AutoCloseable demoBank, AutoCloseable tls) {
        this.camel = camel;
        this.runtime = runtime;
        this.demoBank = demoBank;
        this.tls = tls;
    }

    public static Gateway start(GatewaySettings settings, AuditLog audit) throws Exception {
        return start(settings, audit, Clock.systemUTC());
    }

    /** @param clock what the runtime reads the time from (tests set it apart from the clients') */
    public static Gateway start(GatewaySettings settings, AuditLog audit, Clock clock) throws Exception {
        AutoCloseable demoBank = settings.demoBank().enabled() ? demoBank(settings.demoBank()) : null;
        GatewayRuntime runtime = null;
        CamelContext camel = new DefaultCamelContext();
        try {
            runtime = GatewayRuntime.start(settings, audit, clock);
            camel.getRegistry().bind(GatewayRoutes.HEADER_FILTER, new ProxyHeaderFilterStrategy());
            // The route blocks on the upstream call, so it runs on the consumer's worker pool,
            // never on a Netty I/O thread; the pool size caps requests in flight.
            camel.getComponent("netty-http", NettyHttpComponent.class).setMaximumPoolSize(settings.listener().workerThreads());
            // Upstream calls ask for no compression and inflate none: a small compressed answer can
            // inflate a thousandfold before any size bound is checked. One that comes anyway is withheld.
            // (A component option: camel-http builds its client from the component's setting.)
            for (String scheme : java.util.List.of("http", "https")) {
                camel.getComponent(scheme, org.apache.camel.component.http.HttpComponent.class).setContentCompressionDisabled(true);
            }
            AutoCloseable tls = () -> { };
            if (settings.tlsListener() != null) {
                ServerTls.Context context = ServerTls.context(settings.tlsListener());
                camel.getRegistry().bind(GatewayRoutes.TLS_CONTEXT, context.parameters());
                tls = context.resources();
            }
            camel.addComponent("portcullis", new PortcullisComponent(runtime));
            // One guard for the plain and TLS listeners: a client's requests count together on both.
            ListenerGuard guard = new ListenerGuard(settings.listener().guards(), settings.network().ipv6CountingPrefix());
            camel.getRegistry().bind(GatewayRoutes.GUARD_IN, guard.inbound());
            camel.getRegistry().bind(GatewayRoutes.GUARD_OUT, guard.outbound());
            camel.addRoutes(new GatewayRoutes(settings));
            camel.addRoutes(new AdminRoutes(settings.admin(), runtime, guard::counters));
            camel.start();
            return new Gateway(camel, runtime, demoBank, tls);
        } catch (Exception e) {
            camel.close();
            if (runtime != null) {
                runtime.close();
            }
            if (demoBank != null) {
                demoBank.close();
            }
            throw e;
        }
    }

    /** The demo bank's REST and SOAP faces over one set of data. */
    private static AutoCloseable demoBank(GatewaySettings.DemoBank settings) throws java.io.IOException {
        DemoBank bank = new DemoBank();
        DemoBankRestServer rest = DemoBankRestServer.start(bank, settings.host(), settings.port());
        if (settings.graphQlSchema() != null) {
            rest.withGraphQl(new io.portcullis.examples.bank.graphql.DemoBankGraphQl(bank, settings.graphQlSchema(),
                    settings.statementDelay()));
        }
        try {
            DemoBankSoapServer soap = DemoBankSoapServer.start(bank, settings.host(), settings.soapPort());
            return () -> {
                soap.close();
                rest.close();
            };
        } catch (RuntimeException e) {
            rest.close();
            throw e;
        }
    }

    public GatewayRuntime runtime() {
        return runtime;
    }

    public CamelContext camel() {
        return camel;
    }

    @Override
    public void close() throws Exception {
        camel.close();
        tls.close();
        runtime.close();
        if (demoBank != null) {
            demoBank.close();
        }
    }
}
