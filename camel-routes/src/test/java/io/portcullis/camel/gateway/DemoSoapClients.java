package io.portcullis.camel.gateway;

import io.portcullis.examples.bank.soap.BankPort;
import io.portcullis.soap.TestKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static final Path CONFIG = RunningGateway.REPOSITORY.resolve("examples/config");
    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";

    /** alice, admin and mallory (revoked) as signers, the gateway's certificate to encrypt to, the demo CA trusted. */
    final Merlin clients;
    /** A signer the gateway does not trust (another CA), with the gateway's certificate. */
    final Merlin strangers;

    DemoSoapClients() throws Exception {
        X509Certificate gatewayCertificate;
        try (InputStream in = Files.newInputStream(CONFIG.resolve("wss/gateway.pem"))) {
            gatewayCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        for (String name : List.of("alice", "admin", "mallory-revoked")) {
            KeyStore demo = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(CONFIG.resolve("tls/" + name + ".p12"))) {
                demo.load(in, "demo-only".toCharArray());
            }
            keys.setKeyEntry(name, (PrivateKey) demo.getKey("key", "demo-only".toCharArray()),
                    TestKeys.PASSWORD.toCharArray(), demo.getCertificateChain("key"));
        }
        keys.setCertificateEntry("gateway", gatewayCertificate);
        KeyStore demoCa = KeyStore.getInstance("PKCS12");
        demoCa.load(null, null);
        try (InputStream in = Files.newInputStream(CONFIG.resolve("tls/ca.pem"))) {
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
