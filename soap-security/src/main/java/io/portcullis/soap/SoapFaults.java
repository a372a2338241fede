package io.portcullis.soap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The SOAP fault the gateway sends when it refuses a request or fails: a generic fault string and
 * the request id, never the reason, rule, input or an exception. The id lets the client's support
 * team find the full story in the gateway's audit log, which is where the details belong.
 *
 * <p>{@code render(version, 403, requestId)} gives a {@code soap:Client} (1.1) or
 * {@code env:Sender} (1.2) fault; status 500 and above give {@code Server} / {@code Receiver}.
 * Send it with {@link SoapVersion#contentType()} and {@code charset=UTF-8}; the HTTP status is the
 * caller's choice (SOAP 1.1 over HTTP conventionally uses 500 for every fault).
 */
public final class SoapFaults {

    /** Namespace of the {@code requestId} element inside the fault detail. */
    public static final String DETAIL_NAMESPACE = "urn:portcullis:fault";

    private static final String CLIENT_TEXT = "The request was rejected.";
    private static final String SERVER_TEXT = "The request could not be processed.";

    private SoapFaults() {
    }

    /**
     * @param status    the refusal's HTTP-style status, 400 to 599; it picks the fault code
     * @param requestId the gateway's id for this request; characters XML cannot carry are replaced
     * @return the fault envelope, UTF-8 encoded
     */
    public static byte[] render(SoapVersion version, int status, String requestId) {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(requestId, "requestId");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault status must be 400..599, was " + status);
        }
        boolean client = status < 500;
        String text = client ? CLIENT_TEXT : SERVER_TEXT;
        String xml = switch (version) {
            case SOAP_1_1 -> soap11(client ? "Client" : "Server", text, requestId);
            case SOAP_1_2 -> soap12(client ? "Sender" : "Receiver", text, requestId);
        };
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static String soap11(String code, String text, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soap:Envelope xmlns:soap=\"" + SoapVersion.SOAP_1_1.namespace() + "\">"
                + "<soap:Body><soap:Fault>"
                + "<faultcode>soap:" + code + "</faultcode>"
                + "<faultstring>" + escape(text) + "</faultstring>"
                + "<detail>" + requestIdElement(requestId) + "</detail>"
                + "</soap:Fault></soap:Body></soap:Envelope>";
    }

    private static String soap12(String code, String text, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<env:Envelope xmlns:env=\"" + SoapVersion.SOAP_1_2.namespace() + "\">"
                + "<env:Body><env:Fault>"
                + "<env:Code><env:Value>env:" + code + "</env:Value></env:Code>"
                + "<env:Reason><env:Text xml:lang=\"en\">" + escape(text) + "</env:Text></env:Reason>"
                + "<env:Detail>" + requestIdElement(requestId) + "</env:Detail>"
                + "</env:Fault></env:Body></env:Envelope>";
    }

    private static String requestIdElement(String requestId) {
        return "<pc:requestId xmlns:pc=\"" + DETAIL_NAMESPACE + "\">" + escape(requestId) + "</pc:requestId>";
    }

    /**
     * Escapes character data. Code points XML 1.0 cannot carry at all (most control characters,
     * lone surrogates) become U+FFFD: the request id may come from a client header, and a fault
     * that does not parse is worse than a slightly altered id. CR is written as a reference
     * because a parser would otherwise normalise it away.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#xD;");
                default -> out.appendCodePoint(isXmlChar(c) ? c : 0xFFFD);
            }
        });
        return out.toString();
    }

    private static boolean isXmlChar(int c) {
        return c == 0x9 || c == 0xA
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
