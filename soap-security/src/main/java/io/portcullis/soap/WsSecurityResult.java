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
 */
public record WsSecurityResult(Set<String> signedParts, Set<String> encryptedParts, Set<String> tokens,
                               X509Certificate signer, String username, Set<String> algorithms,
                               String bodyEncryption, Authentication credential) {

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

    /** No Security header in the message. */
    public static final WsSecurityResult NONE = new WsSecurityResult(Set.of(), Set.of(), Set.of(), null, null, Set.of(),
            null, Authentication.NOT_PRESENTED);

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
        return attributes;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
