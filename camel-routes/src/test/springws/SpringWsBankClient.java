/*
 * Interoperability check: a real Spring Web Services 4.1 client (WebServiceTemplate with its
 * Wss4jSecurityInterceptor, the way Spring-based partners secure SOAP calls) calling the gateway's
 * SOAP route: it timestamps, signs (RSA-SHA256, exclusive C14N, Body and Timestamp) and encrypts
 * (AES-256-GCM, RSA-OAEP) its request, and verifies and decrypts the gateway's response.
 *
 * Not part of the Maven build: Spring must not share a classpath with CXF's (CXF would take the
 * tests for a Spring application). Fetch it, then run this file with the JDK's single-file source
 * launcher (from the repository root):
 *
 *   mvn -o -B -ntp -q -f camel-routes/src/test/springws/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib
 *   java -cp 'camel-routes/src/test/springws/target/lib/*' camel-routes/src/test/springws/SpringWsBankClient.java \
 *     --endpoint http://127.0.0.1:8080/soap/bank \
 *     --keystore examples/config/tls/alice.p12 --keystore-password-file examples/config/tls/keystore.pass \
 *     --peer-cert examples/config/wss/gateway.pem --ca-cert examples/config/tls/ca.pem \
 *     --account acc-alice-1
 *
 * Options:
 *   --endpoint URL     the gateway's route (not the demo upstream, which does no WS-Security).
 *   --account ID       the account to read (GetAccount).
 *   --keystore FILE    PKCS12 with the caller's signing key (a demo-CA certificate) and its only key entry.
 *   --keystore-password-file FILE   the store's password, also the key's (as in the demo's files).
 *   --peer-cert FILE   the gateway's WS-Security certificate (PEM): requests are encrypted to it.
 *   --ca-cert FILE     the CA (PEM) the gateway's response signer chains to.
 *   --username NAME --password-file FILE
 *                      also send a UsernameToken (PasswordText, nonce and created), signed and encrypted.
 *   --no-encryption    sign and timestamp the request, but do not encrypt it.
 *   --encrypted-response
 *                      require the response to be encrypted as well as signed and timestamped.
 *
 * Output: the response payload on stdout and exit 0; a SOAP fault's reason on stderr and exit 1; any
 * other failure on stderr and exit 2.
 *
 * DEMO ONLY: the demo's keys and passwords are published; never point this at anything real with them.
 */

import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.crypto.Merlin;
import org.springframework.ws.client.core.WebServiceTemplate;
import org.springframework.ws.client.support.interceptor.ClientInterceptor;
import org.springframework.ws.soap.client.SoapFaultClientException;
import org.springframework.ws.soap.client.core.SoapActionCallback;
import org.springframework.ws.soap.saaj.SaajSoapMessageFactory;
import org.springframework.ws.soap.security.wss4j2.Wss4jSecurityInterceptor;
import org.springframework.ws.soap.security.wss4j2.callback.KeyStoreCallbackHandler;
import org.springframework.xml.transform.StringSource;

public class SpringWsBankClient {

    static final String BANK = "urn:portcullis:demo-bank";
    static final String SOAP_11 = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (Exception e) {
            System.err.println("client failed: " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }

    static int run(String[] args) throws Exception {
        List<String> options = List.of(args);
        String password = Files.readString(Path.of(option(options, "--keystore-password-file"))).strip();
        KeyStore own = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(option(options, "--keystore")))) {
            own.load(in, password.toCharArray());
        }
        String alias = Collections.list(own.aliases()).stream().filter(a -> isKey(own, a)).findFirst().orElseThrow();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("gateway", pem(option(options, "--peer-cert")));
        trusted.setCertificateEntry("ca", pem(option(options, "--ca-cert")));

        Merlin signing = new Merlin();
        signing.setKeyStore(own);
        signing.setTrustStore(trusted);
        Merlin peers = new Merlin();
        peers.setKeyStore(trusted);
        peers.setTrustStore(trusted);

        String username = optional(options, "--username");
        Wss4jSecurityInterceptor security = new Wss4jSecurityInterceptor();
        security.setSecurementActions((username == null ? "" : "UsernameToken ") + "Timestamp Signature"
                + (options.contains("--no-encryption") ? "" : " Encryption"));
        if (username == null) {
            security.setSecurementPassword(password);
        } else {
            // Spring-WS has one securement password; two (the user's and the key's) take WSS4J's callback.
            Thread.currentThread().setContextClassLoader(SpringWsBankClient.class.getClassLoader());
            Passwords.user = Files.readString(Path.of(option(options, "--password-file"))).strip();
            Passwords.key = password;
            security.setWsHandlerOption("passwordCallbackClass", Passwords.class.getName());
            security.setSecurementUsername(username);
            security.setSecurementPasswordType("PasswordText");
            security.setSecurementUsernameTokenNonce(true);
            security.setSecurementUsernameTokenCreated(true);
        }
        security.setSecurementSignatureUser(alias);
        security.setSecurementSignatureCrypto(signing);
        security.setSecurementSignatureKeyIdentifier("DirectReference");
        security.setSecurementSignatureAlgorithm("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        security.setSecurementSignatureDigestAlgorithm("http://www.w3.org/2001/04/xmlenc#sha256");
        security.setSecurementSignatureParts("{}{" + SOAP_11 + "}Body;{}{" + WSU + "}Timestamp"
                + (username == null ? "" : ";{}{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}UsernameToken"));
        security.setSecurementEncryptionUser("gateway");
        security.setSecurementEncryptionCrypto(peers);
        security.setSecurementEncryptionKeyIdentifier("IssuerSerial");
        security.setSecurementEncryptionSymAlgorithm("http://www.w3.org/2009/xmlenc11#aes256-gcm");
        security.setSecurementEncryptionKeyTransportAlgorithm("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p");
        security.setSecurementEncryptionParts("{Content}{" + SOAP_11 + "}Body"
                + (username == null ? "" : ";{Element}{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}UsernameToken"));

        // The answer: timestamped and signed by a certificate of the demo CA, and encrypted if asked.
        security.setValidationActions("Timestamp Signature" + (options.contains("--encrypted-response") ? " Encryption" : ""));
        security.setValidationSignatureCrypto(peers);
        security.setValidationDecryptionCrypto(signing);
        KeyStoreCallbackHandler keyPasswords = new KeyStoreCallbackHandler();
        keyPasswords.setPrivateKeyPassword(password);
        security.setValidationCallbackHandler(keyPasswords);
        security.afterPropertiesSet();

        SaajSoapMessageFactory messages = new SaajSoapMessageFactory();
        messages.afterPropertiesSet();
        WebServiceTemplate template = new WebServiceTemplate(messages);
        template.setDefaultUri(option(options, "--endpoint"));
        template.setInterceptors(new ClientInterceptor[] {security});

        String request = "<GetAccount xmlns=\"" + BANK + "\"><accountId>" + option(options, "--account") + "</accountId></GetAccount>";
        StringWriter answer = new StringWriter();
        try {
            template.sendSourceAndReceiveToResult(new StringSource(request), new SoapActionCallback(BANK + "/GetAccount"),
                    new StreamResult(answer));
        } catch (SoapFaultClientException fault) {
            System.err.println(fault.getFaultStringOrReason());
            return 1;
        }
        System.out.println(answer);
        return 0;
    }

    /** The user's password for the UsernameToken, the key's for the signature. */
    public static class Passwords implements javax.security.auth.callback.CallbackHandler {
        static String user;
        static String key;

        @Override
        public void handle(javax.security.auth.callback.Callback[] callbacks) {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof org.apache.wss4j.common.ext.WSPasswordCallback asked) {
                    asked.setPassword(asked.getUsage() == org.apache.wss4j.common.ext.WSPasswordCallback.USERNAME_TOKEN ? user : key);
                }
            }
        }
    }

    static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (Exception e) {
            return false;
        }
    }

    static X509Certificate pem(String file) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static String option(List<String> options, String name) {
        String value = optional(options, name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    static String optional(List<String> options, String name) {
        int at = options.indexOf(name);
        return at < 0 || at + 1 >= options.size() ? null : options.get(at + 1);
    }
}
