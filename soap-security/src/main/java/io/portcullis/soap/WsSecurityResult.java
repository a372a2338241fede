package io.portcullis.soap;

import io.portcullis.engine.authn.Authentication;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What WS-Security processing verified in a request, for the policy check and, as request
 * attributes, for rules: which parts were signed and encrypted (by identity with the envelope's
 * real Body, Timestamp and UsernameToken, never by name), which tokens were present, who signed,
 * and the algorithms used.
 *
 * @param encryptedParts Body, Timestamp, UsernameToken, and Signature when the Body's signature
 *                       arrived encrypted
 * @param signer         the certificate of the signature that covers the Body (or the only signature), or null
 * @param bodyEncryption the algorithm the Body was encrypted with, or null: an encrypted response
 *                       uses it too, so a client that cannot read AES-GCM (WCF, Metro) can read its answer
 * @param credential     who the message says is calling (UsernameToken user, else the signer), for authentication
 * @param signedWith     the key of the signature over the Body: {@code certificate}, {@code encrypted-key},
 *                       {@code security-context}, or null
 * @param requestKey     the key the caller encrypted to the gateway and signed the Body with, or null: the
 *                       answer is protected with it (a symmetric binding's caller has no certificate to encrypt for)
 * @param contextProof   the security context the message proved it holds, or null: what a renewal and a
 *                       cancellation must show
 */
public record WsSecurityResult(Set<String> signedParts, Set<String> encryptedParts, Set<String> tokens,
                               X509Certificate signer, String username, Set<String> algorithms,
                               String bodyEncryption, Authentication credential, String signedWith, RequestKey requestKey,
                               ContextProof contextProof) {

    /**
     * A security context the message proved it holds: it carries a signature made with the context's
     * key or one derived from it (over the Body for a call in the context, over the message's own
     * signature for a renewal). Never a fact rules read.
     *
     * @param tokenId the wsu:Id of the SecurityContextToken the message carried, or null
     */
    public record ContextProof(SecurityContexts.Context context, String tokenId) {

        /** Whether {@code target} (a reference's URI) names this context: its identifier, or the Id of the token carried. */
        public boolean names(String target) {
            return context.identifier().equals(target) || (tokenId != null && target.equals("#" + tokenId));
        }

        @Override
        public String toString() {
            return "ContextProof[" + context.identifier() + "]";
        }
    }

    /**
     * The caller's key, for protecting the answer: never a fact rules read (its text hides the key).
     *
     * @param secret           the key: as the caller encrypted it to the gateway, or a security context's
     * @param reference        how an answer refers to it: the EncryptedKeySHA1 (SHA-1 of the encrypted
     *                         key, base64), or the security context's identifier
     * @param contextVersion   the WS-SecureConversation version of the context when the key is a context's, else null
     * @param contextInstance  the context's instance the key is of (null: as first issued): an answer's reference
     *                         names it, as WCF resolves a context by identifier and instance
     * @param derivedKeys      whether the answer derives its keys from it (as the caller did; always for a context)
     * @param signatureAlgorithm the HMAC the caller signed with (the answer is signed with it too)
     * @param signatureKeyBytes  the length of the key the caller signed with (an answer's derived signing
     *                           key is as long: WS-SecurityPolicy's suites fix it, 192 bits for Basic256,
     *                           and CXF checks it)
     */
    public record RequestKey(byte[] secret, String reference, SecureConversation.Version contextVersion, String contextInstance,
                             boolean derivedKeys, String signatureAlgorithm, int signatureKeyBytes) {

        public static RequestKey encryptedKey(byte[] secret, String sha1, boolean derivedKeys, String signatureAlgorithm,
                                              int signatureKeyBytes) {
            return new RequestKey(secret, sha1, null, null, derivedKeys, signatureAlgorithm, signatureKeyBytes);
        }

        public boolean securityContext() {
            return contextVersion != null;
        }

        @Override
        public String toString() {
            return "RequestKey[" + reference + (derivedKeys ? ", derived keys" : "") + "]";
        }
    }

    public static final String TIMESTAMP = "Timestamp";
    public static final String USERNAME_TOKEN = "UsernameToken";
    public static final String X509 = "X509";

    /** Request attributes rules can match on. */
    public static final String SIGNED_PARTS = "wss.signedParts";
    public static final String ENCRYPTED_PARTS = "wss.encryptedParts";
    public static final String TOKENS = "wss.tokens";
    public static final String SIGNER = "wss.signer";
    public static final String SIGNER_ISSUER = "wss.signerIssuer";
    /** The signer's {@link X509Certificate} itself (responses can be encrypted for it). */
    public static final String SIGNER_CERTIFICATE = "wss.signerCertificate";
    public static final String USERNAME = "wss.username";
    public static final String ALGORITHMS = "wss.algorithms";
    public static final String BODY_ENCRYPTION = "wss.bodyEncryption";
    public static final String SIGNED_WITH = "wss.signedWith";
    /** The {@link RequestKey} (responses are protected with it). */
    public static final String REQUEST_KEY = "wss.requestKey";
    /** The {@link ContextProof}, for renewing and cancelling a context; internal like the request key. */
    public static final String CONTEXT_PROOF = "wss.contextProof";
    public static final String ENCRYPTED_KEY = "EncryptedKey";
    public static final String DERIVED_KEY = "DerivedKey";
    public static final String SECURITY_CONTEXT_TOKEN = "SecurityContextToken";

    /** No Security header in the message. */
    public static final WsSecurityResult NONE = new WsSecurityResult(Set.of(), Set.of(), Set.of(), null, null, Set.of(),
            null, Authentication.NOT_PRESENTED, null, null, null);

    public WsSecurityResult {
        signedParts = Set.copyOf(signedParts);
        encryptedParts = Set.copyOf(encryptedParts);
        tokens = Set.copyOf(tokens);
        algorithms = Set.copyOf(algorithms);
    }

    /** The facts as request attributes: sorted lists of strings, so rules and fixtures compare them easily. */
    public Map<String, Object> attributes() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(SIGNED_PARTS, sorted(signedParts));
        attributes.put(ENCRYPTED_PARTS, sorted(encryptedParts));
        attributes.put(TOKENS, sorted(tokens));
        attributes.put(ALGORITHMS, sorted(algorithms));
        if (signer != null) {
            attributes.put(SIGNER, signer.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253));
            attributes.put(SIGNER_ISSUER, signer.getIssuerX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253));
            attributes.put(SIGNER_CERTIFICATE, signer);
        }
        if (username != null) {
            attributes.put(USERNAME, username);
        }
        if (bodyEncryption != null) {
            attributes.put(BODY_ENCRYPTION, bodyEncryption);
        }
        if (signedWith != null) {
            attributes.put(SIGNED_WITH, signedWith);
        }
        if (requestKey != null) {
            attributes.put(REQUEST_KEY, requestKey);
        }
        if (contextProof != null) {
            attributes.put(CONTEXT_PROOF, contextProof);
        }
        return attributes;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
