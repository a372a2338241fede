package io.portcullis.engine.detect;

import io.portcullis.engine.net.AddressRange;
import java.util.List;
import java.util.Locale;
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
            String v = java.text.Normalizer.normalize(form.strip(), java.text.Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                    .replace('\u3002', '.').replace('\uff61', '.');
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
                    if (v4 >= 0 && privateV4(v4) != null) {
                        return "a name that resolves to " + privateV4(v4);
                    }
                }
            }
        }
        long v4 = ipv4(host);
        if (v4 >= 0) {
            return privateV4(v4);
        }
        if (host.indexOf(':') >= 0 && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            // Only IPv6 literals reach the JDK's parser, which would otherwise ask the resolver.
            byte[] address = AddressRange.literal(host);
            return address == null ? null : privateV6(address);
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

    private static String privateV4(long a) {
        long first = a >>> 24;
        long second = (a >>> 16) & 0xff;
        if (a == 0xA9FEA9FEL || a == 0x64646400L + 200 || a == 0xA9FEA97BL) {
            return "a cloud metadata service";
        }
        if (first == 127) {
            return "the loopback address";
        }
        if (first == 0) {
            return "the unspecified address";
        }
        if (first == 10 || first == 172 && second >= 16 && second <= 31 || first == 192 && second == 168) {
            return "a private network";
        }
        if (first == 169 && second == 254) {
            return "a link-local address";
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return "a carrier-grade NAT address";
        }
        return null;
    }

    private static String privateV6(byte[] address) {
        if (address.length == 4) {
            return privateV4(((address[0] & 0xffL) << 24) | ((address[1] & 0xffL) << 16) | ((address[2] & 0xffL) << 8)
                    | (address[3] & 0xffL));
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= address[i] == 0;
        }
        if (zeroPrefix && (address[10] == (byte) 0xff && address[11] == (byte) 0xff || address[10] == 0 && address[11] == 0)) {
            long v4 = ((address[12] & 0xffL) << 24) | ((address[13] & 0xffL) << 16) | ((address[14] & 0xffL) << 8)
                    | (address[15] & 0xffL);
            if (address[10] == 0 && v4 <= 1) {
                return "the loopback address";
            }
            return privateV4(v4);
        }
        if ((address[0] & 0xfe) == 0xfc) {
            return address[0] == (byte) 0xfd && address[1] == 0 && address[2] == (byte) 0x0e && address[3] == (byte) 0xc2
                    ? "a cloud metadata service" : "a private network";
        }
        if (address[0] == (byte) 0xfe && (address[1] & 0xc0) == 0x80) {
            return "a link-local address";
        }
        return null;
    }
}
