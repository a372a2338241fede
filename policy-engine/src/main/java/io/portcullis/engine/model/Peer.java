package io.portcullis.engine.model;

import java.util.Objects;

/**
 * The network peer that sent the request, as the listener saw it.
 *
 * @param address           IP address literal of the immediate client
 * @param port              its source port, or 0 when unknown
 * @param clientCertificate the TLS client certificate it presented and the listener verified, or null
 */
public record Peer(String address, int port, ClientCertificate clientCertificate) {

    public static final Peer UNKNOWN = new Peer("", 0, null);

    public Peer {
        Objects.requireNonNull(address, "address");
    }

    /** A peer without a client certificate. */
    public Peer(String address, int port) {
        this(address, port, null);
    }

    public boolean hasClientCertificate() {
        return clientCertificate != null;
    }
}
