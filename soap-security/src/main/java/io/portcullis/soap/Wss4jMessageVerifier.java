package io.portcullis.soap;

import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.PasswordVerifier;
import io.portcullis.engine.authn.basic.LoginThrottle;
import io.portcullis.engine.model.AuthMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.apache.wss4j.common.util.UsernameTokenUtil;
import io.portcullis.engine.replay.ReplayGuard;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.security.auth.callback.CallbackHandler;
import org.apache.wss4j.common.bsp.BSPRule;
import org.apache.wss4j.common.cache.ReplayCache;
import org.apache.wss4j.common.crypto.AlgorithmSuite;
import org.apache.wss4j.common.crypto.Crypto;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.token.Timestamp;
import org.apache.wss4j.dom.message.token.UsernameToken;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.SignatureTrustValidator;
import org.apache.wss4j.dom.validate.UsernameTokenValidator;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.signature.XMLSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Verifies and decrypts a request's WS-Security header with WSS4J (DOM), then checks the route's
 * {@link WsSecurityPolicy} against what was actually verified.
 *
 * <p>WSS4J on its own verifies whatever a signature references, wherever it sits; it accepts a
 * message whose signed Body was moved into a header and replaced by a forged one (XML signature
 * wrapping). So coverage is decided here by node identity: a part counts as signed only if the
 * verified reference's element <em>is</em> the envelope's Body (or its Timestamp, or its
 * UsernameToken). A signed element that looks like a Body but is not the Body is refused outright.
 *
 * <p>Hardening on top of WSS4J's defaults: an algorithm allowlist (RSA and ECDSA with SHA-2,
 * exclusive or inclusive C14N, AES-GCM, RSA-OAEP; RSA keys of 2048 bits at least), no RSA v1.5 key
 * transport, Timestamps must carry {@code Expires}, signatures must come with an X.509 certificate
 * that chains to the truststore, and replays are refused through a {@link ReplayGuard} shared by
 * signatures and UsernameToken nonces. UsernameToken passwords are checked by the gateway's
 * {@link PasswordVerifier} (same users, hashes and lockouts as HTTP Basic); a wrong password is
 * not a fault here but a failed credential, which the rules refuse like any other. PasswordDigest
 * tokens are checked against {@link DigestUsers} when the route has them, and refused otherwise.
 *
 * <p>Refusals carry one of the {@code WSS_*} reason codes below; {@link SoapFaults} turns them into
 * the WS-Security fault codes with the specification's generic texts. Use one instance per route,
 * from any thread. The envelope's DOM is changed in place: encrypted parts are decrypted and the
 * processed Security header is removed, so what follows sees (and forwards) the plain message.
 */
public final class Wss4jMessageVerifier {

    /** The policy demands WS-Security and the message has no Security header, or has two. */
    public static final String INVALID_SECURITY = "WSS_INVALID_SECURITY";
    /** A signature or decryption did not verify (e.g. a tampered body). */
    public static final String FAILED_CHECK = "WSS_FAILED_CHECK";
    /** A token was not trusted: a certificate not issued by a trusted CA, revoked or expired. */
    public static final String FAILED_AUTHENTICATION = "WSS_FAILED_AUTHENTICATION";
    public static final String MESSAGE_EXPIRED = "WSS_MESSAGE_EXPIRED";
    public static final String REPLAYED = "WSS_REPLAYED";
    /** The replay guard could not tell (its shared store unreachable, or full): refused, 503. */
    public static final String REPLAY_CHECK_UNAVAILABLE = "WSS_REPLAY_CHECK_UNAVAILABLE";
    public static final String UNSUPPORTED_ALGORITHM = "WSS_UNSUPPORTED_ALGORITHM";
    public static final String UNSUPPORTED_TOKEN = "WSS_UNSUPPORTED_TOKEN";
    public static final String INVALID_TOKEN = "WSS_INVALID_TOKEN";
    public static final String TOKEN_UNAVAILABLE = "WSS_TOKEN_UNAVAILABLE";
    /** Verified, but not what the route's policy requires (a part unsigned or unencrypted, no Timestamp). */
    public static final String POLICY_NOT_MET = "WSS_POLICY_NOT_MET";
    /** A signed element that imitates the Body or another protected part: signature wrapping. */
    public static final String SIGNATURE_WRAPPING = "WSS_SIGNATURE_WRAPPING";
    /**
     * The message refers to a security context this gateway did not issue, or that expired or was
     * cancelled, or to an instance of one whose key it no longer holds (renewed, and rolled over).
     */
    public static final String CONTEXT_UNKNOWN = "WSS_CONTEXT_UNKNOWN";
    private static final String ONE_KEY_TEXT = "A message is made with one security context, and one key of it.";
    /** A renewal or cancellation made with a security context's key from before its last renewal, which carries calls alone. */
    public static final String CONTEXT_RENEWED = "WSS_CONTEXT_RENEWED";
    private static final String CONTEXT_UNKNOWN_TEXT = "The security context is not known or has expired; renew it or establish a new one.";
    /** The store of security contexts (the cluster's Redis) does not answer: refused, 503. */
    public static final String CONTEXTS_UNAVAILABLE = "WSS_CONTEXTS_UNAVAILABLE";

    /** Audit-only reasons of a refused digest UsernameToken (the client sees one 401 for all). */
    /** The UsernameToken names another caller than the certificate that signed the Body. */
    static final String IDENTITIES_DIFFER = "WSS_IDENTITIES_DIFFER";
    static final String DIGEST_USER_UNKNOWN = "WSS_DIGEST_USER_UNKNOWN";
    static final String DIGEST_PASSWORD_WRONG = "WSS_DIGEST_PASSWORD_WRONG";
    static final String DIGEST_LOCKED_OUT = "WSS_DIGEST_LOCKED_OUT";
    static final String DIGEST_TOO_MANY_ATTEMPTS = "WSS_DIGEST_TOO_MANY_ATTEMPTS";
    private static final String DIGEST_DECOY = "decoy-secret-for-unknown-users";

    private static final Logger LOG = LoggerFactory.getLogger(Wss4jMessageVerifier.class);

    static {
        WSSConfig.init();
    }

    private final WsSecurityPolicy policy;
    private final SignerTrust trust;
    private final Crypto decryption;
    private final CallbackHandler keyPasswords;
    private final ReplayGuard replayGuard;
    private final UsernameTokens usernameTokens;
    private final Function<X509Certificate, Authentication> signers;
    private final WSSConfig config;
    /** Some alternative takes a signature made with an encrypted key (asked once, not per message). */
    private final boolean encryptedKeySignatures;
    /** The contexts this route issued, whose keys sign messages when an alternative takes them; else null. */
    private final SecurityContexts contexts;
    /** How long a verified message is remembered against replays: as long as it would still be accepted. */
    private final Duration replayMemory;
    private final AlgorithmSuite algorithms;
    private final Set<String> algorithmsAllowed;
    private final List<BSPRule> ignoredBspRules;

    /**
     * @param trust           whose signatures are accepted
     * @param decryption      the gateway's private keys for decrypting; null: encrypted messages are refused
     * @param keyPasswords    answers WSS4J's password callbacks for those private keys
     * @param usernameTokens  checks UsernameToken passwords (text and digest)
     * @param signers         the principal a trusted signer certificate stands for
     */
    public Wss4jMessageVerifier(WsSecurityPolicy policy, SignerTrust trust, Crypto decryption, CallbackHandler keyPasswords,
                                ReplayGuard replayGuard, UsernameTokens usernameTokens,
                                Function<X509Certificate, Authentication> signers) {
        this(policy, trust, decryption, keyPasswords, replayGuard, usernameTokens, signers, null);
    }

    /**
     * @param contexts the WS-SecureConversation contexts the route issues, or null for none; required
     *                 when an alternative takes signatures with a security context
     */
    public Wss4jMessageVerifier(WsSecurityPolicy policy, SignerTrust trust, Crypto decryption, CallbackHandler keyPasswords,
                                ReplayGuard replayGuard, UsernameTokens usernameTokens,
                                Function<X509Certificate, Authentication> signers, SecurityContexts contexts) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.decryption = decryption;
        this.keyPasswords = keyPasswords;
        this.replayGuard = Objects.requireNonNull(replayGuard, "replayGuard");
        this.usernameTokens = Objects.requireNonNull(usernameTokens, "usernameTokens");
        this.signers = Objects.requireNonNull(signers, "signers");
        this.config = WSSConfig.getNewInstance();
        this.config.setValidator(WSConstants.USERNAME_TOKEN, new GatewayUsernameTokenValidator());
        this.config.setValidator(WSConstants.SIGNATURE, new TrustFailureRecordingValidator());
        // SAML is out of scope, and a holder-of-key assertion would let its key stand in for a
        // certificate from the truststore: no SAML processing, even if OpenSAML is on the class path.
        this.config.setProcessor(WSConstants.SAML_TOKEN, (org.apache.wss4j.dom.processor.Processor) null);
        this.config.setProcessor(WSConstants.SAML2_TOKEN, (org.apache.wss4j.dom.processor.Processor) null);
        // Derived keys wherever WSS4J meets them (decrypted header elements too), bounded before any derivation.
        this.encryptedKeySignatures = policy.accepts(WsSecurityPolicy.SignedWith.ENCRYPTED_KEY);
        boolean contextSignatures = policy.accepts(WsSecurityPolicy.SignedWith.SECURITY_CONTEXT);
        if (contextSignatures && contexts == null) {
            throw new IllegalArgumentException("signatures with a security context need the contexts the route issues");
        }
        this.contexts = contextSignatures ? contexts : null;
        if (contextSignatures) {
            // The token carried names the instance, and so the key, it was made with (WSS4J's callback hears the identifier alone).
            org.apache.wss4j.dom.validate.Validator contextTokens = (credential, data) -> {
                var token = credential.getSecurityContextToken();
                String instance = token.getInstance();
                credential.setSecretKey(contextKey(token.getIdentifier(), true, instance == null ? null : instance.strip(),
                        (Verification) data.getMsgContext()));
                return credential;
            };
            this.config.setValidator(WSConstants.SECURITY_CONTEXT_TOKEN_05_02, contextTokens);
            this.config.setValidator(WSConstants.SECURITY_CONTEXT_TOKEN_05_12, contextTokens);
        }
        org.apache.wss4j.dom.processor.Processor derivedKeys = new BoundedDerivedKeys(encryptedKeySignatures || contextSignatures);
        this.config.setProcessor(WSConstants.DERIVED_KEY_TOKEN_05_02, derivedKeys);
        this.config.setProcessor(WSConstants.DERIVED_KEY_TOKEN_05_12, derivedKeys);
        // Accepted until its Created is older than the TTL; a Created ahead of the clock stays acceptable the longer.
        this.replayMemory = policy.timestampTtl().plus(policy.futureTtl());
        this.algorithms = algorithmSuite(policy);
        this.algorithmsAllowed = allowed(algorithms);
        // WS-I BSP wants exclusive C14N only; inclusive C14N is allowed by the algorithm suite for
        // the clients that send it, and wrapping is caught by the identity checks, not by C14N.
        List<BSPRule> ignored = new ArrayList<>(policy.waivedBspRules());
        ignored.addAll(List.of(BSPRule.R5404, BSPRule.R5412));
        this.ignoredBspRules = List.copyOf(ignored);
    }

    /**
     * @param clientAddress the caller as counted ({@code Peer.countingKey()}: an IPv6 client by its network), for password lockouts
     * @throws RequestRejectedException 400, 401 or (replay memory or the security contexts unreachable) 503 with a
     *                                  {@code WSS_*} reason; the message is generic
     */
    public WsSecurityResult verify(SoapEnvelope envelope, String clientAddress) throws RequestRejectedException {
        List<Element> headers = securityHeaders(envelope);
        if (headers.isEmpty()) {
            if (policy.required()) {
                throw refused(400, INVALID_SECURITY, "This service requires a WS-Security header.");
            }
            return WsSecurityResult.NONE;
        }
        if (headers.size() > 1) {
            throw refused(400, INVALID_SECURITY, "The message has more than one WS-Security header for this service.");
        }
        requireFewTokens(headers.get(0));
        Verification verification = new Verification(clientAddress);
        if (contexts != null) {
            verification.instancesReferred = instancesReferred(headers.get(0));
        }
        WSHandlerResult handled;
        try {
            WSSecurityEngine engine = new WSSecurityEngine();
            engine.setWssConfig(config);
            handled = engine.processSecurityHeader(headers.get(0), requestData(verification));
        } catch (WSSecurityException e) {
            throw refusal(e, verification, envelope.document().getDocumentElement());
        } catch (RuntimeException e) {
            // WSS4J and Santuario throw unchecked exceptions on some malformed input.
            LOG.info("WS-Security header could not be processed: {}", e.toString());
            throw refused(400, INVALID_SECURITY, "The WS-Security header could not be processed.");
        }
        WsSecurityResult result = collect(envelope, handled, verification);
        SecureConversation.Kind tokenRequest = contexts == null ? null : SecureConversation.requestedKind(envelope.operationElement());
        if (verification.context != null && !contexts.inForce(verification.context) && !heldPastExpiryFor(tokenRequest, result)) {
            throw refused(401, CONTEXT_UNKNOWN, CONTEXT_UNKNOWN_TEXT);
        }
        if (tokenRequest != null && verification.contextKey != null && verification.contextKey.rolledOver()) {
            // An old key carries calls on while they arrive; renewing or cancelling is for the context's key now.
            throw refused(401, CONTEXT_RENEWED, "The security context has been renewed since; use its renewed key.");
        }
        String unmet = unmet(result, policy.alternativesFor(tokenRequest));
        if (unmet != null) {
            LOG.info("WS-Security policy not met: {}", unmet);
            throw refused(400, POLICY_NOT_MET, "The message is not secured as this service requires.");
        }
        rememberOnce(verification);
        Node header = headers.get(0);
        header.getParentNode().removeChild(header);
        return result;
    }

    /**
     * What an expired context, held for its renewal window, may still do: endorse its renewal (whose
     * Body the caller's own credentials sign), or sign its cancellation, which frees its place. Only a
     * cancellation is decided by the rules on the identity the context was issued with.
     */
    private static boolean heldPastExpiryFor(SecureConversation.Kind tokenRequest, WsSecurityResult result) {
        boolean bodySignedWithContext = WsSecurityPolicy.SignedWith.SECURITY_CONTEXT.factName().equals(result.signedWith());
        return (tokenRequest == SecureConversation.Kind.RENEW && !bodySignedWithContext)
                || (tokenRequest == SecureConversation.Kind.CANCEL && bodySignedWithContext);
    }

    /**
     * Only now, with everything verified, are the message's signature values and nonces
     * remembered: remembering them while WSS4J still checks (it asks before verifying a signature
     * or a password) would let anyone fill the guard with junk and lock every caller out. A
     * message whose UsernameToken password was wrong is refused anyway and not remembered.
     */
    private void rememberOnce(Verification verification) throws RequestRejectedException {
        if (verification.usernameCredential != null && !verification.usernameCredential.failure().isEmpty()) {
            return;
        }
        for (String identifier : verification.identifiers) {
            switch (replayGuard.check(identifier, replayMemory)) {
                case FIRST_SEEN -> {
                }
                case REPLAYED -> throw refused(400, REPLAYED, "The message was already received.");
                default -> throw refused(503, REPLAY_CHECK_UNAVAILABLE, "The message cannot be checked right now.");
            }
        }
    }

    /** How many of each token a Security header may hold; each one costs WSS4J work (an RSA operation, a hash). */
    // A symmetric binding (WCF's UserNameForCertificate) sends two derived keys and the UsernameToken
    // and the signature encrypted in the header; each costs a hash or an AES block, not an RSA operation.
    private static final Map<String, Integer> MAX_TOKENS = Map.ofEntries(Map.entry("Timestamp", 1),
            Map.entry("UsernameToken", 1), Map.entry("Signature", 2), Map.entry("EncryptedKey", 1),
            Map.entry("BinarySecurityToken", 2), Map.entry("ReferenceList", 1), Map.entry("SignatureConfirmation", 2),
            Map.entry("SecurityTokenReference", 2), Map.entry("EncryptedData", 3), Map.entry("DerivedKeyToken", 4),
            Map.entry("SecurityContextToken", 1));
    private static final int MAX_HEADER_CHILDREN = 12;

    /**
     * Refuses headers stuffed with tokens before WSS4J spends anything on them: it would decrypt every
     * EncryptedKey with the gateway's private key, and check every UsernameToken's password.
     */
    private static void requireFewTokens(Element securityHeader) throws RequestRejectedException {
        Map<String, Integer> counts = new java.util.HashMap<>();
        int children = 0;
        for (Node child = securityHeader.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element) {
                children++;
                int count = counts.merge(element.getLocalName(), 1, Integer::sum);
                if (children > MAX_HEADER_CHILDREN || count > MAX_TOKENS.getOrDefault(element.getLocalName(), 1)) {
                    throw refused(400, INVALID_SECURITY, "The WS-Security header holds more tokens than this service accepts.");
                }
            }
        }
    }

    private String unmet(WsSecurityResult result, List<WsSecurityPolicy.Alternative> alternatives) {
        if (!policy.required()) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        for (WsSecurityPolicy.Alternative alternative : alternatives) {
            String gap = alternative.unmet(result);
            if (gap == null) {
                return null;
            }
            missing.add(gap);
        }
        return "missing " + String.join(" / ", missing);
    }

    private RequestData requestData(Verification verification) {
        RequestData data = new RequestData();
        data.setWssConfig(config);
        data.setMsgContext(verification);
        data.setActor(null);
        data.setSigVerCrypto(trust.truststore());
        data.setSubjectCertConstraints(trust.subjectPatterns());
        data.setDecCrypto(decryption);
        data.setCallbackHandler(callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof org.apache.wss4j.common.ext.WSPasswordCallback asked
                        && asked.getUsage() == org.apache.wss4j.common.ext.WSPasswordCallback.DECRYPT
                        && ++verification.privateKeyUses > 1) {
                    // One EncryptedKey per message, wherever it hides (in a KeyInfo, inside encrypted content):
                    // each costs an RSA private-key operation before anything is authenticated.
                    throw new java.io.IOException("more than one key encrypted to the gateway");
                }
                if (callback instanceof org.apache.wss4j.common.ext.WSPasswordCallback asked
                        && (asked.getUsage() == org.apache.wss4j.common.ext.WSPasswordCallback.SECURITY_CONTEXT_TOKEN
                        || asked.getUsage() == org.apache.wss4j.common.ext.WSPasswordCallback.SECRET_KEY)) {
                    try {
                        String referred = verification.instancesReferred.get(asked.getIdentifier());
                        asked.setKey(contextKey(asked.getIdentifier(), referred != null, referred, verification));
                    } catch (WSSecurityException e) {
                        throw new java.io.IOException(e.getMessage());
                    }
                    return;
                }
            }
            if (keyPasswords != null) {
                keyPasswords.handle(callbacks);
            }
        });
        data.setEnableRevocation(trust.checkRevocation());
        data.setAlgorithmSuite(algorithms);
        data.setIgnoredBSPRules(ignoredBspRules);
        data.setAllowRSA15KeyTransportAlgorithm(false);
        data.setAllowUsernameTokenNoPassword(false);
        data.setHandleCustomPasswordTypes(false);
        data.setRequireTimestampExpires(true);
        data.setTimeStampStrict(true);
        data.setTimeStampTTL((int) policy.timestampTtl().toSeconds());
        data.setTimeStampFutureTTL((int) policy.futureTtl().toSeconds());
        data.setUtTTL((int) policy.timestampTtl().toSeconds());
        data.setUtFutureTTL((int) policy.futureTtl().toSeconds());
        // Signed messages are remembered by replayIdentifier, not by WSS4J's identifier (see there).
        data.setTimestampReplayCache(new CollectingReplayCache(verification, false));
        data.setNonceReplayCache(new CollectingReplayCache(verification, true));
        return data;
    }

    /**
     * The key of a security context, when WSS4J meets a SecurityContextToken or a reference to one:
     * only contexts this route issued and still holds, one per message, and of the instance the
     * token carried names (its key before the last renewal while that rolls over). A message that
     * carries no token names no instance: the context's key now; once a token has named one, every
     * reference in the message gets that instance's key. One past its expiry is taken only for its
     * renewal or cancellation, which {@link #verify} checks once the Body is readable.
     *
     * @param namesInstance whether a token carried names the instance: {@code instance}, null for
     *                      the context as first issued
     */
    private byte[] contextKey(String identifier, boolean namesInstance, String instance, Verification verification)
            throws WSSecurityException {
        if (contexts == null) {
            throw contextRefused("this route takes no security contexts");
        }
        if (verification.context != null && verification.context.identifier().equals(identifier)) {
            // Asked again for the same context (a second token, a second derived key): one lookup per message.
            if (namesInstance && !Objects.equals(instance, verification.contextKey.instance())) {
                verification.contextsConflict = true;
                throw contextRefused("two instances of a security context in a message");
            }
            return verification.contextKey.secret();
        }
        if (verification.context != null) {
            verification.contextsConflict = true;
            throw contextRefused("more than one security context in a message");
        }
        SecurityContexts.Context context;
        try {
            context = contexts.find(identifier).orElse(null);
        } catch (SecurityContexts.UnavailableException e) {
            verification.contextsUnavailable = true;
            throw contextRefused("the security contexts cannot be read now");
        }
        SecurityContexts.Key key = context == null ? null : namesInstance ? context.keyOf(instance, contexts.now()) : context.key();
        if (key == null) {
            // None held under that identifier, or the instance named was renewed away and its key has rolled over.
            verification.contextUnknown = true;
            throw contextRefused("no security context held under that identifier and instance");
        }
        verification.context = context;
        verification.contextKey = key;
        return key.secret();
    }

    /**
     * The instances that references to a context by its identifier name with an {@code Instance}
     * attribute (WS-SecureConversation's, as WCF writes it on a reference from outside), by
     * identifier: WSS4J's callback hears the identifier alone. Two instances of one context refused.
     */
    private static Map<String, String> instancesReferred(Element header) throws RequestRejectedException {
        Map<String, String> instances = Map.of();
        org.w3c.dom.NodeList references = header.getElementsByTagNameNS(WSConstants.WSSE_NS, "Reference");
        for (int i = 0; i < references.getLength(); i++) {
            Element reference = (Element) references.item(i);
            String uri = reference.getAttributeNS(null, "URI");
            for (SecureConversation.Version version : SecureConversation.Version.values()) {
                if (!uri.startsWith("#") && reference.hasAttributeNS(version.conversationNamespace(), "Instance")) {
                    if (instances.isEmpty()) {
                        instances = new HashMap<>(2);
                    }
                    String instance = reference.getAttributeNS(version.conversationNamespace(), "Instance").strip();
                    String earlier = instances.putIfAbsent(uri, instance);
                    if (earlier != null && !earlier.equals(instance)) {
                        throw refused(400, INVALID_SECURITY, ONE_KEY_TEXT);
                    }
                }
            }
        }
        return instances;
    }

    private static WSSecurityException contextRefused(String why) {
        return new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION, "empty",
                new Object[] {why});
    }

    private WsSecurityResult collect(SoapEnvelope envelope, WSHandlerResult handled, Verification verification)
            throws RequestRejectedException {
        Element body = envelope.body();
        Set<String> tokens = new HashSet<>();
        Set<String> algorithmsUsed = new HashSet<>();
        Element timestamp = null;
        String timestampCreated = "";
        Element usernameToken = null;
        String username = null;
        List<WSSecurityEngineResult> signatures = new ArrayList<>();
        List<WSSecurityEngineResult> derivedKeys = new ArrayList<>();
        WSSecurityEngineResult encryptedKey = null;
        List<WSDataRef> encryptedRefs = new ArrayList<>();
        String contextTokenId = null;
        for (WSSecurityEngineResult result : handled.getResults()) {
            int action = (Integer) result.get(WSSecurityEngineResult.TAG_ACTION);
            switch (action) {
                case WSConstants.TS -> {
                    Timestamp verified = (Timestamp) result.get(WSSecurityEngineResult.TAG_TIMESTAMP);
                    if (verified.getCreated() == null) {
                        // WSS4J checks freshness against Created only: without it, whatever Expires says would hold.
                        throw refused(400, MESSAGE_EXPIRED, "The message has no creation time.");
                    }
                    tokens.add(WsSecurityResult.TIMESTAMP);
                    timestamp = verified.getElement();
                    timestampCreated = verified.getCreatedString();
                }
                case WSConstants.UT -> {
                    if (usernameToken != null) {
                        // The one signed and the one that names the caller could be different tokens.
                        throw refused(400, INVALID_SECURITY, "The message has more than one UsernameToken.");
                    }
                    tokens.add(WsSecurityResult.USERNAME_TOKEN);
                    UsernameToken token = (UsernameToken) result.get(WSSecurityEngineResult.TAG_USERNAME_TOKEN);
                    usernameToken = token.getElement();
                    username = token.getName();
                }
                case WSConstants.SIGN -> {
                    signatures.add(result);
                    add(algorithmsUsed, (String) result.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD));
                    add(algorithmsUsed, (String) result.get(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD));
                }
                case WSConstants.ENCR -> {
                    add(algorithmsUsed, (String) result.get(WSSecurityEngineResult.TAG_ENCRYPTED_KEY_TRANSPORT_METHOD));
                    encryptedRefs.addAll(dataRefs(result));
                    if (result.get(WSSecurityEngineResult.TAG_ENCRYPTED_EPHEMERAL_KEY) != null) {
                        // An EncryptedKey (a ReferenceList of its own has no key): at most one, see MAX_TOKENS.
                        encryptedKey = result;
                        tokens.add(WsSecurityResult.ENCRYPTED_KEY);
                    }
                }
                case WSConstants.DKT -> {
                    derivedKeys.add(result);
                    tokens.add(WsSecurityResult.DERIVED_KEY);
                }
                case WSConstants.BST -> tokens.add(WsSecurityResult.X509);
                case WSConstants.SCT -> {
                    // Its secret came from contextKey: a context this route issued, and the message's only one.
                    var token = (org.apache.wss4j.dom.message.token.SecurityContextToken)
                            result.get(WSSecurityEngineResult.TAG_SECURITY_CONTEXT_TOKEN);
                    tokens.add(WsSecurityResult.SECURITY_CONTEXT_TOKEN);
                    contextTokenId = token.getID() == null || token.getID().isEmpty() ? null : token.getID();
                }
                case WSConstants.ST_SIGNED, WSConstants.ST_UNSIGNED ->
                        throw refused(400, UNSUPPORTED_TOKEN, "An unsupported token was provided.");
                default -> {
                    // Other results (signature confirmation, derived keys, ...) add no facts yet.
                }
            }
        }
        // The message's signer is whoever signed the real Body, and only that signature's parts
        // count as signed: a second signer cannot lend the Timestamp or UsernameToken coverage.
        Set<String> signed = new HashSet<>();
        X509Certificate signer = null;
        String signedWith = null;
        String bodySignatureMethod = null;
        int bodySignatureKeyBytes = 0;
        Element bodySignature = null;
        List<WSSecurityEngineResult> contextSignatures = new ArrayList<>(1);
        for (WSSecurityEngineResult signature : signatures) {
            X509Certificate certificate = (X509Certificate) signature.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE);
            String keyKind;
            if (certificate != null) {
                keyKind = WsSecurityPolicy.SignedWith.CERTIFICATE.factName();
                tokens.add(WsSecurityResult.X509);
            } else if (encryptedKeySignatures && signature.get(WSSecurityEngineResult.TAG_SECRET) instanceof byte[] secret
                    && madeWith(secret, encryptedKey, derivedKeys)) {
                keyKind = WsSecurityPolicy.SignedWith.ENCRYPTED_KEY.factName();
            } else if (verification.context != null && signature.get(WSSecurityEngineResult.TAG_SECRET) instanceof byte[] secret
                    && madeWith(secret, verification, contextTokenId, derivedKeys)) {
                keyKind = WsSecurityPolicy.SignedWith.SECURITY_CONTEXT.factName();
                contextSignatures.add(signature);
            } else {
                throw refused(400, UNSUPPORTED_TOKEN, "Signatures must identify an X.509 certificate"
                        + (encryptedKeySignatures ? " or a key encrypted to this service" : "")
                        + (contexts != null ? " or a security context this service issued" : "") + ".");
            }
            Set<String> parts = new HashSet<>();
            for (WSDataRef ref : dataRefs(signature)) {
                add(algorithmsUsed, ref.getDigestAlgorithm());
                if (ref.getTransformAlgorithms() != null) {
                    ref.getTransformAlgorithms().forEach(transform -> add(algorithmsUsed, transform));
                }
                String part = part(ref.getProtectedElement(), body, timestamp, usernameToken);
                if (part != null) {
                    parts.add(part);
                }
            }
            if (parts.contains(WsSecurityPolicy.Part.BODY.factName()) || parts.contains(WsSecurityPolicy.Part.TIMESTAMP.factName())) {
                verification.identifiers.add(replayIdentifier(signature, timestampCreated));
            }
            if (parts.contains(WsSecurityPolicy.Part.BODY.factName())) {
                if (signedWith != null) {
                    throw refused(400, INVALID_SECURITY, "The message's Body is signed more than once.");
                }
                signer = certificate;
                signedWith = keyKind;
                bodySignatureMethod = (String) signature.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD);
                bodySignatureKeyBytes = signature.get(WSSecurityEngineResult.TAG_SECRET) instanceof byte[] key ? key.length : 0;
                signed.addAll(parts);
                bodySignature = (Element) signature.get(WSSecurityEngineResult.TAG_TOKEN_ELEMENT);
            }
        }
        Set<String> encrypted = new HashSet<>();
        String bodyEncryption = null;
        for (WSDataRef ref : encryptedRefs) {
            add(algorithmsUsed, ref.getAlgorithm());
            Element decrypted = ref.getProtectedElement();
            String part = part(decrypted, body, timestamp, usernameToken);
            if (part == null && decrypted != null && decrypted == bodySignature) {
                part = WsSecurityPolicy.Part.SIGNATURE.factName();
            }
            if (part != null) {
                encrypted.add(part);
            }
            if (WsSecurityPolicy.Part.BODY.factName().equals(part)) {
                bodyEncryption = ref.getAlgorithm();
            }
        }
        WsSecurityResult.RequestKey requestKey = null;
        Authentication credential = credential(verification.usernameCredential, signer);
        if (WsSecurityPolicy.SignedWith.ENCRYPTED_KEY.factName().equals(signedWith)) {
            requestKey = WsSecurityResult.RequestKey.encryptedKey((byte[]) encryptedKey.get(WSSecurityEngineResult.TAG_SECRET),
                    encryptedKeySha1(encryptedKey), !derivedKeys.isEmpty(), bodySignatureMethod, bodySignatureKeyBytes);
        } else if (WsSecurityPolicy.SignedWith.SECURITY_CONTEXT.factName().equals(signedWith)) {
            SecurityContexts.Context context = verification.context;
            if (verification.usernameCredential != null) {
                // The context already names the caller; a password as well could name someone else.
                throw refused(400, INVALID_SECURITY, "A message signed with a security context carries no UsernameToken.");
            }
            // The answer is protected with the key the message used, which the caller knows it by (rolled over or not).
            requestKey = new WsSecurityResult.RequestKey(verification.contextKey.secret(), context.identifier(), context.version(),
                    verification.contextKey.instance(), true, bodySignatureMethod, bodySignatureKeyBytes);
            // The caller as proved when that key was issued: a renewal lends the old key nothing it proved since.
            credential = Authentication.of(verification.contextKey.principal());
        }
        // An old key proves nothing a renewal or cancellation asks for: only the context's key now does.
        boolean provesContext = verification.contextKey != null && !verification.contextKey.rolledOver()
                && provesContext(signedWith, contextSignatures, bodySignature);
        return new WsSecurityResult(signed, encrypted, tokens, signer, username, algorithmsUsed, bodyEncryption,
                credential, signedWith, requestKey, provesContext ? new WsSecurityResult.ContextProof(verification.context, contextTokenId) : null);
    }

    /**
     * Whether the message proves it holds its security context: its Body is signed with the context,
     * or the signature over its Body is itself signed with it (endorsed, as WCF and Metro renew). A
     * context signature over anything else (a Timestamp alone) binds the context to nothing the
     * caller's own signature vouches for.
     */
    private static boolean provesContext(String signedWith, List<WSSecurityEngineResult> contextSignatures, Element bodySignature) {
        if (WsSecurityPolicy.SignedWith.SECURITY_CONTEXT.factName().equals(signedWith)) {
            return true;
        }
        for (WSSecurityEngineResult signature : contextSignatures) {
            for (WSDataRef ref : dataRefs(signature)) {
                if (bodySignature != null && ref.getProtectedElement() == bodySignature) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a signature that names no certificate was made with the message's EncryptedKey
     * (decrypted with the gateway's private key, so made for it) or a key derived from that one. A
     * derived key counts only when its reference points at that EncryptedKey, by Id or by
     * EncryptedKeySHA1 (WSS4J would also derive from a security context or a UsernameToken).
     */
    private static boolean madeWith(byte[] signingKey, WSSecurityEngineResult encryptedKey, List<WSSecurityEngineResult> derivedKeys) {
        if (encryptedKey == null) {
            return false;
        }
        String id = (String) encryptedKey.get(WSSecurityEngineResult.TAG_ID);
        String sha1 = encryptedKeySha1(encryptedKey);
        return madeWith(signingKey, (byte[]) encryptedKey.get(WSSecurityEngineResult.TAG_SECRET), derivedKeys,
                reference -> (reference.getReference() != null && id != null && !id.isEmpty()
                        && ("#" + id).equals(reference.getReference().getURI()))
                        || (reference.containsKeyIdentifier() && ENCRYPTED_KEY_SHA1.equals(reference.getKeyIdentifierValueType())
                        && sha1.equals(reference.getKeyIdentifierValue())));
    }

    /**
     * What a signed message is remembered by against replays, instead of WSS4J's identifier: the
     * digests of what a signature over the Body or Timestamp covers, and the Timestamp's Created.
     * WSS4J's identifier hashes the signature value
     * and the key, and neither is fixed for one message: an ECDSA signature has a second valid form,
     * and an HMAC key one byte longer, zero-padded, gives the same HMAC (a derived key's Length is not
     * signed). The digests are of what was signed, so a replay in any such form is the same message.
     */
    private static String replayIdentifier(WSSecurityEngineResult signature, String created) {
        java.io.ByteArrayOutputStream signed = new java.io.ByteArrayOutputStream(128);
        signed.writeBytes(created.getBytes(StandardCharsets.UTF_8));
        for (WSDataRef ref : dataRefs(signature)) {
            signed.write(0);
            if (ref.getDigestValue() != null) {
                signed.writeBytes(ref.getDigestValue());
            }
        }
        return "signed:" + io.portcullis.engine.Sha256.hex(signed.toByteArray());
    }


    /**
     * WSS4J's derived keys, bounded: its derivation allocates and hashes Offset plus Length bytes as
     * the message says, before anything is authenticated. A key is at most 64 bytes (HMAC-SHA512,
     * AES-256 need 32), taken from the first 1 KiB of the derivation; none at all where no
     * alternative takes a signature with an encrypted key or a security context.
     */
    private record BoundedDerivedKeys(boolean accepted) implements org.apache.wss4j.dom.processor.Processor {
        private static final int MAX_LENGTH = 64;
        private static final int MAX_OFFSET = 1024;

        @Override
        public List<WSSecurityEngineResult> handleToken(Element token, RequestData data) throws WSSecurityException {
            if (!accepted) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.UNSUPPORTED_SECURITY_TOKEN);
            }
            long length = number(token, "Length", 32);
            long offset = number(token, "Offset", 0);
            long generation = number(token, "Generation", 0);
            if (length < 1 || length > MAX_LENGTH || offset < 0 || generation < 0
                    || offset + generation * length > MAX_OFFSET) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.INVALID_SECURITY_TOKEN);
            }
            return new org.apache.wss4j.dom.processor.DerivedKeyTokenProcessor().handleToken(token, data);
        }

        private static long number(Element token, String name, long absent) throws WSSecurityException {
            for (Node child = token.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element && name.equals(element.getLocalName())) {
                    try {
                        return Long.parseLong(element.getTextContent().strip());
                    } catch (NumberFormatException e) {
                        throw new WSSecurityException(WSSecurityException.ErrorCode.INVALID_SECURITY_TOKEN);
                    }
                }
            }
            return absent;
        }
    }

    /**
     * Whether a signature that names no certificate was made with the message's security context
     * (the one {@link #contextKey} handed out) or a key derived from it, referred to by the
     * context's identifier or by the Id of the SecurityContextToken the message carries.
     */
    private static boolean madeWith(byte[] signingKey, Verification verification, String contextTokenId,
                                    List<WSSecurityEngineResult> derivedKeys) {
        SecurityContexts.Context context = verification.context;
        return madeWith(signingKey, verification.contextKey.secret(), derivedKeys, reference -> {
            String uri = reference.getReference() == null ? null : reference.getReference().getURI();
            return uri != null && (uri.equals(context.identifier()) || (contextTokenId != null && uri.equals("#" + contextTokenId)));
        });
    }

    /** Whether a derived key's reference names its base (WSS4J's reference getters throw). */
    private interface BaseReference {
        boolean names(org.apache.wss4j.common.token.SecurityTokenReference reference) throws WSSecurityException;
    }

    /**
     * Whether {@code signingKey} is {@code base} itself, or a key derived from it by a derived key
     * whose reference {@code refersToBase}. WSS4J keeps a derived key's base, not the key, so it is
     * derived again here, at the signature's length.
     */
    private static boolean madeWith(byte[] signingKey, byte[] base, List<WSSecurityEngineResult> derivedKeys,
                                    BaseReference refersToBase) {
        if (MessageDigest.isEqual(base, signingKey)) {
            return true;
        }
        for (WSSecurityEngineResult derived : derivedKeys) {
            var token = (org.apache.wss4j.dom.message.token.DerivedKeyToken) derived.get(WSSecurityEngineResult.TAG_DERIVED_KEY_TOKEN);
            try {
                int length = token.getLength() > 0 ? token.getLength() : signingKey.length;
                if (refersToBase.names(token.getSecurityTokenReference())
                        && MessageDigest.isEqual(token.deriveKey(length, base), signingKey)) {
                    return true;
                }
            } catch (WSSecurityException e) {
                // not derivable from this base: not one of its keys
            }
        }
        return false;
    }

    static final String ENCRYPTED_KEY_SHA1 = WSConstants.SOAPMESSAGE_NS11 + "#" + WSConstants.ENC_KEY_SHA1_URI;

    /**
     * How WS-Security 1.1 refers to an EncryptedKey from elsewhere: the SHA-1 of its encrypted bytes,
     * base64. Not WSS4J's KeyUtils.generateDigest: it is synchronized, one lock for every message.
     */
    private static String encryptedKeySha1(WSSecurityEngineResult encryptedKey) {
        try {
            return java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((byte[]) encryptedKey.get(WSSecurityEngineResult.TAG_ENCRYPTED_EPHEMERAL_KEY)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    /**
     * Who the message proves it is from. A UsernameToken and the Body's signer must be the same
     * caller: a message signed by one party and carrying another's password is refused rather than
     * attributed to either (the signer vouches for the content, the password for the caller).
     */
    private Authentication credential(Authentication username, X509Certificate signer) {
        Authentication bySignature = signer == null ? Authentication.NOT_PRESENTED : signers.apply(signer);
        if (username == null) {
            return bySignature;
        }
        if (signer != null && username.principal().authenticated() && bySignature.principal().authenticated()
                && !username.principal().subject().equals(bySignature.principal().subject())) {
            return Authentication.failed(IDENTITIES_DIFFER).claiming(username.principal().subject());
        }
        return username;
    }

    /**
     * Which protected part {@code element} is, by identity. A signed or encrypted element in the
     * SOAP namespace named Body (or a Timestamp or UsernameToken) that is not the real one is a
     * wrapping attempt and refused.
     */
    private static String part(Element element, Element body, Element timestamp, Element usernameToken)
            throws RequestRejectedException {
        if (element == null) {
            return null;
        }
        if (element == body) {
            return WsSecurityPolicy.Part.BODY.factName();
        }
        if (element == timestamp) {
            return WsSecurityPolicy.Part.TIMESTAMP.factName();
        }
        if (element == usernameToken) {
            return WsSecurityPolicy.Part.USERNAME_TOKEN.factName();
        }
        String name = element.getLocalName();
        if (("Body".equals(name) && SoapVersion.forNamespace(element.getNamespaceURI()).isPresent())
                || (WSConstants.TIMESTAMP_TOKEN_LN.equals(name) && WSConstants.WSU_NS.equals(element.getNamespaceURI()))
                || (WSConstants.USERNAME_TOKEN_LN.equals(name) && WSConstants.WSSE_NS.equals(element.getNamespaceURI()))) {
            throw refused(400, SIGNATURE_WRAPPING, "The message is not secured as this service requires.");
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static List<WSDataRef> dataRefs(WSSecurityEngineResult result) {
        List<WSDataRef> refs = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
        return refs == null ? List.of() : refs;
    }

    private static void add(Set<String> set, String value) {
        if (value != null && !value.isEmpty()) {
            set.add(value);
        }
    }

    /**
     * The message's security headers, all of which must be for this receiver: no actor (SOAP 1.1) or
     * role (SOAP 1.2), or the ultimate receiver's. One for another actor (SOAP 1.1's "next" names
     * every node, this one too) would reach the upstream unchecked, and a service that reads it would
     * take tokens, a UsernameToken or a SAML assertion, that the gateway never verified.
     */
    private static List<Element> securityHeaders(SoapEnvelope envelope) throws RequestRejectedException {
        List<Element> found = new ArrayList<>();
        Element header = envelope.header();
        if (header == null) {
            return found;
        }
        for (Node child = header.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && WSConstants.WSSE_LN.equals(element.getLocalName())
                    && (WSConstants.WSSE_NS.equals(element.getNamespaceURI()) || WSConstants.WSSE11_NS.equals(element.getNamespaceURI()))) {
                if (!forUltimateReceiver(element, envelope.version())) {
                    throw refused(400, INVALID_SECURITY,
                            "The message has a WS-Security header for another SOAP actor or role; send security for this service only.");
                }
                found.add(element);
            }
        }
        return found;
    }

    private static boolean forUltimateReceiver(Element header, SoapVersion version) {
        String target = version == SoapVersion.SOAP_1_1
                ? header.getAttributeNS(version.namespace(), "actor")
                : header.getAttributeNS(version.namespace(), "role");
        return target.isEmpty() || (version == SoapVersion.SOAP_1_2
                && "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver".equals(target));
    }

    private RequestRejectedException refusal(WSSecurityException e, Verification verification, Element envelope) {
        LOG.info("WS-Security verification failed: {}: {}", e.getErrorCode(), e.getMessage());
        if (verification.untrusted) {
            return refused(401, FAILED_AUTHENTICATION, "The security token could not be authenticated.");
        }
        if (verification.contextsUnavailable) {
            return refused(503, CONTEXTS_UNAVAILABLE, "The message cannot be checked right now.");
        }
        if (verification.contextUnknown) {
            return refused(401, CONTEXT_UNKNOWN, CONTEXT_UNKNOWN_TEXT);
        }
        if (verification.contextsConflict) {
            return refused(400, INVALID_SECURITY, ONE_KEY_TEXT);
        }
        if (usesAlgorithmOutsideSuite(envelope)) {
            return refused(400, UNSUPPORTED_ALGORITHM, "An unsupported signature or encryption algorithm was used.");
        }
        return switch (e.getErrorCode()) {
            case FAILED_AUTHENTICATION -> refused(401, FAILED_AUTHENTICATION, "The security token could not be authenticated.");
            case FAILED_CHECK -> refused(400, FAILED_CHECK, "The signature or decryption was invalid.");
            case MESSAGE_EXPIRED -> refused(400, MESSAGE_EXPIRED, "The message has expired.");
            case UNSUPPORTED_ALGORITHM -> refused(400, UNSUPPORTED_ALGORITHM, "An unsupported signature or encryption algorithm was used.");
            case UNSUPPORTED_SECURITY_TOKEN -> refused(400, UNSUPPORTED_TOKEN, "An unsupported token was provided.");
            case INVALID_SECURITY_TOKEN -> refused(400, INVALID_TOKEN, "An invalid security token was provided.");
            case SECURITY_TOKEN_UNAVAILABLE -> refused(401, TOKEN_UNAVAILABLE, "Referenced security token could not be retrieved.");
            default -> refused(400, INVALID_SECURITY, "An error was discovered processing the WS-Security header.");
        };
    }

    /**
     * WSS4J reports an algorithm outside the suite as a generic INVALID_SECURITY; the message (its
     * header, or EncryptedData in the Body) tells which it was. Only looked at on the failure path.
     */
    private boolean usesAlgorithmOutsideSuite(Element envelope) {
        List<Element> pending = new ArrayList<>(List.of(envelope));
        while (!pending.isEmpty()) {
            Element element = pending.remove(pending.size() - 1);
            String algorithm = element.getAttributeNS(null, "Algorithm");
            if (!algorithm.isEmpty() && !algorithmsAllowed.contains(algorithm)) {
                return true;
            }
            for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element childElement) {
                    pending.add(childElement);
                }
            }
        }
        return false;
    }

    private static RequestRejectedException refused(int status, String reason, String message) {
        return new RequestRejectedException(status, reason, message);
    }

    private static Set<String> allowed(AlgorithmSuite suite) {
        Set<String> allowed = new HashSet<>();
        allowed.addAll(suite.getSignatureMethods());
        allowed.addAll(suite.getDigestAlgorithms());
        allowed.addAll(suite.getC14nAlgorithms());
        allowed.addAll(suite.getTransformAlgorithms());
        allowed.addAll(suite.getEncryptionMethods());
        allowed.addAll(suite.getKeyWrapAlgorithms());
        allowed.add(WSConstants.SHA1); // the digest inside RSA-OAEP key transport
        return Set.copyOf(allowed);
    }

    private static AlgorithmSuite algorithmSuite(WsSecurityPolicy policy) {
        AlgorithmSuite suite = new AlgorithmSuite();
        for (String method : List.of(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA384,
                XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA512, XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA384, XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA512)) {
            suite.addSignatureMethod(method);
        }
        for (String digest : List.of(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA384,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA512)) {
            suite.addDigestAlgorithm(digest);
        }
        if (policy.allowSha1()) {
            suite.addSignatureMethod(WSConstants.RSA_SHA1);
            suite.addDigestAlgorithm(WSConstants.SHA1);
        }
        for (String c14n : List.of(WSConstants.C14N_EXCL_OMIT_COMMENTS, WSConstants.C14N_OMIT_COMMENTS)) {
            suite.addC14nAlgorithm(c14n);
            suite.addTransformAlgorithm(c14n);
        }
        suite.addTransformAlgorithm(WSConstants.SWA_ATTACHMENT_CONTENT_SIG_TRANS);
        suite.addTransformAlgorithm(WSConstants.SWA_ATTACHMENT_COMPLETE_SIG_TRANS);
        suite.addTransformAlgorithm("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform");
        // node-soap's WSSecurityCert adds it to every reference; on a Body or Timestamp it removes nothing.
        suite.addTransformAlgorithm("http://www.w3.org/2000/09/xmldsig#enveloped-signature");
        for (String encryption : List.of(WSConstants.AES_128_GCM, WSConstants.AES_192_GCM, WSConstants.AES_256_GCM)) {
            suite.addEncryptionMethod(encryption);
        }
        if (policy.allowCbc()) {
            for (String encryption : List.of(WSConstants.AES_128, WSConstants.AES_192, WSConstants.AES_256)) {
                suite.addEncryptionMethod(encryption);
            }
        }
        if (policy.accepts(WsSecurityPolicy.SignedWith.ENCRYPTED_KEY) || policy.accepts(WsSecurityPolicy.SignedWith.SECURITY_CONTEXT)) {
            // WS-SecurityPolicy's suites, Basic256Sha256 included, sign symmetrically with HMAC-SHA1, and so do
            // WCF and Metro. An HMAC does not rest on SHA-1's broken collision resistance (NIST SP 800-107
            // still approves HMAC-SHA1), unlike RSA-SHA1 and SHA-1 digests, which allowSha1 governs.
            for (String hmac : List.of(WSConstants.HMAC_SHA1, WSConstants.HMAC_SHA256, WSConstants.HMAC_SHA384,
                    WSConstants.HMAC_SHA512)) {
                suite.addSignatureMethod(hmac);
            }
            // WS-SecureConversation's key derivation (the only one it defines), in its two namespaces.
            suite.addDerivedKeyAlgorithm(org.apache.wss4j.common.derivedKey.ConversationConstants.DerivationAlgorithm.P_SHA_1);
            suite.addDerivedKeyAlgorithm(org.apache.wss4j.common.derivedKey.ConversationConstants.DerivationAlgorithm.P_SHA_1_2005_12);
        }
        suite.addKeyWrapAlgorithm(WSConstants.KEYTRANSPORT_RSAOAEP);
        suite.addKeyWrapAlgorithm(WSConstants.KEYTRANSPORT_RSAOAEP_XENC11);
        suite.setMinimumAsymmetricKeyLength(2048);
        suite.setMaximumAsymmetricKeyLength(8192);
        suite.setMinimumSymmetricKeyLength(128);
        return suite;
    }

    /** What one verification learns besides WSS4J's results. */
    private static final class Verification {
        final String clientAddress;
        Authentication usernameCredential;
        final List<String> identifiers = new ArrayList<>(2);
        boolean untrusted;
        int privateKeyUses;
        /** The security context whose key the message used, once WSS4J asked for it, and that key. */
        SecurityContexts.Context context;
        SecurityContexts.Key contextKey;
        /** The instances references from outside name, by the context's identifier. */
        Map<String, String> instancesReferred = Map.of();
        boolean contextUnknown;
        boolean contextsUnavailable;
        /** More than one context, or two instances of one, in a message. */
        boolean contextsConflict;

        Verification(String clientAddress) {
            this.clientAddress = clientAddress;
        }
    }

    /**
     * Collects the identifiers WSS4J would check (UsernameToken nonces; with {@code collect} false,
     * ignores them: signatures are remembered by {@link #replayIdentifier}) without answering from
     * memory: WSS4J asks before it has verified anything, so the check happens in
     * {@link #rememberOnce} once the message has passed.
     */
    private record CollectingReplayCache(Verification verification, boolean collect) implements ReplayCache {

        @Override
        public boolean contains(String identifier) {
            if (collect) {
                verification.identifiers.add(identifier);
            }
            return false;
        }

        @Override
        public void add(String identifier) {
        }

        @Override
        public void add(String identifier, Instant expiry) {
        }

        @Override
        public void close() {
        }
    }

    /**
     * WSS4J's trust check, plus the signer subject patterns checked here for every certificate:
     * WSS4J skips them for a certificate found directly in the truststore when revocation checks are
     * off. A failure is recorded, since WSS4J reports an untrusted signer as a generic FAILURE.
     */
    private final class TrustFailureRecordingValidator extends SignatureTrustValidator {

        @Override
        public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
            Verification verification = (Verification) data.getMsgContext();
            try {
                Credential trusted = super.validate(credential, data);
                X509Certificate[] chain = credential.getCertificates();
                if (chain != null && chain.length > 0 && !subjectAllowed(chain[0])) {
                    throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
                }
                return trusted;
            } catch (WSSecurityException e) {
                verification.untrusted = true;
                throw e;
            }
        }

        private boolean subjectAllowed(X509Certificate certificate) {
            String subject = certificate.getSubjectX500Principal().getName();
            return trust.subjectPatterns().stream().anyMatch(pattern -> pattern.matcher(subject).matches());
        }
    }

    /**
     * Checks UsernameToken passwords with the gateway's own users rather than WSS4J's callback:
     * PasswordText against the users file's hashes (as HTTP Basic), PasswordDigest against the
     * digest users' shared secrets. The outcome, good or bad, becomes the message's credential; a
     * wrong password is refused by the rules like a wrong Basic password, after the same lockouts.
     */
    private final class GatewayUsernameTokenValidator extends UsernameTokenValidator {

        @Override
        protected void verifyPlaintextPassword(UsernameToken token, RequestData data) throws WSSecurityException {
            Verification verification = (Verification) data.getMsgContext();
            PasswordVerifier passwords = usernameTokens.text();
            if (passwords == null) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.UNSUPPORTED_SECURITY_TOKEN);
            }
            char[] password = token.getPassword() == null ? new char[0] : token.getPassword().toCharArray();
            try {
                Authentication checked = passwords.verify(token.getName(), password, verification.clientAddress);
                // Same users, lockouts and outcomes as HTTP Basic, labelled for where the password came from.
                verification.usernameCredential = !checked.principal().authenticated()
                        ? new Authentication(checked.principal(), checked.failure().replaceFirst("^BASIC_", "WSS_USERNAME_"),
                                checked.boundCertificate(), false, checked.claimed())
                        : new Authentication(checked.principal().provedBy(AuthMethod.WS_SECURITY), "", "", false,
                                checked.claimed());
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        /**
         * PasswordDigest against the digest users' shared secrets, behind their own lockouts. An
         * unknown user costs the same digest as a known one; the comparison is constant-time.
         */
        @Override
        protected void verifyDigestPassword(UsernameToken token, RequestData data) throws WSSecurityException {
            Verification verification = (Verification) data.getMsgContext();
            if (usernameTokens.digestUsers() == null) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.UNSUPPORTED_SECURITY_TOKEN);
            }
            if (token.getNonce() == null || token.getCreated() == null || token.getPassword() == null) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.INVALID_SECURITY_TOKEN);
            }
            String username = token.getName();
            try (LoginThrottle.Attempt attempt = usernameTokens.digestThrottle().attempt(username, verification.clientAddress)) {
                if (!attempt.admitted()) {
                    verification.usernameCredential = Authentication.failed(
                            attempt.verdict() == LoginThrottle.Verdict.LOCKED_OUT ? DIGEST_LOCKED_OUT : DIGEST_TOO_MANY_ATTEMPTS)
                            .claiming(username);
                    return;
                }
                Optional<DigestUsers.User> user = usernameTokens.digestUsers().get().find(username);
                String expected = UsernameTokenUtil.doPasswordDigest(decodeNonce(token.getNonce()), token.getCreated(),
                        user.map(DigestUsers.User::secret).orElse(DIGEST_DECOY));
                boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                        token.getPassword().getBytes(StandardCharsets.UTF_8));
                if (user.isEmpty() || !matches) {
                    attempt.failed();
                    verification.usernameCredential = Authentication.failed(
                            user.isEmpty() ? DIGEST_USER_UNKNOWN : DIGEST_PASSWORD_WRONG).claiming(username);
                    return;
                }
                attempt.succeeded();
                verification.usernameCredential = Authentication.of(user.get().principal()).claiming(username);
            }
        }

        private static byte[] decodeNonce(String nonce) throws WSSecurityException {
            try {
                return java.util.Base64.getMimeDecoder().decode(nonce);
            } catch (IllegalArgumentException e) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.INVALID_SECURITY_TOKEN);
            }
        }
    }
}

