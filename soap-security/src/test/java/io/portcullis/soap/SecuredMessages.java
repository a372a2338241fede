package io.portcullis.soap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.crypto.KeyGenerator;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Crypto;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecEncrypt;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.apache.wss4j.dom.message.WSSecUsernameToken;
import org.apache.xml.security.signature.XMLSignature;
import org.w3c.dom.Document;

/**
 * Builds WS-Security messages the way client stacks do, with WSS4J's sending side: a fluent
 * sequence of steps over one document, serialized to bytes at the end.
 */
public final class SecuredMessages {

    public static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";

    static {
        org.apache.wss4j.dom.engine.WSSConfig.init();
    }

    private final Document document;
    private final WSSecHeader header;
    private String canonicalization = WSConstants.C14N_EXCL_OMIT_COMMENTS;

    private SecuredMessages(String envelope) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultNSInstance();
        document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(envelope.getBytes(StandardCharsets.UTF_8)));
        header = new WSSecHeader(document);
        header.insertSecurityHeader();
    }

    public static SecuredMessages of(String envelope) throws Exception {
        return new SecuredMessages(envelope);
    }

    /** The SignedInfo canonicalization of the signatures that follow (exclusive C14N unless changed). */
    public SecuredMessages canonicalization(String algorithm) {
        canonicalization = algorithm;
        return this;
    }

    public SecuredMessages timestamp() {
        return timestamp(Instant.now(), 300);
    }

    public SecuredMessages timestamp(Instant created, int timeToLiveSeconds) {
        WSSecTimestamp timestamp = new WSSecTimestamp(header);
        timestamp.setWsTimeSource(() -> created);
        timestamp.setTimeToLive(timeToLiveSeconds);
        timestamp.build();
        return this;
    }

    /** Signs Body and Timestamp with RSA-SHA256, SHA-256 digests and exclusive C14N. */
    public SecuredMessages sign(Crypto crypto, String alias, int keyIdentifier) throws Exception {
        return sign(crypto, alias, keyIdentifier, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, WSConstants.SHA256, true);
    }

    public SecuredMessages sign(Crypto crypto, String alias, int keyIdentifier, String signatureAlgorithm, String digestAlgorithm,
                         boolean timestampToo) throws Exception {
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo(alias, TestKeys.PASSWORD);
        signature.setKeyIdentifierType(keyIdentifier);
        signature.setSignatureAlgorithm(signatureAlgorithm);
        signature.setDigestAlgo(digestAlgorithm);
        signature.setSigCanonicalization(canonicalization);
        signature.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, document.getDocumentElement().getNamespaceURI(), ""));
        if (timestampToo) {
            signature.getParts().add(new WSEncryptionPart(WSConstants.TIMESTAMP_TOKEN_LN, WSConstants.WSU_NS, ""));
        }
        signature.build(crypto);
        return this;
    }

    /** A second signature, over the Timestamp alone. */
    public SecuredMessages signTimestampOnly(Crypto crypto, String alias) throws Exception {
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo(alias, TestKeys.PASSWORD);
        signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        signature.setSignatureAlgorithm(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256);
        signature.setDigestAlgo(WSConstants.SHA256);
        signature.getParts().add(new WSEncryptionPart(WSConstants.TIMESTAMP_TOKEN_LN, WSConstants.WSU_NS, ""));
        signature.build(crypto);
        return this;
    }

    /** Encrypts the Body's content and {@code element} itself (AES-256-GCM) for {@code recipientAlias}'s certificate. */
    public SecuredMessages encryptBodyAnd(Crypto crypto, String recipientAlias, org.w3c.dom.Element element) throws Exception {
        return encryptGcm(crypto, recipientAlias, element, true, false);
    }

    /** Encrypts the Body's content for {@code recipientAlias}'s certificate, RSA-OAEP key transport. */
    public SecuredMessages encryptBody(Crypto crypto, String recipientAlias, String symmetricAlgorithm) throws Exception {
        return encrypt(crypto, recipientAlias, symmetricAlgorithm, false);
    }

    /** Encrypts the Body's content and the signature element, as WCF's default protection order does. */
    public SecuredMessages encryptBodyAndSignature(Crypto crypto, String recipientAlias, String symmetricAlgorithm)
            throws Exception {
        return encrypt(crypto, recipientAlias, symmetricAlgorithm, true);
    }

    private SecuredMessages encrypt(Crypto crypto, String recipientAlias, String symmetricAlgorithm, boolean signatureToo)
            throws Exception {
        WSSecEncrypt encrypt = new WSSecEncrypt(header);
        if (signatureToo) {
            encrypt.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, document.getDocumentElement().getNamespaceURI(),
                    "Content"));
            encrypt.getParts().add(new WSEncryptionPart(WSConstants.SIG_LN, WSConstants.SIG_NS, "Element"));
        }
        encrypt.setUserInfo(recipientAlias);
        encrypt.setKeyIdentifierType(WSConstants.ISSUER_SERIAL);
        encrypt.setSymmetricEncAlgorithm(symmetricAlgorithm);
        encrypt.setKeyEncAlgo(WSConstants.KEYTRANSPORT_RSAOAEP);
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(symmetricAlgorithm.contains("128") ? 128 : 256);
        encrypt.build(crypto, generator.generateKey());
        return this;
    }

    /** Encrypts {@code element} with a key carried inside its EncryptedData's own KeyInfo, not in the header. */
    public SecuredMessages encryptEmbeddingTheKey(Crypto crypto, String recipientAlias, org.w3c.dom.Element element) throws Exception {
        return encryptGcm(crypto, recipientAlias, element, false, true);
    }

    private SecuredMessages encryptGcm(Crypto crypto, String recipientAlias, org.w3c.dom.Element element, boolean bodyToo,
                                       boolean embedKey) throws Exception {
        WSSecEncrypt encrypt = new WSSecEncrypt(header);
        encrypt.setUserInfo(recipientAlias);
        encrypt.setKeyIdentifierType(WSConstants.ISSUER_SERIAL);
        encrypt.setSymmetricEncAlgorithm(WSConstants.AES_256_GCM);
        encrypt.setKeyEncAlgo(WSConstants.KEYTRANSPORT_RSAOAEP);
        encrypt.setEmbedEncryptedKey(embedKey);
        if (bodyToo) {
            encrypt.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, document.getDocumentElement().getNamespaceURI(),
                    "Content"));
        }
        WSEncryptionPart part = new WSEncryptionPart(element.getLocalName(), element.getNamespaceURI(), "Element");
        part.setElement(element);
        encrypt.getParts().add(part);
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        encrypt.build(crypto, generator.generateKey());
        return this;
    }

    public SecuredMessages usernameToken(String username, String password, String passwordType) {
        WSSecUsernameToken token = new WSSecUsernameToken(header);
        token.setPasswordType(passwordType);
        token.setUserInfo(username, password);
        token.addNonce();
        token.addCreated();
        token.build();
        return this;
    }

    /**
     * A symmetric binding, as WCF's UserNameForCertificate and Metro send it: a key made here and
     * encrypted to {@code recipientAlias}'s certificate (thumbprint reference) signs (HMAC-SHA1) the
     * Body, the Timestamp and the UsernameToken already in the header, and encrypts the Body's
     * content (AES-256-CBC); with {@code derivedKeys}, through keys derived from it.
     *
     * @return the key, for reading the answer
     */
    public byte[] symmetric(Crypto crypto, String recipientAlias, boolean derivedKeys) throws Exception {
        return symmetric(crypto, recipientAlias, derivedKeys, true);
    }

    /** As {@link #symmetric(Crypto, String, boolean)}; {@code signUsernameToken} false leaves the UsernameToken unsigned. */
    public byte[] symmetric(Crypto crypto, String recipientAlias, boolean derivedKeys, boolean signUsernameToken) throws Exception {
        javax.crypto.SecretKey key = org.apache.wss4j.common.util.KeyUtils.getKeyGenerator(WSConstants.AES_256).generateKey();
        org.apache.wss4j.dom.message.WSSecEncryptedKey encryptedKey = new org.apache.wss4j.dom.message.WSSecEncryptedKey(header);
        encryptedKey.setUserInfo(recipientAlias);
        encryptedKey.setKeyIdentifierType(WSConstants.THUMBPRINT_IDENTIFIER);
        encryptedKey.setKeyEncAlgo(WSConstants.KEYTRANSPORT_RSAOAEP);
        encryptedKey.prepare(crypto, key);
        byte[] secret = key.getEncoded();
        String soap = document.getDocumentElement().getNamespaceURI();
        java.util.List<WSEncryptionPart> signed = new java.util.ArrayList<>(java.util.List.of(
                new WSEncryptionPart(WSConstants.ELEM_BODY, soap, ""),
                new WSEncryptionPart(WSConstants.TIMESTAMP_TOKEN_LN, WSConstants.WSU_NS, "")));
        if (signUsernameToken) {
            signed.add(new WSEncryptionPart(WSConstants.USERNAME_TOKEN_LN, WSConstants.WSSE_NS, ""));
        }
        WSEncryptionPart body = new WSEncryptionPart(WSConstants.ELEM_BODY, soap, "Content");
        if (derivedKeys) {
            org.apache.wss4j.dom.message.WSSecDKSign signature = new org.apache.wss4j.dom.message.WSSecDKSign(header);
            signature.setTokenIdentifier(encryptedKey.getId());
            signature.setCustomValueType(WSConstants.WSS_ENC_KEY_VALUE_TYPE);
            signature.setSignatureAlgorithm(WSConstants.HMAC_SHA1);
            signature.setDigestAlgorithm(WSConstants.SHA256);
            signature.getParts().addAll(signed);
            signature.build(secret);
            org.apache.wss4j.dom.message.WSSecDKEncrypt encrypt = new org.apache.wss4j.dom.message.WSSecDKEncrypt(header);
            encrypt.setTokenIdentifier(encryptedKey.getId());
            encrypt.setCustomValueType(WSConstants.WSS_ENC_KEY_VALUE_TYPE);
            encrypt.setSymmetricEncAlgorithm(WSConstants.AES_256);
            encrypt.getParts().add(body);
            encrypt.build(secret);
        } else {
            WSSecSignature signature = new WSSecSignature(header);
            signature.setSecretKey(secret);
            signature.setKeyIdentifierType(WSConstants.CUSTOM_SYMM_SIGNING);
            signature.setCustomTokenId(encryptedKey.getId());
            signature.setCustomTokenValueType(WSConstants.WSS_ENC_KEY_VALUE_TYPE);
            signature.setSignatureAlgorithm(WSConstants.HMAC_SHA1);
            signature.setDigestAlgo(WSConstants.SHA256);
            signature.getParts().addAll(signed);
            signature.build(null);
            WSSecEncrypt encrypt = new WSSecEncrypt(header);
            encrypt.setEncryptSymmKey(false);
            org.apache.wss4j.common.token.SecurityTokenReference toKey = new org.apache.wss4j.common.token.SecurityTokenReference(document);
            org.apache.wss4j.common.token.Reference reference = new org.apache.wss4j.common.token.Reference(document);
            reference.setURI("#" + encryptedKey.getId());
            reference.setValueType(WSConstants.WSS_ENC_KEY_VALUE_TYPE);
            toKey.setReference(reference);
            toKey.addTokenType(WSConstants.WSS_ENC_KEY_VALUE_TYPE);
            encrypt.setSecurityTokenReference(toKey);
            encrypt.setSymmetricEncAlgorithm(WSConstants.AES_256);
            encrypt.getParts().add(body);
            encrypt.build(null, key);
        }
        // The key first: whatever uses it follows it in the header.
        encryptedKey.prependToHeader();
        return secret;
    }

    /**
     * Signs Body and Timestamp, and encrypts the Body when {@code encryptBody}, with keys derived from a
     * security context (as WCF and Metro do once they established one), the SecurityContextToken
     * carried in the header.
     *
     * @param context      the context as the client holds it: the token carried names its instance once renewed
     * @param byIdentifier refer to the context by its identifier instead of the token's Id
     */
    public SecuredMessages inContext(SecureConversation.Version version, SecureConversationClient.Issued context, boolean byIdentifier,
                                     boolean encryptBody) throws Exception {
        String identifier = context.identifier();
        byte[] secret = context.key();
        org.apache.wss4j.dom.message.WSSecSecurityContextToken token = contextToken(version, context);
        String soap = document.getDocumentElement().getNamespaceURI();
        org.apache.wss4j.dom.message.WSSecDKSign signature = derivedFrom(new org.apache.wss4j.dom.message.WSSecDKSign(header),
                version, identifier, token, byIdentifier);
        signature.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, soap, ""));
        signature.getParts().add(new WSEncryptionPart(WSConstants.TIMESTAMP_TOKEN_LN, WSConstants.WSU_NS, ""));
        signature.build(secret);
        if (encryptBody) {
            org.apache.wss4j.dom.message.WSSecDKEncrypt encrypt = derivedFrom(new org.apache.wss4j.dom.message.WSSecDKEncrypt(header),
                    version, identifier, token, byIdentifier);
            encrypt.setSymmetricEncAlgorithm(WSConstants.AES_256_GCM);
            encrypt.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, soap, "Content"));
            encrypt.build(secret);
        }
        token.prependSCTElementToHeader();
        return this;
    }

    /**
     * Endorses the message's signature with a security context, as WCF and Metro renew one: a
     * signature with a key derived from the context over the signature already in the header.
     */
    public SecuredMessages endorsedWithContext(SecureConversation.Version version, SecureConversationClient.Issued context) throws Exception {
        org.w3c.dom.Element primary = (org.w3c.dom.Element) header.getSecurityHeaderElement()
                .getElementsByTagNameNS(WSConstants.SIG_NS, "Signature").item(0);
        return signedWithContext(version, context, new WSEncryptionPart(primary.getAttribute("Id")));
    }

    /** A signature with a key derived from a security context over the Timestamp alone, beside the message's own. */
    public SecuredMessages timestampSignedWithContext(SecureConversation.Version version, SecureConversationClient.Issued context)
            throws Exception {
        return signedWithContext(version, context, new WSEncryptionPart(WSConstants.TIMESTAMP_TOKEN_LN, WSConstants.WSU_NS, ""));
    }

    private SecuredMessages signedWithContext(SecureConversation.Version version, SecureConversationClient.Issued context,
                                              WSEncryptionPart part) throws Exception {
        org.apache.wss4j.dom.message.WSSecSecurityContextToken token = contextToken(version, context);
        org.apache.wss4j.dom.message.WSSecDKSign signature = derivedFrom(new org.apache.wss4j.dom.message.WSSecDKSign(header),
                version, context.identifier(), token, false);
        signature.getParts().add(part);
        signature.build(context.key());
        token.prependSCTElementToHeader();
        return this;
    }

    private org.apache.wss4j.dom.message.WSSecSecurityContextToken contextToken(SecureConversation.Version version,
                                                                              SecureConversationClient.Issued context) throws Exception {
        org.apache.wss4j.dom.message.WSSecSecurityContextToken token =
                new org.apache.wss4j.dom.message.WSSecSecurityContextToken(header, null);
        token.setWscVersion(version.wscVersion());
        token.setIdentifier(context.identifier());
        token.prepare(null);
        if (context.instance() != null) {
            // As WCF carries a renewed context's token: its Instance after the Identifier.
            org.w3c.dom.Element element = token.getSct().getElement();
            org.w3c.dom.Element instance = document.createElementNS(element.getNamespaceURI(), element.getPrefix() + ":Instance");
            instance.setTextContent(context.instance());
            element.appendChild(instance);
        }
        return token;
    }

    /** {@code derived} with its key derived (HMAC-SHA1 signatures, SHA-256 digests) from the context, referred to as asked. */
    private static <T extends org.apache.wss4j.dom.message.WSSecDerivedKeyBase> T derivedFrom(T derived, SecureConversation.Version version,
            String identifier, org.apache.wss4j.dom.message.WSSecSecurityContextToken token, boolean byIdentifier) {
        derived.setWscVersion(version.wscVersion());
        derived.setTokenIdentifier(byIdentifier ? identifier : token.getSctId());
        derived.setTokenIdDirectId(byIdentifier);
        derived.setCustomValueType(version.tokenType());
        if (derived instanceof org.apache.wss4j.dom.message.WSSecDKSign signature) {
            signature.setSignatureAlgorithm(WSConstants.HMAC_SHA1);
            signature.setDigestAlgorithm(WSConstants.SHA256);
            // 192 bits, as WS-SecurityPolicy's Basic256 suites have WCF, Metro and CXF derive signing keys.
            signature.setDerivedKeyLength(24);
        }
        return derived;
    }

    /** An answer as its caller reads it, knowing only the symmetric key it made or was given. */
    public record Read(Document message, org.apache.wss4j.dom.handler.WSHandlerResult results) {
        public String text() throws Exception {
            return new String(serialize(message), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Verifies and decrypts {@code answer} with {@code key}, which WSS4J asks for by {@code keyIdentifier}. */
    public static Read readWithKey(byte[] answer, String keyIdentifier, byte[] key) throws Exception {
        org.apache.wss4j.dom.handler.RequestData caller = new org.apache.wss4j.dom.handler.RequestData();
        caller.setCallbackHandler(callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof org.apache.wss4j.common.ext.WSPasswordCallback asked && keyIdentifier.equals(asked.getIdentifier())) {
                    asked.setKey(key);
                }
            }
        });
        Document received = new SoapEnvelopeReader().read(answer).document();
        return new Read(received, new org.apache.wss4j.dom.engine.WSSecurityEngine().processSecurityHeader(received, caller));
    }

    public Document document() {
        return document;
    }

    public byte[] bytes() throws Exception {
        return serialize(document);
    }

    public static byte[] serialize(Document document) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
        return out.toByteArray();
    }
}
