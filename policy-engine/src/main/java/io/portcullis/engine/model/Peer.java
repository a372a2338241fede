package io.portcullis.engine.model;

import java.util.Objects;

/**
 * The network peer that sent the request, as the listener saw it.
 *
 * @param address           IP address literal of the immediate client
 * @param port              its source port, or 0 when unknown
 * @param clientCertificate the TLS client certificate it presented and the listener verified, or null
 * @param secure            the request came over TLS (so responses carry HSTS)
 */
public record Peer(String address, int port, ClientCertificate clientCertificate, boolean secure) {

    public static final Peer UNKNOWN = new Peer("", 0, null, false);

    public Peer {
        Objects.requireNonNull(address, "address");
    }

    /** A peer without a client certificate, over plain HTTP. */
    public Peer(String address, int port) {
        this(address, port, null, false);
    }

    public boolean hasClientCertificate() {
        return clientCertificate != null;
    }
}
