package io.portcullis.soap;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and certificates made for the tests: a CA, identities it issues, and WSS4J cryptos over them. */
public final class TestKeys {

    public static final String PASSWORD = "test-only";
    public static final CallbackHandler PASSWORDS = callbacks -> {
        for (Callback callback : callbacks) {
            if (callback instanceof WSPasswordCallback password) {
                password.setPassword(PASSWORD);
            }
        }
    };
    private static final AtomicLong SERIALS = new AtomicLong(100);

    public record Identity(String alias, KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
    }

    private TestKeys() {
    }

    public static Identity authority(String name) throws Exception {
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
                subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate certificate = sign(builder, keys, "SHA256withRSA");
        return new Identity(name, keys, certificate, certificate);
    }

    public static Identity issue(Identity ca, String commonName) throws Exception {
        return issue(ca, commonName, rsa());
    }

    public static Identity issueEc(Identity ca, String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return issue(ca, commonName, generator.generateKeyPair());
    }

    private static Identity issue(Identity ca, String commonName, KeyPair keys) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(7))),
                new X500Name("CN=" + commonName + ",O=Portcullis Test"), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        SubjectKeyIdentifier ski = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic());
        builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
        return new Identity(commonName, keys, sign(builder, ca.keys(), "SHA256withRSA"), ca.certificate());
    }

    /** A crypto holding the private keys of {@code identities} (each under its alias) and trusting {@code authorities}. */
    public static Merlin crypto(Identity[] identities, X509Certificate... authorities) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        for (Identity identity : identities) {
            keys.setKeyEntry(identity.alias(), identity.keys().getPrivate(), PASSWORD.toCharArray(),
                    new Certificate[] {identity.certificate(), identity.issuer()});
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < authorities.length; i++) {
            trust.setCertificateEntry("ca" + i, authorities[i]);
        }
        Merlin crypto = new Merlin();
        crypto.setKeyStore(keys);
        crypto.setTrustStore(trust);
        return crypto;
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer, String algorithm) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    }
}
