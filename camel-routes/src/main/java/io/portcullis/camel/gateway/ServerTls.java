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
import javax.net.ssl.X509TrustManager;
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
 */
final class ServerTls {

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private ServerTls() {
    }

    static SSLContextParameters parameters(GatewaySettings.TlsListener tls) throws IOException, GeneralSecurityException {
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
        if (tls.trustStore() != null) {
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setTrustManager(clientTrustManager(tls));
            parameters.setTrustManagers(trustManagers);
        }
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(PROTOCOLS);
        parameters.setSecureSocketProtocols(protocols);
        CipherSuitesParameters suites = new CipherSuitesParameters();
        suites.setCipherSuite(CIPHER_SUITES);
        parameters.setCipherSuites(suites);
        return parameters;
    }

    private static X509TrustManager clientTrustManager(GatewaySettings.TlsListener tls)
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
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }
}
