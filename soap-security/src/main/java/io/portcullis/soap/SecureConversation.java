package io.portcullis.soap;

import io.portcullis.engine.adapter.RequestRejectedException;
import org.apache.wss4j.common.derivedKey.ConversationConstants;
import org.apache.wss4j.common.derivedKey.P_SHA1;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.common.util.XMLUtils;
import org.apache.wss4j.dom.WSConstants;
import org.w3c.dom.Element;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import static org.apache.xml.security.utils.XMLUtils.getNextElement;

/**
 * WS-SecureConversation's wire format, as the gateway speaks it when it issues contexts itself: the
 * WS-Trust request for a SecurityContextToken (issue, renew or cancel) read from a Body, and the answer
 * written. Both versions clients use: February 2005 (WCF's default, {@code WSSecurity11...}) and
 * WS-SecureConversation 1.3 / WS-Trust 1.3 (Metro, WCF's {@code ...SecureConversation13}).
 *
 * <p>The key is the caller's and the gateway's entropy combined with P_SHA1 (WS-Trust's ComputedKey,
 * what WCF and Metro ask for), or the gateway's own when the caller sent none. Either way the
 * answer carries key material and goes back encrypted.
 */
public final class SecureConversation {

    /** How much of a refused message is searched for its WS-SecureConversation version. */
    private static final int HEAD_BYTES = 64 * 1024;

    public enum Version {
        V2005_02("http://schemas.xmlsoap.org/ws/2005/02/trust", ConversationConstants.WSC_NS_05_02, false),
        V1_3("http://docs.oasis-open.org/ws-sx/ws-trust/200512", ConversationConstants.WSC_NS_05_12, true);

        private final String trust;
        private final String conversation;
        /** WS-Trust 1.3 wraps the final answer to an issue request in a RequestSecurityTokenResponseCollection. */
        private final boolean collection;
        private final String tokenType;

        Version(String trust, String conversation, boolean collection) {
            this.trust = trust;
            this.conversation = conversation;
            this.collection = collection;
            this.tokenType = conversation + ConversationConstants.TOKEN_TYPE_SECURITY_CONTEXT_TOKEN;
        }

        public String trustNamespace() {
            return trust;
        }

        public String conversationNamespace() {
            return conversation;
        }

        /** WSS4J's number for this version, for the derived keys it writes. */
        int wscVersion() {
            return this == V2005_02 ? ConversationConstants.VERSION_05_02 : ConversationConstants.VERSION_05_12;
        }

        /** The ValueType and TokenType of a SecurityContextToken. */
        public String tokenType() {
            return tokenType;
        }

        String action(boolean response, Kind kind) {
            return trust + (response ? "/RSTR/SCT" : "/RST/SCT") + switch (kind) {
                case ISSUE -> "";
                case RENEW -> "/Renew";
                case CANCEL -> "/Cancel";
            };
        }

        /**
         * The version whose namespace a message names first within its first {@code HEAD_BYTES} (where
         * its Security header is), or null: what a fault about a context the gateway could not use is
         * written in. A search of bytes, bounded, since the message may be anything.
         */
        static Version namedIn(byte[] message) {
            String head = new String(message, 0, Math.min(message.length, HEAD_BYTES), StandardCharsets.ISO_8859_1);
            int feb2005 = head.indexOf(V2005_02.conversation);
            int v13 = head.indexOf(V1_3.conversation);
            if (feb2005 < 0 && v13 < 0) {
                return null;
            }
            return v13 < 0 || (feb2005 >= 0 && feb2005 < v13) ? V2005_02 : V1_3;
        }

        static Version ofTrustNamespace(String namespace) {
            for (Version version : values()) {
                if (version.trust.equals(namespace)) {
                    return version;
                }
            }
            return null;
        }
    }

    /** What a request asks for, named by its RequestType ({@code .../Issue}, {@code .../Renew}, {@code .../Cancel}). */
    public enum Kind {
        ISSUE("/Issue"), RENEW("/Renew"), CANCEL("/Cancel");

        private final String requestType;

        Kind(String requestType) {
            this.requestType = requestType;
        }

        static Kind of(Version version, String requestType) {
            for (Kind kind : values()) {
                if ((version.trust + kind.requestType).equals(requestType)) {
                    return kind;
                }
            }
            return null;
        }
    }

    /**
     * A request for a security context, as read from the Body.
     *
     * @param clientEntropy the caller's half of the key, or null when it leaves the key to the gateway
     * @param keyBits       the key length asked for (or the default)
     * @param target        for a renewal or cancellation, the context's identifier, or the Id of the
     *                      SecurityContextToken the message carries (as {@code #id})
     * @param context       the request's {@code Context} attribute, echoed in the answer, or null
     * @param addressing    the request's WS-Addressing, which the answer relates to, or null when it used none
     */
    record TokenRequest(Version version, Kind kind, byte[] clientEntropy, int keyBits, String target,
                        String context, WsAddressing addressing) {

        @Override
        public String toString() {
            return "TokenRequest[" + version + " " + kind + "]";
        }
    }

    static final int DEFAULT_KEY_BITS = 256;
    private static final int MAX_ENTROPY_BYTES = 128;

    /** The reason of every refused token request: the caller learns only that the request was not one the gateway serves. */
    public static final String REQUEST_INVALID = "WSS_TOKEN_REQUEST_INVALID";

    private SecureConversation() {
    }

    /** Whether {@code element} is a WS-Trust RequestSecurityToken in a version the gateway speaks. */
    public static boolean isTokenRequest(Element element) {
        return "RequestSecurityToken".equals(element.getLocalName()) && Version.ofTrustNamespace(element.getNamespaceURI()) != null;
    }

    /**
     * What a token request asks for, read from its RequestType alone (before its Body is checked
     * further): null when {@code element} is no token request, or has not exactly one RequestType
     * that the gateway serves. {@link #read} takes it as the same kind or refuses it.
     */
    public static Kind requestedKind(Element element) {
        if (!isTokenRequest(element)) {
            return null;
        }
        String trust = element.getNamespaceURI();
        String requestType = null;
        for (Element child = getNextElement(element.getFirstChild()); child != null;
             child = getNextElement(child.getNextSibling())) {
            if (trust.equals(child.getNamespaceURI()) && "RequestType".equals(child.getLocalName())) {
                if (requestType != null) {
                    return null;
                }
                requestType = child.getTextContent().strip();
            }
        }
        return Kind.of(Version.ofTrustNamespace(trust), requestType);
    }

    /**
     * Reads a request for a security context.
     *
     * @param action the SOAP action the request came with, which must be the one for what it asks
     * @throws RequestRejectedException 400 when it asks for something else (another token type, a
     *                                  binary exchange, a key size out of range) or is malformed
     */
    static TokenRequest read(Element request, WsAddressing addressing, String action) throws RequestRejectedException {
        Version version = Version.ofTrustNamespace(request.getNamespaceURI());
        String tokenType = null;
        String requestType = null;
        byte[] entropy = null;
        int keyBits = DEFAULT_KEY_BITS;
        String cancelTarget = null;
        String renewTarget = null;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Element child = getNextElement(request.getFirstChild()); child != null;
             child = getNextElement(child.getNextSibling())) {
            if (!version.trust.equals(child.getNamespaceURI())) {
                continue;
            }
            if (!seen.add(child.getLocalName())) {
                throw invalid("says one thing twice (" + child.getLocalName() + ")");
            }
            switch (child.getLocalName()) {
                case "TokenType" -> tokenType = child.getTextContent().strip();
                case "RequestType" -> requestType = child.getTextContent().strip();
                case "KeySize" -> keyBits = keyBits(child.getTextContent().strip());
                case "Entropy" -> entropy = entropy(child, version);
                case "CancelTarget" -> cancelTarget = referencedIdentifier(child, version);
                case "RenewTarget" -> renewTarget = referencedIdentifier(child, version);
                case "BinaryExchange", "OnBehalfOf", "ActAs", "Claims" ->
                        throw invalid("asks for what this service does not do (" + child.getLocalName() + ")");
                default -> {
                    // AppliesTo, Lifetime, KeyType, ComputedKeyAlgorithm, Renewing, ...: the gateway decides those itself.
                }
            }
        }
        Kind kind = Kind.of(version, requestType);
        if (kind == null) {
            throw invalid("asks for neither the issue, the renewal nor the cancellation of a security context");
        }
        // A renewal may leave the TokenType out (CXF does); its target says what it renews.
        if ((kind == Kind.ISSUE || (kind == Kind.RENEW && tokenType != null)) && !version.tokenType().equals(tokenType)) {
            throw invalid("asks for a token other than a SecurityContextToken");
        }
        String target = kind == Kind.RENEW ? renewTarget : kind == Kind.CANCEL ? cancelTarget : null;
        if (kind != Kind.ISSUE && target == null) {
            throw invalid("names no context to " + (kind == Kind.RENEW ? "renew" : "cancel"));
        }
        if ((kind != Kind.RENEW && renewTarget != null) || (kind != Kind.CANCEL && cancelTarget != null)) {
            throw invalid("names a context for another request");
        }
        if (action != null && !action.isEmpty() && !version.action(false, kind).equals(action)) {
            throw invalid("came with the action of another request");
        }
        String context = request.hasAttribute("Context") ? request.getAttribute("Context") : null;
        return new TokenRequest(version, kind, entropy, keyBits, target, context, addressing);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** The gateway's entropy for a new context: {@code bytes} random bytes. */
    static byte[] gatewayEntropy(int bytes) {
        byte[] entropy = new byte[bytes];
        RANDOM.nextBytes(entropy);
        return entropy;
    }

    /** The key of a new context: P_SHA1 over both entropies, or the gateway's own entropy when the caller sent none. */
    static byte[] key(TokenRequest request, byte[] gatewayEntropy) throws WSSecurityException {
        if (request.clientEntropy() == null) {
            return gatewayEntropy;
        }
        return new P_SHA1().createKey(request.clientEntropy(), gatewayEntropy, 0, request.keyBits() / 8);
    }

    /**
     * The answer to an issue or renewal request, a SOAP envelope of {@code soap}'s version, not yet
     * secured: the context (with its instance, once renewed), its references and key, its lifetime.
     *
     * @param gatewayEntropy the gateway's entropy, or with no client entropy the key itself
     */
    static byte[] granted(SoapVersion soap, TokenRequest request, SecurityContexts.Context context, byte[] gatewayEntropy,
                          Instant created) {
        Version version = request.version();
        String sctId = "sct-" + context.identifier().substring(context.identifier().lastIndexOf(':') + 1);
        String secret = Base64.getEncoder().encodeToString(gatewayEntropy);
        StringBuilder rstr = new StringBuilder();
        rstr.append("<wst:RequestSecurityTokenResponse").append(contextAttribute(request)).append('>')
                .append("<wst:TokenType>").append(version.tokenType()).append("</wst:TokenType>")
                .append("<wst:RequestedSecurityToken><wsc:SecurityContextToken wsu:Id=\"").append(sctId).append("\">")
                .append("<wsc:Identifier>").append(context.identifier()).append("</wsc:Identifier>")
                .append(context.instance() == null ? "" : "<wsc:Instance>" + context.instance() + "</wsc:Instance>")
                .append("</wsc:SecurityContextToken></wst:RequestedSecurityToken>")
                .append("<wst:RequestedAttachedReference>").append(reference("#" + sctId, version, null)).append("</wst:RequestedAttachedReference>")
                .append("<wst:RequestedUnattachedReference>").append(reference(context.identifier(), version, context.instance()))
                .append("</wst:RequestedUnattachedReference>");
        if (request.clientEntropy() != null) {
            rstr.append("<wst:RequestedProofToken><wst:ComputedKey>").append(version.trust).append("/CK/PSHA1")
                    .append("</wst:ComputedKey></wst:RequestedProofToken>")
                    .append("<wst:Entropy><wst:BinarySecret Type=\"").append(version.trust).append("/Nonce\">").append(secret)
                    .append("</wst:BinarySecret></wst:Entropy>");
        } else {
            rstr.append("<wst:RequestedProofToken><wst:BinarySecret Type=\"").append(version.trust).append("/SymmetricKey\">")
                    .append(secret).append("</wst:BinarySecret></wst:RequestedProofToken>");
        }
        rstr.append("<wst:Lifetime><wsu:Created>").append(created.truncatedTo(ChronoUnit.MILLIS)).append("</wsu:Created><wsu:Expires>")
                .append(context.expires().truncatedTo(ChronoUnit.MILLIS)).append("</wsu:Expires></wst:Lifetime>")
                .append("<wst:KeySize>").append(request.keyBits()).append("</wst:KeySize>")
                .append("</wst:RequestSecurityTokenResponse>");
        String body = version.collection
                ? "<wst:RequestSecurityTokenResponseCollection>" + rstr + "</wst:RequestSecurityTokenResponseCollection>"
                : rstr.toString();
        return envelope(soap, request, body);
    }

    /** The answer to a cancel request: the context is no more. */
    static byte[] cancelled(SoapVersion soap, TokenRequest request) {
        return envelope(soap, request, "<wst:RequestSecurityTokenResponse" + contextAttribute(request)
                + "><wst:RequestedTokenCancelled/></wst:RequestSecurityTokenResponse>");
    }

    private static byte[] envelope(SoapVersion soap, TokenRequest request, String body) {
        Version version = request.version();
        StringBuilder xml = new StringBuilder("<soap:Envelope xmlns:soap=\"").append(soap.namespace())
                .append("\" xmlns:wst=\"").append(version.trust).append("\" xmlns:wsc=\"").append(version.conversation)
                .append("\" xmlns:wsu=\"").append(WSConstants.WSU_NS).append("\" xmlns:wsse=\"").append(WSConstants.WSSE_NS).append("\">");
        xml.append("<soap:Header>");
        if (request.addressing() != null) {
            xml.append(request.addressing().headers(version.action(true, request.kind())));
        }
        xml.append("</soap:Header><soap:Body>").append(body).append("</soap:Body></soap:Envelope>");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The SOAP action of the answer to {@code request}. */
    static String answerAction(TokenRequest request) {
        return request.version().action(true, request.kind());
    }

    /** A reference to the context; {@code instance} names its renewal, as WCF refers to a renewed context from outside. */
    private static String reference(String uri, Version version, String instance) {
        return "<wsse:SecurityTokenReference><wsse:Reference URI=\"" + XmlText.escape(uri) + "\" ValueType=\"" + version.tokenType()
                + (instance == null ? "" : "\" wsc:Instance=\"" + XmlText.escape(instance)) + "\"/></wsse:SecurityTokenReference>";
    }

    private static String contextAttribute(TokenRequest request) {
        return request.context() == null ? "" : " Context=\"" + XmlText.escape(request.context()) + "\"";
    }

    private static int keyBits(String value) throws RequestRejectedException {
        int bits;
        try {
            bits = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid("asks for a key size that is not a number");
        }
        if (bits < 128 || bits > 512 || bits % 64 != 0) {
            throw invalid("asks for a key size outside 128 to 512 bits");
        }
        return bits;
    }

    private static byte[] entropy(Element entropy, Version version) throws RequestRejectedException {
        Element secret = getNextElement(entropy.getFirstChild());
        if (secret == null || !version.trust.equals(secret.getNamespaceURI()) || !"BinarySecret".equals(secret.getLocalName())
                || getNextElement(secret.getNextSibling()) != null) {
            // An EncryptedKey as entropy (and nothing else) is not what WCF or Metro send.
            throw invalid("sends entropy other than one BinarySecret");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(secret.getTextContent().strip());
        } catch (IllegalArgumentException e) {
            throw invalid("sends entropy that is not base64");
        }
        if (bytes.length < 16 || bytes.length > MAX_ENTROPY_BYTES) {
            throw invalid("sends entropy shorter than 128 bits or longer than 1024");
        }
        return bytes;
    }

    /** The identifier a CancelTarget or RenewTarget names: a SecurityTokenReference's Reference URI, or the token itself. */
    private static String referencedIdentifier(Element target, Version version) throws RequestRejectedException {
        Element child = getNextElement(target.getFirstChild());
        if (child != null && WSConstants.WSSE_NS.equals(child.getNamespaceURI()) && "SecurityTokenReference".equals(child.getLocalName())) {
            Element reference = getNextElement(child.getFirstChild());
            if (reference != null && WSConstants.WSSE_NS.equals(reference.getNamespaceURI()) && "Reference".equals(reference.getLocalName())
                    && !reference.getAttribute("URI").isEmpty()) {
                return reference.getAttribute("URI");
            }
        } else if (child != null && version.conversation.equals(child.getNamespaceURI())
                && ConversationConstants.SECURITY_CONTEXT_TOKEN_LN.equals(child.getLocalName())) {
            Element identifier = XMLUtils.getDirectChildElement(child, ConversationConstants.IDENTIFIER_LN, version.conversation);
            if (identifier != null) {
                return identifier.getTextContent().strip();
            }
        }
        throw invalid("names its context in a way this service does not read");
    }

    private static RequestRejectedException invalid(String what) {
        return new RequestRejectedException(400, REQUEST_INVALID, "The security token request " + what + ".");
    }
}
