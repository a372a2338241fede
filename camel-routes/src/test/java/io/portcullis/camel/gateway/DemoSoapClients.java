package io.portcullis.camel.gateway;

import io.portcullis.examples.bank.soap.BankPort;
import io.portcullis.soap.SecureConversation;
import io.portcullis.soap.SecureConversationClient;
import io.portcullis.soap.SecuredMessages;
import io.portcullis.soap.SoapEnvelope;
import io.portcullis.soap.SoapEnvelopeReader;
import io.portcullis.soap.TestKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.dom.WSConstants;
import org.apache.xml.security.signature.XMLSignature;

/**
 * SOAP clients of the demo bank as its customers' integration teams would configure them: CXF
 * JAX-WS proxies with WSS4J, using the demo's published keys (examples/config/tls, wss).
 */
final class DemoSoapClients {

    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";

    /** alice, admin and mallory (revoked) as signers, the gateway's certificate to encrypt to, the demo CA trusted. */
    final Merlin clients;
    /** A signer the gateway does not trust (another CA), with the gateway's certificate. */
    final Merlin strangers;

    DemoSoapClients() throws Exception {
        X509Certificate gatewayCertificate;
        try (InputStream in = Files.newInputStream(RunningGateway.CONFIG.resolve("wss/gateway.pem"))) {
            gatewayCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        for (String name : List.of("alice", "admin", "mallory-revoked")) {
            KeyStore demo = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(RunningGateway.CONFIG.resolve("tls/" + name + ".p12"))) {
                demo.load(in, "demo-only".toCharArray());
            }
            keys.setKeyEntry(name, (PrivateKey) demo.getKey("key", "demo-only".toCharArray()),
                    TestKeys.PASSWORD.toCharArray(), demo.getCertificateChain("key"));
        }
        keys.setCertificateEntry("gateway", gatewayCertificate);
        KeyStore demoCa = KeyStore.getInstance("PKCS12");
        demoCa.load(null, null);
        try (InputStream in = Files.newInputStream(RunningGateway.CONFIG.resolve("tls/ca.pem"))) {
            demoCa.setCertificateEntry("demo-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        clients = new Merlin();
        clients.setKeyStore(keys);
        clients.setTrustStore(demoCa);
        TestKeys.Identity rogueCa = TestKeys.authority("Rogue CA");
        TestKeys.Identity alice = TestKeys.issue(rogueCa, "alice");
        strangers = TestKeys.crypto(new TestKeys.Identity[] {alice}, rogueCa.certificate());
        KeyStore strangerKeys = strangers.getKeyStore();
        strangerKeys.setCertificateEntry("gateway", gatewayCertificate);
    }

    /** Sends a message and returns the answer's body. */
    interface Sender {
        String send(byte[] message) throws Exception;
    }

    private static final byte[] ALICES_ENTROPY = "alice's half of the context's key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Alice asks for a WS-SecureConversation context (WS-Trust 1.3) in a message she signs with her
     * certificate and encrypts to the gateway, checks the answer's signature and decrypts it, and
     * derives the context's key from both entropies.
     */
    SecureConversationClient.Issued establishContextAsAlice(Sender sender) throws Exception {
        return askAsAlice(SecuredMessages.of(SecureConversationClient.issueRequest(SecureConversation.Version.V1_3, ALICES_ENTROPY))
                .timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE).encryptBody(clients, "gateway", WSConstants.AES_256_GCM)
                .bytes(), sender);
    }

    /** Alice renews {@code context} as WCF does: signed with her certificate, encrypted, and endorsed with the context. */
    SecureConversationClient.Issued renewContextAsAlice(SecureConversationClient.Issued context, Sender sender) throws Exception {
        return askAsAlice(renewalAsAlice(context), sender);
    }

    /** Alice's request to renew {@code context}, as {@link #renewContextAsAlice} sends it. */
    byte[] renewalAsAlice(SecureConversationClient.Issued context) throws Exception {
        return SecuredMessages.of(SecureConversationClient.renewRequest(SecureConversation.Version.V1_3, context.identifier(),
                        ALICES_ENTROPY)).timestamp().sign(clients, "alice", WSConstants.BST_DIRECT_REFERENCE)
                .encryptBody(clients, "gateway", WSConstants.AES_256_GCM)
                .endorsedWithContext(SecureConversation.Version.V1_3, context).bytes();
    }

    private SecureConversationClient.Issued askAsAlice(byte[] request, Sender sender) throws Exception {
        String answer = sender.send(request);
        org.apache.wss4j.dom.handler.RequestData alice = new org.apache.wss4j.dom.handler.RequestData();
        alice.setDecCrypto(clients);
        alice.setSigVerCrypto(clients);
        alice.setCallbackHandler(TestKeys.PASSWORDS);
        SoapEnvelope envelope = new SoapEnvelopeReader().read(answer.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // WSS4J takes an answer with no signature at all: that it was signed and encrypted is checked here.
        org.apache.wss4j.dom.handler.WSHandlerResult read = new org.apache.wss4j.dom.engine.WSSecurityEngine()
                .processSecurityHeader(envelope.document(), alice);
        org.assertj.core.api.Assertions.assertThat(read.getActionResults()).as(answer)
                .containsKeys(org.apache.wss4j.dom.WSConstants.SIGN, org.apache.wss4j.dom.WSConstants.ENCR);
        return SecureConversationClient.read(envelope.operationElement(), SecureConversation.Version.V1_3, ALICES_ENTROPY);
    }

    BankPort client(String address, Map<String, Object> security) {
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(BankPort.class);
        factory.setAddress(address);
        factory.getOutInterceptors().add(new WSS4JOutInterceptor(security));
        // The gateway signs its responses (responses.sign in the demo configuration): clients check them.
        factory.getInInterceptors().add(new WSS4JInInterceptor(Map.of(
                ConfigurationConstants.ACTION, "Timestamp Signature",
                ConfigurationConstants.SIG_VER_PROP_REF_ID, "gatewayTrust", "gatewayTrust", clients)));
        return (BankPort) factory.create();
    }

    /** What a system client sends: Timestamp, signature over Body and Timestamp, Body encrypted to the gateway. */
    Map<String, Object> signAndEncryptAs(String signer) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigurationConstants.ACTION, "Timestamp Signature Encrypt");
        properties.put(ConfigurationConstants.USER, signer);
        properties.put(ConfigurationConstants.SIG_PROP_REF_ID, "clientCrypto");
        properties.put(ConfigurationConstants.ENC_PROP_REF_ID, "clientCrypto");
        properties.put("clientCrypto", clients);
        properties.put(ConfigurationConstants.PW_CALLBACK_REF, TestKeys.PASSWORDS);
        properties.put(ConfigurationConstants.SIG_KEY_ID, "DirectReference");
        properties.put(ConfigurationConstants.SIG_ALGO, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256);
        properties.put(ConfigurationConstants.SIG_DIGEST_ALGO, WSConstants.SHA256);
        properties.put(ConfigurationConstants.SIG_C14N_ALGO, WSConstants.C14N_EXCL_OMIT_COMMENTS);
        properties.put(ConfigurationConstants.SIGNATURE_PARTS,
                "{}{" + SOAP11 + "}Body;{}{" + WSConstants.WSU_NS + "}Timestamp");
        properties.put(ConfigurationConstants.ENCRYPTION_USER, "gateway");
        properties.put(ConfigurationConstants.ENC_KEY_ID, "IssuerSerial");
        properties.put(ConfigurationConstants.ENC_SYM_ALGO, WSConstants.AES_256_GCM);
        properties.put(ConfigurationConstants.ENC_KEY_TRANSPORT, WSConstants.KEYTRANSPORT_RSAOAEP);
        properties.put(ConfigurationConstants.ENCRYPTION_PARTS, "{Content}{" + SOAP11 + "}Body");
        return properties;
    }

    static Map<String, Object> usernameToken(String username, String password) {
        return usernameToken(username, password, WSConstants.PW_TEXT);
    }

    /** @param passwordType {@code WSConstants.PW_TEXT} or {@code PW_DIGEST} */
    static Map<String, Object> usernameToken(String username, String password, String passwordType) {
        CallbackHandler passwords = callbacks -> {
            for (Callback callback : callbacks) {
                if (callback instanceof WSPasswordCallback passwordCallback) {
                    passwordCallback.setPassword(password);
                }
            }
        };
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigurationConstants.ACTION, "UsernameToken Timestamp");
        properties.put(ConfigurationConstants.USER, username);
        properties.put(ConfigurationConstants.PASSWORD_TYPE, passwordType);
        properties.put(ConfigurationConstants.ADD_USERNAMETOKEN_NONCE, "true");
        properties.put(ConfigurationConstants.ADD_USERNAMETOKEN_CREATED, "true");
        properties.put(ConfigurationConstants.PW_CALLBACK_REF, passwords);
        return properties;
    }
}
