package io.portcullis.engine.model;

import java.util.Objects;

/**
 * The network peer that sent the request, as the listener saw it.
 *
 * @param address IP address literal of the immediate client
 * @param port    its source port, or 0 when unknown
 */
public record Peer(String address, int port) {

    public static final Peer UNKNOWN = new Peer("", 0);

    public Peer {
        Objects.requireNonNull(address, "address");
    }
}
