package io.portcullis.engine.detect;

import io.portcullis.engine.net.AddressList;
import io.portcullis.engine.net.AddressRange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Server-side request forgery in values that are URLs: a scheme that reaches more than the web
 * ({@code gopher:}, {@code file:}, {@code dict:}), or a host that is the server itself, its private
 * network or a cloud metadata service, in any notation a resolver accepts (decimal, hex and octal
 * IPv4, short forms, IPv4-mapped IPv6, names that resolve to such addresses). Only literals and
 * well-known names are judged; nothing is resolved.
 */
public final class SsrfDetector implements Detector {

    public static final String FAMILY = "SSRF";

    private static final Set<String> NON_WEB_SCHEMES = Set.of("gopher", "dict", "file", "ldap", "ldaps", "tftp", "jar",
            "netdoc", "phar", "expect", "sftp", "smb", "telnet", "ssh2", "php", "mailto-", "jdbc", "rmi", "iiop");
    private static final Set<String> INTERNAL_NAMES = Set.of("localhost", "localhost.localdomain", "ip6-localhost",
            "ip6-loopback", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal",
            "metadata.azure.com", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "0", "broadcasthost",
            "localtest.me", "lvh.me", "vcap.me", "lacolhost.com", "customer1.app.localhost.my.company.127.0.0.1.nip.io");
    private static final List<String> INTERNAL_SUFFIXES = List.of(".localhost", ".internal", ".local", ".svc",
            ".cluster.local", ".localtest.me", ".lvh.me", ".vcap.me");
    private static final List<String> WILDCARD_DNS = List.of(".nip.io", ".xip.io", ".sslip.io", ".traefik.me", ".localtest.me");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        return List.of("://", ":/", "//");
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        // Where the client's browser was (Origin, Referer) is no address the server will fetch: localhost in development.
        if (value.location().equals("header/origin") || value.location().equals("header/referer")) {
            return;
        }
        for (String form : forms) {
            // Resolvers fold compatibility characters: ⓛⓞⓒⓐⓛⓗⓞⓢⓣ and fullwidth digits name the same host.
            String v = Decoding.folded(form.strip()).replace('\u3002', '.').replace('\uff61', '.');
            int schemeEnd = v.indexOf(':');
            String scheme = schemeEnd > 0 ? v.substring(0, schemeEnd) : "";
            if (!scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                continue;
            }
            if (NON_WEB_SCHEMES.contains(scheme) && (v.startsWith("/", schemeEnd + 1) || scheme.equals("jar")
                    || scheme.equals("netdoc"))) {
                signals.report(100, 1, "URL with the " + scheme + " scheme");
                return;
            }
            int authority = v.startsWith("//", schemeEnd + 1) ? schemeEnd + 3 : v.startsWith("//") ? 2 : -1;
            if (authority < 0) {
                continue;
            }
            String host = host(v, authority);
            String internal = internal(host);
            if (internal != null) {
                signals.report(100, 1, "URL to " + internal);
                return;
            }
        }
    }

    /** The host of an authority: after any user info, without port or IPv6 brackets. */
    static String host(String v, int from) {
        int end = from;
        while (end < v.length() && "/?#\\".indexOf(v.charAt(end)) < 0) {
            end++;
        }
        String authority = v.substring(from, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? authority.substring(1) : authority.substring(1, close);
        }
        int colon = authority.lastIndexOf(':');
        String host = colon >= 0 ? authority.substring(0, colon) : authority;
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** What internal place the host names, or null for a public one. */
    static String internal(String host) {
        if (host.isEmpty()) {
            return null;
        }
        if (INTERNAL_NAMES.contains(host)) {
            return "an internal host name";
        }
        for (String suffix : INTERNAL_SUFFIXES) {
            if (host.endsWith(suffix)) {
                return "an internal host name";
            }
        }
        for (String wildcard : WILDCARD_DNS) {
            if (host.endsWith(wildcard)) {
                // 10.0.0.1.nip.io, app-10-0-0-1.nip.io: the address is the last four labels, or the last label dashed.
                String embedded = host.substring(0, host.length() - wildcard.length());
                String lastLabel = embedded.substring(embedded.lastIndexOf('.') + 1);
                String dashed = lastLabel.substring(Math.max(0, nthLast(lastLabel, '-', 4) + 1)).replace('-', '.');
                String dotted = embedded.substring(nthLast(embedded, '.', 4) + 1);
                for (String candidate : new String[] {dotted, dashed}) {
                    long v4 = ipv4(candidate);
                    String internal = v4 >= 0 ? internalV4(v4) : null;
                    if (internal != null) {
                        return "a name that resolves to " + internal;
                    }
                }
            }
        }
        long v4 = ipv4(host);
        if (v4 >= 0) {
            return internalV4(v4);
        }
        if (host.indexOf(':') >= 0) {
            byte[] address = AddressRange.literal(host);
            return address == null ? null : internalAddress(address);
        }
        return null;
    }

    /** Index of the n-th last {@code c} in the text, or -1 when it has fewer. */
    private static int nthLast(String text, char c, int n) {
        int at = text.length();
        for (int k = 0; k < n; k++) {
            at = text.lastIndexOf(c, at - 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }

    /** IPv4 as inet_aton reads it: one to four parts, each decimal, hex (0x) or octal (leading 0). */
    static long ipv4(String host) {
        if (host.isEmpty() || host.length() > 64 || host.chars().filter(c -> c == '.').count() > 3) {
            return -1;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length == 0 || parts.length > 4) {
            return -1;
        }
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = part(parts[i]);
            if (numbers[i] < 0) {
                return -1;
            }
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (numbers[i] > 255) {
                return -1;
            }
            address |= numbers[i] << (24 - 8 * i);
        }
        long last = numbers[parts.length - 1];
        long room = (1L << (8 * (5 - parts.length))) - 1;
        if (last > room) {
            return -1;
        }
        return address | last;
    }

    /** A number in the notation its prefix says, or -1; host names are no numbers, and cost no exception. */
    private static long part(String part) {
        if (part.isEmpty() || part.length() > 12) {
            return -1;
        }
        boolean hex = part.startsWith("0x");
        int radix = hex ? 16 : part.length() > 1 && part.charAt(0) == '0' ? 8 : 10;
        long value = 0;
        for (int i = hex ? 2 : 0; i < part.length(); i++) {
            int digit = Character.digit(part.charAt(i), radix);
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** Internal address ranges by what they are; the first that holds an address names it (metadata before link-local). */
    private static final Map<String, AddressList> INTERNAL_RANGES = internalRanges();

    private static Map<String, AddressList> internalRanges() {
        Map<String, AddressList> ranges = new LinkedHashMap<>();
        ranges.put("a cloud metadata service", AddressList.of(List.of("169.254.169.254/32", "169.254.170.2/32",
                "169.254.169.123/32", "100.100.100.200/32", "fd00:ec2::254/128")));
        ranges.put("the loopback address", AddressList.of(List.of("127.0.0.0/8", "::1/128")));
        ranges.put("the unspecified address", AddressList.of(List.of("0.0.0.0/8", "::/128")));
        ranges.put("a private network", AddressList.of(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")));
        ranges.put("a link-local address", AddressList.of(List.of("169.254.0.0/16", "fe80::/10")));
        ranges.put("a carrier-grade NAT address", AddressList.of(List.of("100.64.0.0/10")));
        return java.util.Collections.unmodifiableMap(ranges);
    }

    private static String internalV4(long address) {
        return internalAddress(new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }

    /** IPv4-compatible IPv6 ({@code ::10.0.0.1}) is read as the IPv4 address it carries; mapped ones already are. */
    private static String internalAddress(byte[] address) {
        if (address.length == 16 && java.util.Arrays.equals(address, 0, 12, new byte[12], 0, 12)
                && (address[12] | address[13] | address[14]) != 0) {
            address = java.util.Arrays.copyOfRange(address, 12, 16);
        }
        for (Map.Entry<String, AddressList> range : INTERNAL_RANGES.entrySet()) {
            if (range.getValue().contains(address)) {
                return range.getKey();
            }
        }
        return null;
    }
}
