package io.portcullis.soap;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.wss4j.common.bsp.BSPRule;

/**
 * What a route demands of a request's WS-Security header, checked against what was actually
 * verified (not against what the header claims).
 *
 * <p>A message must meet one of the {@link Alternative}s in full, the way a WS-SecurityPolicy
 * {@code ExactlyOne} does: e.g. "Body and Timestamp signed, Body encrypted" for system clients,
 * or "UsernameToken and Timestamp" for users. No alternatives means WS-Security is optional: a
 * header that is present is still verified in full and its results become facts.
 *
 * @param timestampTtl   how long after its {@code Created} a Timestamp is accepted (WSS4J's TTL),
 *                       whatever {@code Expires} the sender chose; also the replay window
 * @param futureTtl      how far in the future a {@code Created} may be (clock skew)
 * @param allowSha1      accept RSA-SHA1 signatures and SHA-1 digests (legacy clients); they still
 *                       show in the facts, so a rule can limit who may use them
 * @param allowCbc       accept AES-CBC encryption (e.g. WCF's default Basic256), which is open to
 *                       padding-oracle attacks; AES-GCM only when false
 * @param waivedBspRules WS-I Basic Security Profile rules not enforced for this route's clients,
 *                       among {@link #WAIVABLE_BSP_RULES}; the rest of the profile still holds
 */
public record WsSecurityPolicy(List<Alternative> alternatives, Duration timestampTtl, Duration futureTtl,
                               boolean allowSha1, boolean allowCbc, Set<BSPRule> waivedBspRules) {

    /** Message parts a policy can require to be signed or encrypted. */
    public enum Part {
        BODY("Body"), TIMESTAMP("Timestamp"), USERNAME_TOKEN("UsernameToken"),
        /** The signature over the Body, encrypted (WS-SecurityPolicy's EncryptSignature; WCF's default). */
        SIGNATURE("Signature");

        private final String factName;

        Part(String factName) {
            this.factName = factName;
        }

        /** How the part is named in request facts ({@code wss.signedParts}) and configuration. */
        public String factName() {
            return factName;
        }

        /** @throws IllegalArgumentException naming the accepted values */
        public static Part parse(String name) {
            for (Part part : values()) {
                if (part.factName.equalsIgnoreCase(name)) {
                    return part;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(Part::factName)
                    .collect(Collectors.joining(", ")));
        }
    }

    /** What key the signature over the Body must be made with. */
    public enum SignedWith {
        /** The caller's private key, its certificate trusted: the signature says who sent the message. */
        CERTIFICATE("certificate"),
        /**
         * A key the caller made and encrypted to the gateway's certificate (an EncryptedKey, or a key
         * derived from one): WS-SecurityPolicy's SymmetricBinding, WCF's UserNameForCertificate. It
         * proves the message was not changed on the way, not who made it: a UsernameToken the
         * signature covers says that.
         */
        ENCRYPTED_KEY("encrypted-key"),
        /**
         * A security context the gateway issued through WS-SecureConversation (WCF's default
         * EstablishSecurityContext), or a key derived from it: the message is from whoever proved
         * their identity when they asked for that context, and is theirs.
         */
        SECURITY_CONTEXT("security-context");

        private final String factName;

        SignedWith(String factName) {
            this.factName = factName;
        }

        /** How it is named in request facts ({@code wss.signedWith}) and configuration. */
        public String factName() {
            return factName;
        }

        /** @throws IllegalArgumentException naming the accepted values */
        public static SignedWith parse(String name) {
            for (SignedWith value : values()) {
                if (value.factName.equalsIgnoreCase(name)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(SignedWith::factName)
                    .collect(Collectors.joining(", ")));
        }
    }

    /**
     * One acceptable way of securing a message.
     *
     * @param timestamp     a Timestamp must be present
     * @param usernameToken a UsernameToken must be present (and verified)
     * @param signed        parts that must be covered by a verified signature
     * @param encrypted     parts that must have arrived encrypted
     * @param signedWith    the key that signature must be made with (when {@code signed} is not empty)
     */
    public record Alternative(boolean timestamp, boolean usernameToken, Set<Part> signed, Set<Part> encrypted,
                              SignedWith signedWith) {

        public Alternative {
            signed = signed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(signed));
            encrypted = encrypted.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(encrypted));
            Objects.requireNonNull(signedWith, "signedWith");
            if (signedWith == SignedWith.ENCRYPTED_KEY && !(usernameToken && signed.contains(Part.BODY)
                    && signed.contains(Part.USERNAME_TOKEN))) {
                throw new IllegalArgumentException("a signature with an encrypted key proves no identity: require "
                        + "usernameToken and signed: [Body, Timestamp, UsernameToken] with it");
            }
            if (signedWith == SignedWith.SECURITY_CONTEXT && (usernameToken || !signed.contains(Part.BODY)
                    || !signed.contains(Part.TIMESTAMP))) {
                throw new IllegalArgumentException("a signature with a security context stands for the caller who "
                        + "established it: require signed: [Body, Timestamp] with it, and no usernameToken");
            }
        }

        /** Signed, if at all, with a certificate. */
        public Alternative(boolean timestamp, boolean usernameToken, Set<Part> signed, Set<Part> encrypted) {
            this(timestamp, usernameToken, signed, encrypted, SignedWith.CERTIFICATE);
        }

        /** Whether {@code result} meets this alternative; {@code null} if so, else the first part missing. */
        String unmet(WsSecurityResult result) {
            if (timestamp && !result.tokens().contains(WsSecurityResult.TIMESTAMP)) {
                return "Timestamp";
            }
            if (usernameToken && !result.tokens().contains(WsSecurityResult.USERNAME_TOKEN)) {
                return "UsernameToken";
            }
            for (Part part : signed) {
                if (!result.signedParts().contains(part.factName())) {
                    return "signed " + part.factName();
                }
            }
            if (!signed.isEmpty() && !signedWith.factName().equals(result.signedWith())) {
                return "signed with " + switch (signedWith) {
                    case CERTIFICATE -> "a certificate";
                    case ENCRYPTED_KEY -> "an encrypted key";
                    case SECURITY_CONTEXT -> "a security context";
                };
            }
            for (Part part : encrypted) {
                if (!result.encryptedParts().contains(part.factName())) {
                    return "encrypted " + part.factName();
                }
            }
            return null;
        }
    }

    public WsSecurityPolicy {
        alternatives = List.copyOf(alternatives);
        waivedBspRules = Set.copyOf(waivedBspRules);
        if (!WAIVABLE_BSP_RULES.containsAll(waivedBspRules)) {
            throw new IllegalArgumentException("only " + WAIVABLE_BSP_RULES + " can be waived");
        }
        Objects.requireNonNull(timestampTtl, "timestampTtl");
        Objects.requireNonNull(futureTtl, "futureTtl");
        // Contexts are issued in answer to a request that met another alternative, signed and with its Body
        // encrypted (it carries the caller's half of the key): without one, none could ever be established.
        if (alternatives.stream().anyMatch(a -> a.signedWith() == SignedWith.SECURITY_CONTEXT)
                && alternatives.stream().noneMatch(a -> a.signedWith() != SignedWith.SECURITY_CONTEXT && !a.signed().isEmpty()
                && a.encrypted().contains(Part.BODY))) {
            throw new IllegalArgumentException("signedWith: security-context needs another entry, signed and with the Body "
                    + "encrypted, for the requests that establish a context");
        }
    }

    /**
     * The profile rules a route may waive: attributes that only restate what the message already
     * says, which WCF and Metro leave out: a BinarySecurityToken's EncodingType (R3029 and R3030 for
     * the same omission) and a Password's Type (R4201), which WCF omits unless its message security
     * version is a BasicSecurityProfile10 one (Mono's WCF always); a reference's TokenType where its
     * ValueType names the token already (R5215: Metro's references from a derived key to its
     * EncryptedKey). Other rules guard freshness, references and algorithms, and stay.
     */
    public static final Set<BSPRule> WAIVABLE_BSP_RULES = Set.copyOf(EnumSet.of(BSPRule.R3029, BSPRule.R3030, BSPRule.R4201,
            BSPRule.R5215));

    /**
     * The alternatives a message asking for {@code kind} must meet (null: a message that asks the
     * gateway for nothing). A cancellation names the context it is signed with and nothing else;
     * WCF and Metro sign it and do not encrypt it, so where contexts are taken it needs nothing
     * encrypted. Cancellations are rare: worked out when one comes.
     */
    List<Alternative> alternativesFor(SecureConversation.Kind kind) {
        if (kind != SecureConversation.Kind.CANCEL) {
            return alternatives;
        }
        return alternatives.stream().map(a -> a.signedWith() != SignedWith.SECURITY_CONTEXT ? a
                : new Alternative(a.timestamp(), a.usernameToken(), a.signed(), Set.of(), a.signedWith())).toList();
    }

    public boolean required() {
        return !alternatives.isEmpty();
    }

    /** Whether some alternative takes a signature made with {@code key} (an encrypted key or a context: HMAC, derived keys). */
    public boolean accepts(SignedWith key) {
        return alternatives.stream().anyMatch(alternative -> alternative.signedWith() == key);
    }
}
