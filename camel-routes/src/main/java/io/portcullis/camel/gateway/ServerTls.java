package io.portcullis.camel.gateway;

import io.portcullis.camel.config.GatewaySettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import io.portcullis.engine.authn.WatchedFile;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.camel.support.jsse.CipherSuitesParameters;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The TLS listener's context: the gateway's key, TLS 1.2 and 1.3 only with forward-secret AEAD
 * suites, and client certificates checked against the client CAs with PKIX — validity dates and,
 * when a CRL file is configured, revocation (a certificate whose issuer has no CRL in the file is
 * refused: the file is the list of authorities the operator keeps revocation for).
 *
 * <p>The CRL and truststore are reloaded when they change, without a restart: the trust manager in
 * the TLS context delegates to the latest one built. Sessions expire after
 * {@link #SESSION_TIMEOUT_SECONDS}, because a resumed session is not checked for revocation again.
 */
final class ServerTls {

    static final int SESSION_TIMEOUT_SECONDS = 300;

    /** The parameters for Camel, and what must be closed with the listener. */
    record Context(SSLContextParameters parameters, AutoCloseable resources) {
    }

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private ServerTls() {
    }

    static Context context(GatewaySettings.TlsListener tls) throws IOException, GeneralSecurityException {
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + tls.keyStore());
        keyStore.setType("PKCS12");
        keyStore.setPassword(tls.keyStorePassword());
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStore);
        keyManagers.setKeyPassword(tls.keyStorePassword());

        SSLContextParameters parameters = tls.requestsClientCertificate()
                ? new CertificateRequestingContext() : new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        AutoCloseable resources = () -> { };
        if (tls.trustStore() != null) {
            Path watchedFile = tls.crlFile() != null ? tls.crlFile() : tls.trustStore();
            WatchedFile<X509ExtendedTrustManager> trust = WatchedFile.watch(watchedFile, changed -> {
                try {
                    return clientTrustManager(tls);
                } catch (GeneralSecurityException e) {
                    throw new IOException("client trust (" + watchedFile + ") cannot be used: " + e.getMessage(), e);
                }
            });
            resources = trust;
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setTrustManager(new LatestTrust(trust));
            parameters.setTrustManagers(trustManagers);
        }
        parameters.setSessionTimeout(String.valueOf(SESSION_TIMEOUT_SECONDS));
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(PROTOCOLS);
        parameters.setSecureSocketProtocols(protocols);
        CipherSuitesParameters suites = new CipherSuitesParameters();
        suites.setCipherSuite(CIPHER_SUITES);
        parameters.setCipherSuites(suites);
        return new Context(parameters, resources);
    }

    /** Checks client certificates with whichever trust manager the latest CRL and truststore built. */
    private static final class LatestTrust extends X509ExtendedTrustManager {
        private final java.util.function.Supplier<X509ExtendedTrustManager> current;

        LatestTrust(java.util.function.Supplier<X509ExtendedTrustManager> current) {
            this.current = current;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            current.get().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            current.get().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            current.get().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("this trust manager only checks clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("this trust manager only checks clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager only checks clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return current.get().getAcceptedIssuers();
        }
    }

    private static X509ExtendedTrustManager clientTrustManager(GatewaySettings.TlsListener tls)
            throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.trustStore())) {
            trusted.load(in, tls.trustStorePassword() == null ? new char[0] : tls.trustStorePassword().toCharArray());
        }
        PKIXBuilderParameters pkix = new PKIXBuilderParameters(trusted, new X509CertSelector());
        if (tls.crlFile() != null) {
            Collection<? extends CRL> crls;
            try (InputStream in = Files.newInputStream(tls.crlFile())) {
                crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
            }
            pkix.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            pkix.setRevocationEnabled(true);
        } else {
            pkix.setRevocationEnabled(false);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(new CertPathTrustManagerParameters(pkix));
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }
}
