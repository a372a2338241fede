package io.portcullis.engine.net;

import io.portcullis.engine.model.Peer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Who may reach the gateway at all, judged before any request is read: addresses on the deny list
 * are refused, and where an allow list is set, only its addresses get in. Behind proxies the
 * gateway trusts, the client is the address they name in {@code X-Forwarded-For}; from anyone
 * else that header is ignored, so a client cannot choose the address it is judged by.
 *
 * @param trustedProxies the proxies whose {@code X-Forwarded-For} is believed
 * @param deny           addresses refused (reloaded when its file changes)
 * @param allow          if not empty, the only addresses admitted
 * @param ipv6CountingPrefix the network an IPv6 client is counted by (rate limits, lockouts), 32 to 128 bits
 */
public record NetworkPolicy(AddressList trustedProxies, Supplier<AddressList> deny, Supplier<AddressList> allow,
                            int ipv6CountingPrefix) {

    public static final String DENIED = "CLIENT_ADDRESS_DENIED";
    public static final String NOT_ALLOWED = "CLIENT_ADDRESS_NOT_ALLOWED";
    public static final NetworkPolicy OPEN = new NetworkPolicy(AddressList.EMPTY, () -> AddressList.EMPTY, () -> AddressList.EMPTY,
            AddressRange.DEFAULT_IPV6_COUNTING_PREFIX);

    public NetworkPolicy {
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(deny, "deny");
        Objects.requireNonNull(allow, "allow");
        if (ipv6CountingPrefix < 32 || ipv6CountingPrefix > 128) {
            throw new IllegalArgumentException("an IPv6 client is counted by a prefix of 32 to 128 bits");
        }
    }

    /** The client (its address, or its IPv6 network) as rate limits and lockouts count it. */
    public Peer peer(String clientAddress, int port, io.portcullis.engine.model.ClientCertificate certificate, boolean secure) {
        return new Peer(clientAddress, port, certificate, secure, AddressRange.countingKey(clientAddress, ipv6CountingPrefix));
    }

    /**
     * The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address in
     * {@code X-Forwarded-For} (read from the right) that is not itself a trusted proxy. An entry that
     * is not an address ends the walk at the last hop that was.
     */
    public String clientAddress(String peer, String forwardedFor) {
        if (forwardedFor == null || !trustedProxies.contains(AddressRange.literal(peer))) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            byte[] address = AddressRange.literal(hop);
            if (address == null) {
                return client;
            }
            client = hop;
            if (!trustedProxies.contains(address)) {
                return client;
            }
        }
        return client;
    }

    /** @return the reason the address is refused, or null when it may come in */
    public String refusal(String clientAddress) {
        byte[] address = AddressRange.literal(clientAddress);
        if (address != null && deny.get().contains(address)) {
            return DENIED;
        }
        AddressList allowed = allow.get();
        if (!allowed.ranges().isEmpty() && (address == null || !allowed.contains(address))) {
            return NOT_ALLOWED;
        }
        return null;
    }
}
