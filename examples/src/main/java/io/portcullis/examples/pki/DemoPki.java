package io.portcullis.examples.pki;

import java.math.BigInteger;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small PKI for demos and tests: CAs, server and client certificates and a CRL, written as
 * PKCS12 and DER files. {@link #main} writes the demo bank's set to {@code examples/config/tls}.
 * Everything it makes is for demonstration only: the passwords are published.
 */
public final class DemoPki {

    public static final char[] PASSWORD = "demo-only".toCharArray();
    private static final AtomicLong SERIALS = new AtomicLong(1000);

    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
    }

    private final Path dir;

    public DemoPki(Path dir) {
        this.dir = dir;
    }

    /** A CA valid for 30 days: enough for a test run. */
    public static Issued authority(String name) throws Exception {
        return authority(name, Instant.now().plus(Duration.ofDays(30)));
    }

    public static Issued authority(String name, Instant notAfter) throws Exception {
        KeyPair keys = keys();
        X500Name subject = new X500Name("CN=" + name + ",O=Portcullis Demo");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(notAfter), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate certificate = sign(builder, keys);
        return new Issued(keys, certificate, certificate);
    }

    public static Issued issue(Issued ca, String commonName, Instant notBefore, Instant notAfter, GeneralName... names) throws Exception {
        return issue(ca, commonName, keys(), notBefore, notAfter, names);
    }

    /** An identity with an EC (P-256) key, for ECDSA signatures; signed by the (RSA) CA. */
    public static Issued issueEc(Issued ca, String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return issue(ca, commonName, generator.generateKeyPair(), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(7)));
    }

    private static Issued issue(Issued ca, String commonName, KeyPair keys, Instant notBefore, Instant notAfter,
                                GeneralName... names) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName + ",O=Portcullis Demo"),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        // WS-Security clients may name the certificate by its subject key identifier.
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        if (names.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new Issued(keys, sign(builder, ca.keys()), ca.certificate());
    }

    public static Issued issue(Issued ca, String commonName, GeneralName... names) throws Exception {
        return issue(ca, commonName, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(7)), names);
    }

    public Path keyStore(String file, Issued identity) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", identity.keys().getPrivate(), PASSWORD,
                new Certificate[] {identity.certificate(), identity.issuer()});
        return write(file, store);
    }

    public Path trustStore(String file, X509Certificate... authorities) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.length; i++) {
            store.setCertificateEntry("ca" + i, authorities[i]);
        }
        return write(file, store);
    }

    /** A CRL valid for {@code validFor}: verifiers refuse every certificate of the CA once it is out of date. */
    public Path crl(String file, Issued ca, Duration validFor, X509Certificate... revoked) throws Exception {
        X509v2CRLBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(ca.certificate(),
                Date.from(Instant.now().minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(Instant.now().plus(validFor)));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(certificate.getSerialNumber(), new Date(), 0);
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(ca.keys().getPrivate());
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer));
        Path path = dir.resolve(file);
        Files.write(path, crl.getEncoded());
        return path;
    }

    public Path password(String file) throws Exception {
        return Files.writeString(dir.resolve(file), new String(PASSWORD));
    }

    /** A client TLS context presenting {@code identity} (or nothing) and trusting {@code serverCa}. */
    public static SSLContext client(Issued identity, X509Certificate serverCa) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", serverCa);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("key", identity.keys().getPrivate(), PASSWORD,
                    new Certificate[] {identity.certificate(), identity.issuer()});
        }
        keyManagers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private Path write(String file, KeyStore store) throws Exception {
        Path path = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, PASSWORD);
        }
        return path;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    /**
     * Writes the demo bank's PKI: {@code java ... DemoPki examples/config}: TLS material to
     * {@code tls/}, the gateway's WS-Security key to {@code wss/}. Everything is valid for three years.
     */
    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "examples/config");
        Path dir = config.resolve("tls");
        Files.createDirectories(dir);
        DemoPki pki = new DemoPki(dir);
        Instant now = Instant.now();
        Instant threeYears = now.plus(Duration.ofDays(3 * 365));
        Issued ca = authority("Portcullis Demo CA", threeYears);
        Issued server = issue(ca, "localhost", now.minus(Duration.ofDays(1)), threeYears,
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        Issued alice = issue(ca, "alice", now.minus(Duration.ofDays(1)), threeYears);
        Issued admin = issue(ca, "admin", now.minus(Duration.ofDays(1)), threeYears);
        Issued revoked = issue(ca, "mallory", now.minus(Duration.ofDays(1)), threeYears);
        pki.keyStore("server.p12", server);
        pki.keyStore("alice.p12", alice);
        pki.keyStore("admin.p12", admin);
        pki.keyStore("mallory-revoked.p12", revoked);
        pki.trustStore("client-ca.p12", ca.certificate());
        pki.crl("client-ca.crl", ca, Duration.ofDays(3 * 365), revoked.certificate());
        pki.password("keystore.pass");
        Files.writeString(dir.resolve("ca.pem"), pem(ca.certificate()));

        // WS-Security: the gateway decrypts what clients encrypt to this certificate.
        Path wss = config.resolve("wss");
        Files.createDirectories(wss);
        Issued gateway = issue(ca, "portcullis-gateway", now.minus(Duration.ofDays(1)), threeYears);
        new DemoPki(wss).keyStore("gateway.p12", gateway);
        Files.writeString(wss.resolve("gateway.pem"), pem(gateway.certificate()));
    }

    public static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
