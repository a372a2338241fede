package io.portcullis.engine.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), or
 * one address. Only literals are read: nothing here ever resolves a name.
 */
public record AddressRange(byte[] network, int prefix) {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /**
     * IPv4 only as a dotted quad: "dead.beef" is made of hex digits too, but the JDK would look it up
     * as a host name, and "1.2.3" is a short form no proxy writes.
     */
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** @throws IllegalArgumentException naming the text when it is not an address or range */
    public static AddressRange parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        byte[] address = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
            }
        }
        return new AddressRange(address, prefix);
    }

    /** The IPv6 prefix a client is counted by unless the network settings say otherwise. */
    public static final int DEFAULT_IPV6_COUNTING_PREFIX = 64;

    /**
     * What an address is counted under by rate limits, lockouts and connection bounds: an IPv4
     * address itself, an IPv6 address its network of {@code ipv6PrefixBits} (a /64 by default: the
     * smallest allocation a subscriber gets, and any of its 2^64 addresses is theirs to use; counted
     * one by one, they would make every per-address bound meaningless; an ISP that hands out /56s or
     * an enterprise behind one /48 may warrant a shorter prefix). IPv4 clients reached through NAT64
     * ({@code 64:ff9b::/96}) count as their IPv4 address, and a zone id ({@code fe80::1%eth0}) is not
     * part of the key. Text that is not an address literal is its own key.
     */
    public static String countingKey(String address, int ipv6PrefixBits) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        String literal = address.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        byte[] bytes = literal(zone < 0 ? literal : literal.substring(0, zone));
        return bytes == null ? address : countingKey(bytes, ipv6PrefixBits);
    }

    /** {@link #countingKey(String, int)} of an address already parsed. */
    public static String countingKey(InetAddress address, int ipv6PrefixBits) {
        return countingKey(address.getAddress(), ipv6PrefixBits);
    }

    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private static String countingKey(byte[] address, int ipv6PrefixBits) {
        if (address.length == 4) {
            return ipv4(address);
        }
        if (java.util.Arrays.equals(address, 0, 12, NAT64, 0, 12)) {
            return ipv4(java.util.Arrays.copyOfRange(address, 12, 16));
        }
        byte[] network = java.util.Arrays.copyOf(address, 16);
        int whole = ipv6PrefixBits / 8;
        if (whole < 16) {
            network[whole] &= (byte) (0xff << (8 - ipv6PrefixBits % 8));
            java.util.Arrays.fill(network, whole + 1, 16, (byte) 0);
        }
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + ipv6PrefixBits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    private static String ipv4(byte[] address) {
        return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
    }

    /** The address as bytes (IPv4-mapped IPv6 addresses as IPv4), or null when the text is not an IP literal. */
    public static byte[] literal(String text) {
        String value = text.strip();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        if (!LITERAL.matcher(value).matches()
                || (value.indexOf(':') < 0 ? !DOTTED_QUAD.matcher(value).matches() : value.startsWith("."))) {
            return null;
        }
        try {
            // A literal of only hex digits, dots and colons: getByName parses it and never looks it up.
            return InetAddress.getByName(value).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }
}
