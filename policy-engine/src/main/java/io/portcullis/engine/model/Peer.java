package io.portcullis.engine.model;

import java.util.Objects;

/**
 * The network peer that sent the request, as the listener saw it.
 *
 * @param address           IP address literal of the immediate client
 * @param port              its source port, or 0 when unknown
 * @param clientCertificate the TLS client certificate it presented and the listener verified, or null
 * @param secure            the request came over TLS (so responses carry HSTS)
 * @param countingKey       what the peer is counted under by rate limits and lockouts, as the gateway's
 *                          network settings say: {@code NetworkPolicy.peer} is the one way to make it;
 *                          null for a peer as the listener saw it, which nothing counts
 */
public record Peer(String address, int port, ClientCertificate clientCertificate, boolean secure, String countingKey) {

    public static final Peer UNKNOWN = new Peer("", 0, null, false, "");

    public Peer {
        Objects.requireNonNull(address, "address");
    }

    /**
     * What the peer is counted under, as {@code NetworkPolicy.peer} worked it out.
     *
     * @throws IllegalStateException for a peer as the listener saw it: counting it by some default would
     *                               ignore {@code network.ipv6CountingPrefix} (and a trusted proxy's client)
     */
    @Override
    public String countingKey() {
        if (countingKey == null) {
            throw new IllegalStateException("a peer is counted only once the network policy has judged it");
        }
        return countingKey;
    }

    /** A peer as the listener saw it, not yet counted. */
    public Peer(String address, int port, ClientCertificate clientCertificate, boolean secure) {
        this(address, port, clientCertificate, secure, null);
    }

    /** A peer without a client certificate, over plain HTTP. */
    public Peer(String address, int port) {
        this(address, port, null, false);
    }

    public boolean hasClientCertificate() {
        return clientCertificate != null;
    }
}
