package io.portcullis.soap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SOAP fault the gateway sends when it refuses a request or fails, the SOAP counterpart of the
 * REST face's problem+json: the refusal's message as fault string (adapters' fixed texts and rules'
 * client-facing messages; a generic text when there is none), and in the detail the request id and
 * the reason codes ({@code XML_TOO_DEEP}, {@code TRANSFER_LIMIT_EXCEEDED}). Never input, rule
 * internals or an exception. The id lets the client's support team find the full story in the
 * gateway's audit log.
 *
 * <p>A status below 500 gives a {@code soap:Client} (1.1) or
 * {@code env:Sender} (1.2) fault; status 500 and above give {@code Server} / {@code Receiver}.
 * Send it with {@link SoapVersion#contentType()} and {@code charset=UTF-8}; the HTTP status is the
 * caller's choice (SOAP 1.1 over HTTP conventionally uses 500 for every fault).
 *
 * <p>A refusal by WS-Security processing (a {@code WSS_*} reason of {@link Wss4jMessageVerifier})
 * carries the WS-Security fault code ({@code wsse:FailedCheck}, {@code wsse:MessageExpired}, ...) with
 * the specification's own generic text, which is what WS-Security clients expect and all they learn.
 * A security context the gateway does not hold (or no longer) is WS-SecureConversation's
 * {@code wsc:BadContextToken}, in the namespace of the version the message used (WS-Security's
 * {@code wsse:SecurityTokenUnavailable} when the message names none near its start): WCF takes a fault
 * as a security fault, and faults its session channel so that its application opens a new one,
 * only when the subcode is in a security namespace of its binding.
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
     * @param reasons the refusal's reason codes; a {@code WSS_*} one selects a WS-Security fault,
     *                which carries only the specification's text (no codes, no message)
     * @param message the refusal's message for the client, or empty for the generic text
     * @param addressing   the request's WS-Addressing, which the fault then relates to; or null
     * @param conversation the WS-SecureConversation version the request used (a context fault is in its
     *                     namespace), or null
     */
    static byte[] render(SoapVersion version, int status, String requestId, List<String> reasons, String message,
                         WsAddressing addressing, SecureConversation.Version conversation) {
        String header = addressing == null ? "" : addressing.headers(addressing.faultAction());
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(requestId, "requestId");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault status must be 400..599, was " + status);
        }
        boolean client = status < 500;
        if (aboutContext(reasons)) {
            // Without the version the message used (none named near its start), WS-Security's nearest code.
            return conversation == null
                    ? securityFault(version, header, requestId, WSSE_PREFIX + "SecurityTokenUnavailable", "",
                    "Referenced security token could not be retrieved")
                    : securityFault(version, header, requestId, "wsc:BadContextToken",
                    " xmlns:wsc=\"" + conversation.conversationNamespace() + "\"", BAD_CONTEXT_TOKEN_TEXT);
        }
        String[] security = reasons.stream().map(SECURITY_FAULTS::get).filter(Objects::nonNull).findFirst().orElse(null);
        if (security != null) {
            return securityFault(version, header, requestId, WSSE_PREFIX + security[0], "", security[1]);
        }
        String text = message == null || message.isBlank() ? (client ? CLIENT_TEXT : SERVER_TEXT) : message;
        String detail = detail(requestId, reasons);
        String xml = switch (version) {
            case SOAP_1_1 -> soap11(header, "soap:" + (client ? "Client" : "Server"), "", text, detail);
            case SOAP_1_2 -> soap12(header, client ? "Sender" : "Receiver", "", text, detail, null);
        };
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a refusal is about a security context the gateway does not hold, or not with the key used: BadContextToken. */
    static boolean aboutContext(List<String> reasons) {
        return reasons.contains(Wss4jMessageVerifier.CONTEXT_UNKNOWN) || reasons.contains(Wss4jMessageVerifier.CONTEXT_RENEWED);
    }

    /** A Sender fault whose code (1.1) or subcode (1.2) is {@code code}, declared by {@code declaration}, with the specification's text. */
    private static byte[] securityFault(SoapVersion version, String header, String requestId, String code, String declaration,
                                        String text) {
        String xml = switch (version) {
            case SOAP_1_1 -> soap11(header, code, declaration, text, detail(requestId, List.of()));
            case SOAP_1_2 -> soap12(header, "Sender", declaration, text, detail(requestId, List.of()), code);
        };
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static final String WSSE_NAMESPACE =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    private static final String WSSE_PREFIX = "wsse:";
    /*
     * The prefixes the fault codes use (soap:Client, wsse:FailedCheck) are declared again on the
     * Fault element: some clients (Mono's WCF) read the fault from the Body on its own and cannot
     * resolve a QName whose prefix only the Envelope declares.
     */
    private static final String CODE_PREFIXES_11 = " xmlns:soap=\"" + SoapVersion.SOAP_1_1.namespace() + "\""
            + " xmlns:wsse=\"" + WSSE_NAMESPACE + "\"";
    private static final String CODE_PREFIXES_12 = " xmlns:env=\"" + SoapVersion.SOAP_1_2.namespace() + "\""
            + " xmlns:wsse=\"" + WSSE_NAMESPACE + "\"";

    /** WS-SecureConversation's text for its BadContextToken fault (section 8 of version 1.3, 9 of February 2005). */
    private static final String BAD_CONTEXT_TOKEN_TEXT = "The requested context elements are insufficient or unsupported.";

    /** Reason code → WS-Security 1.1 fault code and its text (OASIS WSS SOAP Message Security, section 12). */
    private static final Map<String, String[]> SECURITY_FAULTS = Map.ofEntries(
            Map.entry(Wss4jMessageVerifier.UNSUPPORTED_TOKEN, new String[] {"UnsupportedSecurityToken", "An unsupported token was provided"}),
            Map.entry(Wss4jMessageVerifier.UNSUPPORTED_ALGORITHM, new String[] {"UnsupportedAlgorithm", "An unsupported signature or encryption algorithm was used"}),
            Map.entry(Wss4jMessageVerifier.INVALID_SECURITY, new String[] {"InvalidSecurity", "An error was discovered processing the <wsse:Security> header"}),
            Map.entry(Wss4jMessageVerifier.POLICY_NOT_MET, new String[] {"InvalidSecurity", "An error was discovered processing the <wsse:Security> header"}),
            Map.entry(Wss4jMessageVerifier.SIGNATURE_WRAPPING, new String[] {"InvalidSecurity", "An error was discovered processing the <wsse:Security> header"}),
            Map.entry(Wss4jMessageVerifier.REPLAYED, new String[] {"InvalidSecurity", "An error was discovered processing the <wsse:Security> header"}),
            Map.entry(Wss4jMessageVerifier.INVALID_TOKEN, new String[] {"InvalidSecurityToken", "An invalid security token was provided"}),
            Map.entry(Wss4jMessageVerifier.FAILED_AUTHENTICATION, new String[] {"FailedAuthentication", "The security token could not be authenticated or authorized"}),
            Map.entry(Wss4jMessageVerifier.FAILED_CHECK, new String[] {"FailedCheck", "The signature or decryption was invalid"}),
            Map.entry(Wss4jMessageVerifier.TOKEN_UNAVAILABLE, new String[] {"SecurityTokenUnavailable", "Referenced security token could not be retrieved"}),
            Map.entry(Wss4jMessageVerifier.MESSAGE_EXPIRED, new String[] {"MessageExpired", "The message has expired"}));

    private static String soap11(String header, String code, String declaration, String text, String detail) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soap:Envelope xmlns:soap=\"" + SoapVersion.SOAP_1_1.namespace() + "\">"
                + (header.isEmpty() ? "" : "<soap:Header>" + header + "</soap:Header>")
                + "<soap:Body><soap:Fault" + CODE_PREFIXES_11 + declaration + ">"
                + "<faultcode>" + code + "</faultcode>"
                + "<faultstring>" + XmlText.escape(text) + "</faultstring>"
                + "<detail>" + detail + "</detail>"
                + "</soap:Fault></soap:Body></soap:Envelope>";
    }

    private static String soap12(String header, String code, String declaration, String text, String detail, String subcodeValue) {
        String subcode = subcodeValue == null ? "" : "<env:Subcode><env:Value>" + subcodeValue + "</env:Value></env:Subcode>";
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<env:Envelope xmlns:env=\"" + SoapVersion.SOAP_1_2.namespace() + "\">"
                + (header.isEmpty() ? "" : "<env:Header>" + header + "</env:Header>")
                + "<env:Body><env:Fault" + CODE_PREFIXES_12 + declaration + ">"
                + "<env:Code><env:Value>env:" + code + "</env:Value>" + subcode + "</env:Code>"
                + "<env:Reason><env:Text xml:lang=\"en\">" + XmlText.escape(text) + "</env:Text></env:Reason>"
                + "<env:Detail>" + detail + "</env:Detail>"
                + "</env:Fault></env:Body></env:Envelope>";
    }

    private static String detail(String requestId, List<String> reasons) {
        StringBuilder detail = new StringBuilder("<pc:requestId xmlns:pc=\"" + DETAIL_NAMESPACE + "\">")
                .append(XmlText.escape(requestId)).append("</pc:requestId>");
        for (String reason : reasons) {
            detail.append("<pc:reason xmlns:pc=\"").append(DETAIL_NAMESPACE).append("\">").append(XmlText.escape(reason))
                    .append("</pc:reason>");
        }
        return detail.toString();
    }
}
