package io.portcullis.camel.component;

import io.portcullis.engine.gate.Admission;
import io.portcullis.engine.http.HttpResponseMessage;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Runs one phase of enforcement on an exchange. The admission travels between the two phases as
 * an exchange property, which message headers cannot reach or overwrite.
 */
final class PortcullisProducer extends DefaultProducer {

    static final String ADMISSION = PortcullisComponent.ADMISSION;

    private final PortcullisEndpoint endpoint;

    PortcullisProducer(PortcullisEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        try {
            if (endpoint.phase() == PortcullisEndpoint.Phase.ENFORCE) {
                enforce(exchange);
            } else {
                respond(exchange);
            }
        } catch (Exception e) {
            throw e;
        } catch (Throwable t) {
            // Camel's processor bridge treats an Error as done and moves on to the next step, the
            // upstream call: turn it into an exception so the route's error handling refuses.
            throw new IllegalStateException("portcullis:" + endpoint.phase().name().toLowerCase(java.util.Locale.ROOT)
                    + " failed: " + t, t);
        }
    }

    private void enforce(Exchange exchange) throws PolicyDeniedException {
        Admission admission = endpoint.gatekeeper().admit(CamelHttpMessages.request(exchange), CamelHttpMessages.peer(exchange));
        if (!admission.admitted()) {
            if (endpoint.onDeny() == PortcullisEndpoint.OnDeny.EXCEPTION && !admission.answered()) {
                throw new PolicyDeniedException(admission.requestId(), admission.reply());
            }
            CamelHttpMessages.toClient(exchange, admission.reply());
            exchange.setRouteStop(true);
            return;
        }
        exchange.setProperty(ADMISSION, admission);
        CamelHttpMessages.toUpstream(exchange, admission.forward());
    }

    private void respond(Exchange exchange) {
        Admission admission = exchange.getProperty(ADMISSION, Admission.class);
        if (admission == null) {
            throw new IllegalStateException("portcullis:respond found no admission: call portcullis:enforce first in this route");
        }
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        HttpResponseMessage response;
        if (failure != null) {
            exchange.setException(null);
            exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
            response = endpoint.gatekeeper().upstreamFailed(admission, isTimeout(failure), failure);
        } else {
            response = endpoint.gatekeeper().release(admission, CamelHttpMessages.upstreamResponse(exchange));
        }
        CamelHttpMessages.toClient(exchange, response);
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
