package io.portcullis.camel.gateway;

import java.util.Set;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * Header filtering for a reverse proxy, on the listener and the upstream producer alike: Camel's
 * own headers never cross the wire in either direction (so neither a client nor an upstream can
 * set them), hop-by-hop headers stop at each hop, and end-to-end headers that Camel's default HTTP
 * filter drops (Cache-Control, Date, Pragma, Via, Warning) pass through.
 */
public final class ProxyHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "host");

    public ProxyHeaderFilterStrategy() {
        setLowerCase(true);
        setOutFilterStartsWith("camel", "org.apache.camel");
        setInFilterStartsWith("camel", "org.apache.camel");
        getOutFilter().addAll(HOP_BY_HOP);
        getInFilter().addAll(HOP_BY_HOP);
    }
}
