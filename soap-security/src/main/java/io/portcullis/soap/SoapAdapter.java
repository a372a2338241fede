package io.portcullis.soap;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.ProtocolAdapter;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.authn.AuthenticationChain;
import io.portcullis.engine.http.HeaderObligations;
import io.portcullis.engine.http.HttpForwarding;
import io.portcullis.engine.http.CanonicalPath;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.http.MediaType;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Protocol;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.namespace.QName;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * SOAP over HTTP, in this order: the XML threat limits, the envelope, WS-Security (verify,
 * decrypt, check the route's policy) when the route has it, the service's schema and SOAP actions
 * when the route names them, then the model. The operation is the
 * route's name for the Body's first element ({@code {urn:portcullis:demo-bank}Transfer as transfer}),
 * the SOAP version, action and WS-Security results become request attributes, a credential found
 * in the Security header goes to authentication, and the operation element's content becomes body
 * values addressed by path from that element, as a JSON body's are from its root
 * ({@code /fromAccount}, {@code /@currency}, repeated siblings as {@code /memo/line[2]}): so one rule
 * reads {@code bodyNumber("/amount")} on every face of a service.
 *
 * <p>What is forwarded is the message as verified: decrypted, without the Security header the
 * gateway consumed, re-serialized as UTF-8 and checked against the limits again (decryption can
 * reveal what the limits never saw). Refusals are SOAP faults of the caller's version.
 */
public final class SoapAdapter implements ProtocolAdapter {

    public static final String VERSION_ATTRIBUTE = "soap.version";
    public static final String ACTION_ATTRIBUTE = "soap.action";
    /** The body element's qualified name, {@code {namespace}LocalName}, whatever the route calls the operation. */
    public static final String ELEMENT_ATTRIBUTE = "soap.element";
    /** The message to forward when WS-Security processing changed it; for {@link #fulfil} only. */
    static final String FORWARD_ATTRIBUTE = "soap.forward";
    /** The request's {@link WsAddressing}, which its answer and its refusal relate to; for this adapter only. */
    static final String ADDRESSING_ATTRIBUTE = "soap.addressing";
    /** A WS-Trust request for a security context, which the gateway answers itself; for {@link #answer} only. */
    static final String TOKEN_REQUEST_ATTRIBUTE = "soap.tokenRequest";
    /** The operations of a WS-SecureConversation request, which the rules permit like any other (rules/authz). */
    public static final String ESTABLISH_CONTEXT_OPERATION = "establishSecurityContext";
    public static final String RENEW_CONTEXT_OPERATION = "renewSecurityContext";
    public static final String CANCEL_CONTEXT_OPERATION = "cancelSecurityContext";
    /** The context store is full (503): the gateway holds as many contexts as it may. */
    public static final String CONTEXTS_FULL = "WSS_CONTEXTS_FULL";
    /** WS-Addressing headers the gateway does not take (a reply elsewhere, a header twice, an Action not the SOAP action). */
    public static final String ADDRESSING_INVALID = "SOAP_ADDRESSING_INVALID";
    /** Every "action =" in a content type; group 1 is set where it is a parameter of its own (after ';'). */
    private static final java.util.regex.Pattern ACTION_PARAMETER =
            java.util.regex.Pattern.compile("(?i)(;\\s*)?action\\s*=\\s*(\"[^\"]*\"|[^;]*)");
    /** The SOAP action is named more than once, or differently by the SOAPAction header and the action parameter. */
    public static final String ACTION_AMBIGUOUS = "SOAP_ACTION_AMBIGUOUS";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SoapAdapter.class);

    private final SoapEnvelopeReader reader;
    private final SoapEnvelopeReader responseReader;
    private final XmlThreatScanner threats;
    private final Map<QName, String> operations;
    private final Wss4jMessageVerifier verifier;
    private final ServiceSchema schema;
    private final OutboundSecurity outbound;
    private final SecurityContexts contexts;

    /**
     * @param verifier WS-Security processing for this route, or null when it has none
     * @param schema   the service's contract that request bodies must match, or null
     * @param outbound what the route signs or encrypts on the way out, or null for nothing
     */
    public SoapAdapter(SoapRouteSettings settings, Wss4jMessageVerifier verifier, ServiceSchema schema,
                       OutboundSecurity outbound) {
        this(settings, verifier, schema, outbound, null);
    }

    /**
     * @param contexts where the WS-SecureConversation contexts this route issues are kept, or null when
     *                 the route issues none; needs {@code verifier} and {@code outbound}
     */
    public SoapAdapter(SoapRouteSettings settings, Wss4jMessageVerifier verifier, ServiceSchema schema,
                       OutboundSecurity outbound, SecurityContexts contexts) {
        if (contexts != null && (verifier == null || outbound == null)) {
            throw new IllegalArgumentException("a route that issues security contexts verifies WS-Security and secures its answers");
        }
        this.contexts = contexts;
        this.reader = new SoapEnvelopeReader(settings.limits());
        this.responseReader = new SoapEnvelopeReader(responseLimits(settings.limits()));
        this.threats = new XmlThreatScanner(settings.limits());
        this.operations = settings.operationNames();
        this.verifier = verifier;
        this.schema = schema;
        this.outbound = outbound;
    }

    /** The message as WS-Security left it; {@code toString} does not print it (it may be logged). */
    record ForwardedMessage(byte[] body) {
        @Override
        public String toString() {
            return "ForwardedMessage[" + body.length + " bytes]";
        }
    }

    @Override
    public Protocol protocol() {
        return Protocol.SOAP;
    }

    @Override
    public boolean serverErrorsAreFaults() {
        return true;
    }

    @Override
    public ApiRequest normalize(HttpRequestMessage message, RequestContext context) throws RequestRejectedException {
        if (!message.method().equals("POST")) {
            throw new RequestRejectedException(405, "SOAP_METHOD_NOT_ALLOWED", "SOAP requests are sent with POST.");
        }
        // The path is forwarded as sent: it must name one resource to every server on the way.
        String path = "/" + String.join("/", CanonicalPath.segments(message.rawPath()));
        SoapVersion declared = versionOf(message.header("content-type"));
        if (declared == null) {
            throw new RequestRejectedException(415, "UNSUPPORTED_MEDIA_TYPE",
                    "SOAP requests are text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2).");
        }
        if (schema != null && !schema.speaks(declared)) {
            throw new RequestRejectedException(415, "SOAP_VERSION_UNSUPPORTED", declared == SoapVersion.SOAP_1_1
                    ? "This service takes SOAP 1.2 (application/soap+xml)." : "This service takes SOAP 1.1 (text/xml).");
        }
        SoapEnvelope envelope = reader.read(message.body());
        if (envelope.version() != declared) {
            throw new RequestRejectedException(400, "SOAP_VERSION_MISMATCH",
                    "The envelope's SOAP version does not match the content type.");
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(VERSION_ATTRIBUTE, envelope.version() == SoapVersion.SOAP_1_1 ? "1.1" : "1.2");
        String action = action(envelope.version(), message);
        if (action != null) {
            attributes.put(ACTION_ATTRIBUTE, action);
        }
        if (verifier != null) {
            WsSecurityResult security = verifier.verify(envelope, context.peer().countingKey());
            attributes.putAll(security.attributes());
            if (security.credential().presented()) {
                attributes.put(AuthenticationChain.MESSAGE_CREDENTIAL, security.credential());
            }
            if (security != WsSecurityResult.NONE) {
                // Decryption may have revealed what the streaming scan never saw: bound it before any
                // recursive walk (serialization, body values), then scan the whole message again.
                threats.checkTree(envelope.document().getDocumentElement());
                byte[] verified = envelope.serialize();
                threats.scan(verified);
                attributes.put(FORWARD_ATTRIBUTE, new ForwardedMessage(verified));
            }
        }
        SoapEnvelopeReader.checkBody(envelope.body());
        WsAddressing addressing = WsAddressing.of(envelope.header());
        if (addressing != null) {
            attributes.put(ADDRESSING_ATTRIBUTE, addressing);
            // WS-Addressing's SOAP binding: a SOAP action, when one is given, is the Action; the service may route by either.
            if (addressing.action() != null && action != null && !action.isEmpty() && !action.equals(addressing.action())) {
                throw WsAddressing.invalid();
            }
            if (addressing.action() != null && (action == null || action.isEmpty())) {
                action = addressing.action();
                attributes.put(ACTION_ATTRIBUTE, action);
            }
        }
        SecureConversation.TokenRequest tokenRequest = null;
        if (contexts != null && SecureConversation.isTokenRequest(envelope.operationElement())) {
            // The gateway's own operation: its schema is WS-Trust's, not the service's.
            tokenRequest = SecureConversation.read(envelope.operationElement(), addressing, action);
            attributes.put(TOKEN_REQUEST_ATTRIBUTE, tokenRequest);
        } else if (schema != null) {
            schema.check(envelope.operationElement(), action);
        }
        QName element = envelope.operation();
        attributes.put(ELEMENT_ATTRIBUTE, operation(element));
        String operation = tokenRequest == null ? operations.getOrDefault(element, ApiRequest.UNDECLARED_OPERATION)
                : switch (tokenRequest.kind()) {
                    case ISSUE -> ESTABLISH_CONTEXT_OPERATION;
                    case RENEW -> RENEW_CONTEXT_OPERATION;
                    case CANCEL -> CANCEL_CONTEXT_OPERATION;
                };
        return ApiRequest.builder()
                .id(context.requestId())
                .receivedAt(context.receivedAt())
                .protocol(Protocol.SOAP)
                .route(context.route())
                .operation(operation)
                .method(message.method())
                .path(path)
                .headers(message.headers())
                .peer(context.peer())
                // A token request is the gateway's own, read whole by SecureConversation: none of its values
                // (entropy, the AppliesTo address CXF names the service by) is service data to inspect or forward.
                .body(tokenRequest == null ? values(envelope.operationElement()) : Map.of())
                .attributes(attributes)
                .build();
    }

    /**
     * Issues, renews or cancels a security context (WS-SecureConversation), once the rules permitted
     * it. A context is issued or renewed only to a caller the message itself authenticates, whose
     * request was encrypted (it carries the caller's half of the key) and made with a key the caller
     * could encrypt to the gateway or with its certificate; the answer is signed and encrypted with
     * that key, or for that certificate. A renewal must also be signed with the context it renews,
     * by the caller it was issued to, and stands for the identity and roles proved now. A context is
     * cancelled only by a message signed with that same context.
     */
    @Override
    public HttpResponseMessage answer(ApiRequest request, List<Obligation> obligations)
            throws RequestRejectedException, ObligationException {
        if (!(request.attribute(TOKEN_REQUEST_ATTRIBUTE) instanceof SecureConversation.TokenRequest tokenRequest)) {
            return null;
        }
        requireNoRedaction(obligations);
        if (obligations.stream().anyMatch(o -> o instanceof Obligation.MaskValue)) {
            throw new ObligationException("the gateway's own answer has no service data to mask");
        }
        SoapVersion version = "1.2".equals(request.attribute(VERSION_ATTRIBUTE)) ? SoapVersion.SOAP_1_2 : SoapVersion.SOAP_1_1;
        WsSecurityResult.RequestKey key = request.attribute(WsSecurityResult.REQUEST_KEY) instanceof WsSecurityResult.RequestKey k ? k : null;
        WsSecurityResult.ContextProof held = request.attribute(WsSecurityResult.CONTEXT_PROOF) instanceof WsSecurityResult.ContextProof p
                ? p : null;
        X509Certificate caller = request.attribute(WsSecurityResult.SIGNER_CERTIFICATE) instanceof X509Certificate c ? c : null;
        byte[] answer;
        Wss4jMessageSecurer.Protection protection;
        if (tokenRequest.kind() == SecureConversation.Kind.CANCEL) {
            if (key == null || !key.securityContext() || held == null || !held.names(tokenRequest.target())) {
                throw new RequestRejectedException(400, SecureConversation.REQUEST_INVALID,
                        "A security context is cancelled only by a message signed with it.");
            }
            try {
                contexts.cancel(held.context());
            } catch (SecurityContexts.UnavailableException e) {
                LOG.warn("request {}: security context not cancelled: {}", request.id(), e.getMessage());
                throw new RequestRejectedException(503, Wss4jMessageVerifier.CONTEXTS_UNAVAILABLE,
                        "The security context cannot be cancelled now; try again later.");
            }
            answer = SecureConversation.cancelled(version, tokenRequest);
            // Signed with the context, like the request: it says nothing to keep secret (WCF and Metro encrypt neither).
            protection = Wss4jMessageSecurer.Protection.withRequestKey(key, true, false, outbound.responseKeys(),
                    WSConstants.AES_256_GCM, false);
        } else {
            boolean bodyEncrypted = arrivedEncrypted(request, WsSecurityPolicy.Part.BODY);
            // The identity must be the message's own (its UsernameToken or signer), not an HTTP credential beside it.
            if (!request.principal().authenticatedBy(AuthMethod.WS_SECURITY.name()) || !bodyEncrypted
                    || (caller == null && (key == null || key.securityContext()))) {
                throw new RequestRejectedException(400, SecureConversation.REQUEST_INVALID, "A security context is "
                        + (tokenRequest.kind() == SecureConversation.Kind.ISSUE ? "issued" : "renewed") + " to a caller the "
                        + "message itself authenticates, whose request is encrypted and signed with its certificate or a key "
                        + "encrypted to this service.");
            }
            // Proved by WS-Security alone: a step-up rule asking for mTLS or a JWT must not see those methods
            // on calls that carry neither.
            Principal proved = request.principal().provedBy(AuthMethod.WS_SECURITY);
            if (tokenRequest.kind() == SecureConversation.Kind.RENEW && (held == null || !held.names(tokenRequest.target())
                    || !held.context().principal().callerKey().equals(proved.callerKey()))) {
                throw new RequestRejectedException(400, SecureConversation.REQUEST_INVALID, "A security context is renewed "
                        + "only by the caller it was issued to, in a message also signed with it.");
            }
            byte[] entropy = SecureConversation.gatewayEntropy(tokenRequest.keyBits() / 8);
            SecurityContexts.Context context;
            try {
                byte[] secret = SecureConversation.key(tokenRequest, entropy);
                context = tokenRequest.kind() == SecureConversation.Kind.ISSUE
                        ? contexts.issue(proved, secret, tokenRequest.version())
                        : contexts.renew(held.context(), proved, secret).orElseThrow(() -> new RequestRejectedException(401,
                        Wss4jMessageVerifier.CONTEXT_UNKNOWN, "The security context is no longer held; establish a new one."));
            } catch (SecurityContexts.FullException | SecurityContexts.UnavailableException e) {
                String what = tokenRequest.kind() == SecureConversation.Kind.ISSUE ? "issued" : "renewed";
                LOG.warn("request {}: no security context {}: {}", request.id(), what, e.getMessage());
                throw new RequestRejectedException(503, e instanceof SecurityContexts.FullException ? CONTEXTS_FULL : Wss4jMessageVerifier.CONTEXTS_UNAVAILABLE,
                        "No security context can be " + what + " now; try again later.");
            } catch (WSSecurityException e) {
                throw new RequestRejectedException(400, SecureConversation.REQUEST_INVALID, "The security token request could not be served.");
            }
            answer = SecureConversation.granted(version, tokenRequest, context, entropy, request.receivedAt());
            // Key material (the gateway's entropy, or the key) goes back encrypted, whatever the route's responses are.
            protection = responseProtection(request, caller, true);
        }
        Map<String, List<String>> headers = ownHeaders(request.id(), version.contentType() + "; charset=utf-8"
                + (version == SoapVersion.SOAP_1_1 ? "" : "; action=\"" + SecureConversation.answerAction(tokenRequest) + "\""));
        HttpResponseMessage secured = new HttpResponseMessage(200, headers, secure(responseReader, answer, protection));
        return obligations.isEmpty() ? secured : secured.withHeaders(HeaderObligations.apply(secured.headers(), obligations));
    }

    /** The headers of what the gateway itself answers: a fault, a security context. */
    private static Map<String, List<String>> ownHeaders(String requestId, String contentType) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of(contentType));
        headers.put("cache-control", List.of("no-store"));
        headers.put(HttpForwarding.REQUEST_ID, List.of(requestId));
        return headers;
    }

    @Override
    public ApiResponse normalizeResponse(ApiRequest request, HttpResponseMessage response) throws RequestRejectedException {
        if (response.body().length == 0) {
            return new ApiResponse(request, response.status(), response.headers(), Map.of());
        }
        if (versionOf(response.header("content-type")) == null) {
            // Not a SOAP message (an error page, bytes): its values would go unjudged, DLP included.
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_NOT_SOAP", "The upstream's answer is not a SOAP message.");
        }
        try {
            return new ApiResponse(request, response.status(), response.headers(),
                    values(responseReader.read(response.body()).operationElement()));
        } catch (RequestRejectedException e) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_MALFORMED",
                    "The upstream's SOAP response could not be read (" + e.reason() + ").");
        }
    }

    /** A fault about a security context is in the WS-SecureConversation version the message named. */
    @Override
    public HttpResponseMessage refusal(String requestId, HttpRequestMessage refused, int status, List<String> reasons,
                                       String message) {
        return refusal(requestId, refused.headers(), status, reasons, message, null,
                SoapFaults.aboutContext(reasons) ? SecureConversation.Version.namedIn(refused.body()) : null);
    }

    /** A fault that relates to its request by WS-Addressing when the request used it. */
    @Override
    public HttpResponseMessage refusal(ApiRequest request, int status, List<String> reasons, String message) {
        // Read requests are refused about a context only when its renewal finds it gone.
        SecureConversation.Version conversation = request.attribute(TOKEN_REQUEST_ATTRIBUTE) instanceof SecureConversation.TokenRequest asked
                ? asked.version() : null;
        return refusal(request.id(), request.headers(), status, reasons, message,
                request.attribute(ADDRESSING_ATTRIBUTE) instanceof WsAddressing addressing ? addressing : null, conversation);
    }

    private HttpResponseMessage refusal(String requestId, Map<String, List<String>> requestHeaders, int status,
                                        List<String> reasons, String message, WsAddressing addressing,
                                        SecureConversation.Version conversation) {
        List<String> contentType = requestHeaders.getOrDefault("content-type", List.of());
        SoapVersion version = contentType.isEmpty() || versionOf(contentType.get(0)) == null
                ? SoapVersion.SOAP_1_1 : versionOf(contentType.get(0));
        return new HttpResponseMessage(httpStatus(status), ownHeaders(requestId, version.contentType() + "; charset=utf-8"),
                SoapFaults.render(version, status, requestId, reasons, message, addressing, conversation));
    }

    /**
     * The HTTP status a fault travels with: 500 for every fault, in SOAP 1.2 as in 1.1 (WS-I Basic
     * Profile R1126). SOAP 1.2's HTTP binding would send a sender fault with 400, but WCF's client
     * reads a response body only with 2xx or 500: a 400 is a ProtocolException whose fault it never
     * sees (so a BadContextToken would not end its session), and WCF's and CXF's own services
     * answer every fault with 500. The decision's own status stays in the audit event. Refusals
     * before any SOAP was read (wrong method, media type, size) keep theirs.
     */
    static int httpStatus(int status) {
        return status == 405 || status == 413 || status == 415 ? status : 500;
    }

    @Override
    public HttpRequestMessage fulfil(ApiRequest request, HttpRequestMessage forward, List<Obligation> obligations)
            throws ObligationException {
        requireNoRedaction(obligations);
        HttpRequestMessage out = forward;
        byte[] body = request.attribute(FORWARD_ATTRIBUTE) instanceof ForwardedMessage verified ? verified.body() : null;
        if (outbound != null && outbound.securesUpstream()) {
            body = secure(reader, body != null ? body : forward.body(), new Wss4jMessageSecurer.Protection(outbound.signUpstream(),
                    outbound.upstreamCertificate(), outbound.upstreamKeys(), WSConstants.AES_256_GCM, false));
        }
        if (body != null) {
            Map<String, List<String>> headers = new LinkedHashMap<>(forward.headers());
            headers.put("content-type", List.of(utf8(forward.header("content-type"))));
            out = forward.withBody(headers, body);
        }
        return obligations.isEmpty() ? out : out.withHeaders(HeaderObligations.apply(out.headers(), obligations));
    }

    private byte[] secure(SoapEnvelopeReader parser, byte[] message, Wss4jMessageSecurer.Protection protection)
            throws ObligationException {
        SoapEnvelope envelope;
        try {
            envelope = parser.read(message);
        } catch (RequestRejectedException e) {
            throw new ObligationException("the message to secure could not be read: " + e.getMessage());
        }
        secure(envelope, protection);
        return envelope.serialize();
    }

    private void secure(SoapEnvelope envelope, Wss4jMessageSecurer.Protection protection) throws ObligationException {
        try {
            outbound.securer().secure(envelope, protection);
        } catch (WSSecurityException e) {
            throw new ObligationException("the message could not be secured: " + e.getMessage());
        }
    }

    /** The content type with its charset replaced by UTF-8 (what {@link SoapEnvelope#serialize} writes); other parameters kept. */
    private static String utf8(String contentType) {
        StringBuilder out = new StringBuilder();
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.strip();
            if (out.isEmpty()) {
                out.append(trimmed);
            } else if (!trimmed.isEmpty() && !trimmed.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                out.append("; ").append(trimmed);
            }
        }
        return out.append("; charset=utf-8").toString();
    }

    @Override
    public HttpResponseMessage fulfil(ApiRequest request, HttpResponseMessage response, List<Obligation> obligations)
            throws ObligationException {
        requireNoRedaction(obligations);
        boolean masks = obligations.stream().anyMatch(o -> o instanceof Obligation.MaskValue);
        boolean secures = outbound != null && outbound.securesResponses() && response.body().length > 0;
        X509Certificate caller = request.attribute(WsSecurityResult.SIGNER_CERTIFICATE) instanceof X509Certificate c ? c : null;
        if (secures) {
            if (versionOf(response.header("content-type")) == null) {
                // Not a SOAP message (MTOM, mislabelled, an error page): it cannot be secured, so it is not sent.
                throw new ObligationException("the response must be secured and is not a SOAP message");
            }
            if (outbound.encryptResponses() && caller == null && request.attribute(WsSecurityResult.REQUEST_KEY) == null) {
                throw new ObligationException("responses are encrypted for the caller's signing certificate or with its key, and the request had neither");
            }
        }
        HttpResponseMessage out = response;
        if (masks || secures) {
            // Read once for both; masked before anything is signed: the signature covers what the caller receives.
            SoapEnvelope envelope;
            try {
                envelope = responseReader.read(response.body());
            } catch (RequestRejectedException e) {
                throw new ObligationException("the response could not be read: " + e.getMessage());
            }
            if (masks) {
                mask(envelope, obligations);
            }
            if (secures) {
                secure(envelope, responseProtection(request, caller, false));
            }
            // Written out again as UTF-8, whatever the upstream's charset was.
            Map<String, List<String>> headers = new LinkedHashMap<>(response.headers());
            headers.put("content-type", List.of(utf8(response.header("content-type"))));
            out = new HttpResponseMessage(response.status(), headers, envelope.serialize());
        }
        return obligations.isEmpty() ? out : out.withHeaders(HeaderObligations.apply(out.headers(), obligations));
    }

    /** Whether {@code part} of the request arrived encrypted (verified). */
    private static boolean arrivedEncrypted(ApiRequest request, WsSecurityPolicy.Part part) {
        return request.attribute(WsSecurityResult.ENCRYPTED_PARTS) instanceof List<?> parts && parts.contains(part.factName());
    }

    /**
     * A response is protected the way its request was: encrypted with the request's algorithm, so
     * a client that has no AES-GCM (WCF, Metro) can read it, and with its signature encrypted when
     * the request's was, which WCF's default protection order requires of the reply.
     */
    private Wss4jMessageSecurer.Protection responseProtection(ApiRequest request, X509Certificate caller, boolean encrypt) {
        String algorithm = request.attribute(WsSecurityResult.BODY_ENCRYPTION) instanceof String used ? used : WSConstants.AES_256_GCM;
        boolean signatureWasEncrypted = arrivedEncrypted(request, WsSecurityPolicy.Part.SIGNATURE);
        if (request.attribute(WsSecurityResult.REQUEST_KEY) instanceof WsSecurityResult.RequestKey key) {
            // A symmetric binding: the caller has no certificate to encrypt for, only the key it sent. Its
            // answer is encrypted when its request was: that key serves this exchange both ways.
            boolean requestEncrypted = arrivedEncrypted(request, WsSecurityPolicy.Part.BODY);
            return Wss4jMessageSecurer.Protection.withRequestKey(key, outbound.signResponses() || encrypt,
                    outbound.encryptResponses() || requestEncrypted || encrypt, outbound.responseKeys(), algorithm, signatureWasEncrypted);
        }
        return new Wss4jMessageSecurer.Protection(outbound.signResponses() || encrypt, outbound.encryptResponses() || encrypt ? caller : null,
                outbound.responseKeys(), algorithm, signatureWasEncrypted);
    }

    /** Removing XML fields is not built yet, so a rule that asks for it withholds the message instead. */
    private static void requireNoRedaction(List<Obligation> obligations) throws ObligationException {
        if (obligations.stream().anyMatch(o -> o instanceof Obligation.RedactField || o instanceof Obligation.MaskData)) {
            throw new ObligationException("fields cannot be removed from SOAP messages yet");
        }
    }

    /**
     * Responses may be larger than requests (a statement, a search result): 16 MiB and ten times the
     * elements, the other limits as for requests. Only services' own answers are read with them.
     */
    private static XmlLimits responseLimits(XmlLimits requests) {
        return new XmlLimits(Math.max(requests.maxBytes(), 16 << 20), requests.maxDepth(),
                Math.max(requests.maxElements(), requests.maxElements() * 10), requests.maxAttributesPerElement(),
                requests.maxNamespaceDeclarations(), requests.maxTextLength(), requests.maxAttributeValueLength(),
                requests.maxNameLength());
    }

    static String operation(QName name) {
        return "{" + name.getNamespaceURI() + "}" + name.getLocalPart();
    }

    private static SoapVersion versionOf(String contentType) {
        String mediaType = MediaType.of(contentType);
        if (mediaType.equals(SoapVersion.SOAP_1_1.contentType())) {
            return SoapVersion.SOAP_1_1;
        }
        return mediaType.equals(SoapVersion.SOAP_1_2.contentType()) ? SoapVersion.SOAP_1_2 : null;
    }

    /**
     * SOAP 1.1 names the action in the SOAPAction header, SOAP 1.2 in the content type's action
     * parameter. Named twice, it is refused: the gateway would judge one and a service might
     * dispatch by the other, or by both joined.
     */
    private static String action(SoapVersion version, HttpRequestMessage message) throws RequestRejectedException {
        List<String> headers = message.headers().getOrDefault("soapaction", List.of());
        List<String> contentTypes = message.headers().getOrDefault("content-type", List.of());
        if (headers.size() > 1 || contentTypes.size() > 1) {
            throw actionAmbiguous();
        }
        String header = headers.isEmpty() ? null : unquote(headers.get(0).strip());
        if (header != null && header.isEmpty()) {
            header = null; // SOAPAction: "" says "no action" (SAAJ sends it beside an action parameter)
        }
        // Counted by search, spaces allowed around "=": a service that finds "action" by searching
        // would read xaction= too, and Jakarta Mail's parser reads action = "x".
        String contentType = contentTypes.isEmpty() ? "" : contentTypes.get(0);
        java.util.regex.Matcher named = ACTION_PARAMETER.matcher(contentType);
        String parameter = null;
        int count = 0;
        while (named.find()) {
            count++;
            if (named.group(1) != null) {
                parameter = unquote(named.group(2).strip());
            }
        }
        if (count > 1 || (count == 1 && parameter == null)) {
            throw actionAmbiguous();
        }
        // Both named and different: one service reads the header, another the parameter.
        if (header != null && parameter != null && !header.equals(parameter)) {
            throw actionAmbiguous();
        }
        return version == SoapVersion.SOAP_1_1 ? (header != null ? header : parameter) : (parameter != null ? parameter : header);
    }

    private static RequestRejectedException actionAmbiguous() {
        return new RequestRejectedException(400, ACTION_AMBIGUOUS, "Name the SOAP action once.");
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    /** Text of leaf elements and attribute values, by path from the operation element (itself {@code /}). */
    private static Map<String, Object> values(Element operation) {
        Map<String, Object> values = new LinkedHashMap<>();
        walk(operation, "", (path, node) -> values.put(path,
                node instanceof Attr attribute ? attribute.getValue() : node.getTextContent().strip()));
        return values;
    }

    /**
     * Visits every attribute and leaf element under the operation element with its path: the one
     * addressing of SOAP body values, for reading them ({@link #values}) and for masking them.
     */
    private static void walk(Element element, String path, java.util.function.BiConsumer<String, Node> visit) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(attribute.getNamespaceURI())) {
                visit.accept(path + "/@" + attribute.getLocalName(), attribute);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                counts.merge(e.getLocalName(), 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            visit.accept(path.isEmpty() ? "/" : path, element);
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                String name = e.getLocalName();
                int index = seen.merge(name, 1, Integer::sum);
                walk(e, path + "/" + name + (counts.get(name) > 1 ? "[" + index + "]" : ""), visit);
            }
        }
    }

    /** Masks the sensitive data at the masked paths of the response, in place. */
    private static void mask(SoapEnvelope envelope, List<Obligation> obligations) {
        Map<String, List<io.portcullis.engine.dlp.SensitiveData.Kind>> masks = new HashMap<>();
        for (Obligation obligation : obligations) {
            if (obligation instanceof Obligation.MaskValue mask) {
                masks.computeIfAbsent(mask.pointer(), p -> new java.util.ArrayList<>()).add(mask.kind());
            }
        }
        walk(envelope.operationElement(), "", (path, node) -> {
            List<io.portcullis.engine.dlp.SensitiveData.Kind> kinds = masks.get(path);
            if (kinds != null) {
                String value = node instanceof Attr attribute ? attribute.getValue() : node.getTextContent();
                for (io.portcullis.engine.dlp.SensitiveData.Kind kind : kinds) {
                    value = io.portcullis.engine.dlp.SensitiveData.mask(kind, value);
                }
                if (node instanceof Attr attribute) {
                    attribute.setValue(value);
                } else {
                    node.setTextContent(value);
                }
            }
        });
    }
}
