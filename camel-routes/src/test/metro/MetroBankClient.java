/*
 * Interoperability check: a real Eclipse Metro (WSIT) 4.0.2 WS-Security client calling the gateway's
 * SOAP route. CXF/WSS4J talking to CXF/WSS4J proves little about interoperability, so this client uses
 * Metro's own JAX-WS runtime and security pipeline, driven only by the WS-SecurityPolicy in
 * demo-bank-metro.wsdl, to see what a Metro-based partner would really send and whether the gateway
 * accepts it (and whether Metro accepts the gateway's signed response).
 *
 * Not part of the Maven build: Metro's JAX-WS provider must never share a classpath with CXF's.
 * Fetch Metro, then run this file with the JDK's single-file source launcher (from the repository root):
 *
 *   mvn -o -B -ntp -q -f camel-routes/src/test/metro/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib
 *   java -cp 'camel-routes/src/test/metro/target/lib/*' camel-routes/src/test/metro/MetroBankClient.java \
 *     --endpoint http://127.0.0.1:8080/soap/bank \
 *     --wsdl camel-routes/src/test/metro/demo-bank-metro.wsdl \
 *     --keystore examples/config/tls/alice.p12 --keystore-password-file examples/config/tls/keystore.pass \
 *     --peer-cert examples/config/wss/gateway.pem --ca-cert examples/config/tls/ca.pem \
 *     --account acc-alice-1
 *
 * The gateway's route must allow AES-CBC (allowCbc: true): Metro 4.0.2 has no AES-GCM suites.
 *
 * Options:
 *   --endpoint URL     where to send the request: the gateway's route, not the demo upstream (9082),
 *                      which does no WS-Security of its own.
 *   --wsdl FILE        the contract with the security policy; Metro configures itself from it alone.
 *   --account ID       the account to read (GetAccount).
 *   --keystore FILE    PKCS12 holding the caller's signing key and certificate (a demo-CA certificate,
 *                      or the gateway refuses the signer).
 *   --keystore-password PW | --keystore-password-file FILE
 *                      the store's password, also used for the key (as in the demo's PKCS12 files).
 *   --key-alias ALIAS  which key entry signs; defaults to the store's only key entry.
 *   --peer-cert FILE   the gateway's WS-Security certificate (PEM): requests are encrypted to it.
 *   --ca-cert FILE     a CA (PEM) the gateway's response signer must chain to; repeatable. Needed in
 *                      practice: Metro validates the signer with PKIX, which does not accept the
 *                      --peer-cert certificate as its own trust anchor unless it is self-signed
 *                      ("Path does not chain with any of the trust anchors").
 *   --binding symmetric
 *                      with --username: the WSDL's SymmetricBinding port (the shape of WCF's
 *                      UserNameForCertificate) instead of the asymmetric one.
 *   --binding secure-conversation
 *                      with --username: the WSDL's WS-SecureConversation port (WCF's default
 *                      EstablishSecurityContext): Metro asks the gateway for a security context in a
 *                      message secured as the symmetric port's, sends the request twice in that
 *                      context (printing both answers), then closes the port, which cancels it.
 *   --binding secure-conversation-2005
 *                      the same in WS-SecurityPolicy 1.1, as WCF's WSHttpBinding publishes it: WS-Trust
 *                      and WS-SecureConversation of February 2005, WCF's default versions.
 *   --username NAME    send a UsernameToken (PasswordText) as well, through the WSDL's UsernameToken
 *                      port; the X.509 signature and encryption still protect it on the wire.
 *   --password PW | --password-file FILE
 *                      that user's password.
 *
 * Output: the response payload (the GetAccountResponse element) on stdout and exit 0; a SOAP fault's
 * string and detail on stderr and exit 1; any other failure on stderr and exit 2. The JAX-WS provider
 * in use is printed once to stderr, since a CXF provider creeping onto the classpath would make the
 * whole check meaningless. Add -Dcom.sun.xml.ws.transport.http.client.HttpTransportPipe.dump=true to
 * see the messages on the wire.
 *
 * DEMO ONLY: the demo's keys and passwords are published; never point this at anything real with them.
 */

import com.sun.xml.wss.XWSSConstants;
import com.sun.xml.wss.impl.callback.KeyStoreCallback;
import com.sun.xml.wss.impl.callback.PrivateKeyCallback;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.Dispatch;
import jakarta.xml.ws.Service;
import jakarta.xml.ws.soap.SOAPFaultException;
import jakarta.xml.ws.spi.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.xml.namespace.QName;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Source;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.w3c.dom.Node;

public class MetroBankClient {

    static final String NS = "urn:portcullis:demo-bank";
    static final QName SERVICE = new QName(NS, "BankPortService");
    static final QName X509_PORT = new QName(NS, "BankPortPort");
    static final QName USERNAME_TOKEN_PORT = new QName(NS, "BankPortUsernameTokenPort");
    static final QName USERNAME_FOR_CERTIFICATE_PORT = new QName(NS, "BankPortUsernameForCertificatePort");
    static final QName SECURE_CONVERSATION_PORT = new QName(NS, "BankPortSecureConversationPort");
    static final QName SECURE_CONVERSATION_2005_PORT = new QName(NS, "BankPortSecureConversation2005Port");
    /** The names the WSDL's sc:KeyStore alias and sc:TrustStore peeralias expect. */
    static final String SIGNER_ALIAS = "signer";
    static final String PEER_ALIAS = "gateway";

    // Metro instantiates the handlers named in the WSDL itself (no constructor arguments), so the key
    // material they hand out is prepared here before the first call.
    static KeyStore signerKeys;
    static char[] signerKeyPassword;
    static KeyStore trusted;

    public static void main(String[] args) {
        try {
            System.exit(run(options(args)));
        } catch (IllegalArgumentException e) {
            System.err.println("MetroBankClient: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            // Metro has already logged its own stack traces; the cause chain says which check failed
            // (e.g. a response digest mismatch or an untrusted response signer).
            System.err.println("MetroBankClient: failed: " + e);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.err.println("  caused by: " + cause);
            }
            System.exit(2);
        }
    }

    static int run(Map<String, List<String>> options) throws Exception {
        String endpoint = required(options, "endpoint");
        Path wsdl = Path.of(required(options, "wsdl"));
        String account = required(options, "account");
        loadSigner(Path.of(required(options, "keystore")), secret(options, "keystore-password"),
                single(options, "key-alias"));
        loadTrusted(Path.of(required(options, "peer-cert")), options.getOrDefault("ca-cert", List.of()));
        String username = single(options, "username");

        // The source launcher loads this class in its own class loader; Metro looks the WSDL's callback
        // handlers up through the context class loader, which must therefore be that one.
        Thread.currentThread().setContextClassLoader(MetroBankClient.class.getClassLoader());
        Provider provider = Provider.provider();
        System.err.println("JAX-WS provider: " + provider.getClass().getName());
        if (!provider.getClass().getName().startsWith("com.sun.xml.ws.")) {
            throw new IllegalStateException("not Metro's JAX-WS provider; check the classpath");
        }

        Service service = Service.create(wsdl.toUri().toURL(), SERVICE);
        String binding = single(options, "binding");
        boolean conversation = binding != null && binding.startsWith("secure-conversation");
        QName port = username == null ? X509_PORT : "symmetric".equals(binding) ? USERNAME_FOR_CERTIFICATE_PORT
                : "secure-conversation".equals(binding) ? SECURE_CONVERSATION_PORT
                : "secure-conversation-2005".equals(binding) ? SECURE_CONVERSATION_2005_PORT : USERNAME_TOKEN_PORT;
        Dispatch<Source> dispatch = service.createDispatch(port,
                Source.class, Service.Mode.PAYLOAD);
        Map<String, Object> context = dispatch.getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint);
        // The gateway checks SOAPAction against the binding; Dispatch sends none unless asked.
        context.put(BindingProvider.SOAPACTION_USE_PROPERTY, Boolean.TRUE);
        context.put(BindingProvider.SOAPACTION_URI_PROPERTY, NS + "/GetAccount");
        if (username != null) {
            String password = secret(options, "password");
            if (password == null) {
                throw new IllegalArgumentException("--username needs --password or --password-file");
            }
            // XWSS's own keys, not BindingProvider.USERNAME_PROPERTY: that one also makes the HTTP transport
            // send the password as HTTP Basic, and the gateway refuses a request carrying two credentials
            // (CREDENTIALS_AMBIGUOUS).
            context.put(XWSSConstants.USERNAME_PROPERTY, username);
            context.put(XWSSConstants.PASSWORD_PROPERTY, password);
        }

        String request = "<GetAccount xmlns=\"" + NS + "\"><accountId>" + xmlText(account)
                + "</accountId></GetAccount>";
        try {
            Source response = dispatch.invoke(new StreamSource(new StringReader(request)));
            System.out.println(toXml(response));
            if (conversation) {
                // The same context again, then closed: Metro sends the gateway a Cancel for it.
                System.out.println(toXml(dispatch.invoke(new StreamSource(new StringReader(request)))));
                ((java.io.Closeable) dispatch).close();
            }
            return 0;
        } catch (SOAPFaultException e) {
            System.err.println("SOAP fault: " + e.getFault().getFaultCode() + ": " + e.getFault().getFaultString());
            if (e.getFault().getDetail() != null) {
                System.err.println("detail: " + toXml(e.getFault().getDetail()));
            }
            return 1;
        }
    }

    /** Serves the signing key: the sc:KeyStore callbackHandler. */
    public static class KeyStoreHandler implements CallbackHandler {
        @Override
        public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
            for (Callback callback : callbacks) {
                if (callback instanceof KeyStoreCallback keyStore) {
                    keyStore.setKeystore(signerKeys);
                } else if (callback instanceof PrivateKeyCallback privateKey) {
                    try {
                        String alias = privateKey.getAlias() == null ? SIGNER_ALIAS : privateKey.getAlias();
                        privateKey.setKey((PrivateKey) signerKeys.getKey(alias, signerKeyPassword));
                    } catch (GeneralSecurityException e) {
                        throw new IOException("signing key unavailable", e);
                    }
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        }
    }

    /** Serves the gateway's certificate and the CAs its response signer may chain to: the sc:TrustStore callbackHandler. */
    public static class TrustStoreHandler implements CallbackHandler {
        @Override
        public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
            for (Callback callback : callbacks) {
                if (callback instanceof KeyStoreCallback keyStore) {
                    keyStore.setKeystore(trusted);
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        }
    }

    static void loadSigner(Path file, String password, String alias) throws Exception {
        if (password == null) {
            throw new IllegalArgumentException("--keystore needs --keystore-password or --keystore-password-file");
        }
        char[] secret = password.toCharArray();
        KeyStore source = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            source.load(in, secret);
        }
        if (alias == null) {
            List<String> keys = new ArrayList<>();
            for (String candidate : Collections.list(source.aliases())) {
                if (source.isKeyEntry(candidate)) {
                    keys.add(candidate);
                }
            }
            if (keys.size() != 1) {
                throw new IllegalArgumentException(file + " holds " + keys.size() + " keys " + keys + "; name one with --key-alias");
            }
            alias = keys.get(0);
        }
        PrivateKey key = (PrivateKey) source.getKey(alias, secret);
        if (key == null) {
            throw new IllegalArgumentException(file + " has no key " + alias);
        }
        // Re-filed under the alias the WSDL names, so the WSDL does not depend on how a store is built.
        signerKeys = KeyStore.getInstance("PKCS12");
        signerKeys.load(null, null);
        signerKeys.setKeyEntry(SIGNER_ALIAS, key, secret, source.getCertificateChain(alias));
        signerKeyPassword = secret;
    }

    static void loadTrusted(Path peer, List<String> cas) throws Exception {
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(PEER_ALIAS, certificate(peer));
        for (int i = 0; i < cas.size(); i++) {
            trusted.setCertificateEntry("ca-" + i, certificate(Path.of(cas.get(i))));
        }
    }

    static Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static String toXml(Object source) throws Exception {
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter out = new StringWriter();
        Source input = source instanceof Node node ? new javax.xml.transform.dom.DOMSource(node) : (Source) source;
        transformer.transform(input, new StreamResult(out));
        return out.toString();
    }

    static String xmlText(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got: " + args[i]
                        + " (see the header of MetroBankClient.java)");
            }
            options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        return options;
    }

    static String single(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("--" + name + " given more than once");
        }
        return values.get(0);
    }

    static String required(Map<String, List<String>> options, String name) {
        String value = single(options, name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name + " (see the header of MetroBankClient.java)");
        }
        return value;
    }

    /** --NAME or --NAME-file, so that real secrets need not appear in a process listing. */
    static String secret(Map<String, List<String>> options, String name) throws IOException {
        String value = single(options, name);
        String file = single(options, name + "-file");
        if (value != null && file != null) {
            throw new IllegalArgumentException("give --" + name + " or --" + name + "-file, not both");
        }
        return file == null ? value : Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    }
}
