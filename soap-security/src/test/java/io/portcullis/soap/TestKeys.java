package io.portcullis.soap;

import io.portcullis.examples.pki.DemoPki;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;

/** Keys and certificates for the tests ({@link DemoPki}'s), under aliases, and WSS4J cryptos over them. */
public final class TestKeys {

    public static final String PASSWORD = "test-only";
    public static final CallbackHandler PASSWORDS = callbacks -> {
        for (Callback callback : callbacks) {
            if (callback instanceof WSPasswordCallback password) {
                password.setPassword(PASSWORD);
            }
        }
    };

    public record Identity(String alias, KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
    }

    private TestKeys() {
    }

    public static Identity authority(String name) throws Exception {
        return identity(name, DemoPki.authority(name));
    }

    public static Identity issue(Identity ca, String commonName) throws Exception {
        return identity(commonName, DemoPki.issue(issued(ca), commonName));
    }

    public static Identity issueEc(Identity ca, String commonName) throws Exception {
        return identity(commonName, DemoPki.issueEc(issued(ca), commonName));
    }

    private static Identity identity(String alias, DemoPki.Issued issued) {
        return new Identity(alias, issued.keys(), issued.certificate(), issued.issuer());
    }

    private static DemoPki.Issued issued(Identity identity) {
        return new DemoPki.Issued(identity.keys(), identity.certificate(), identity.issuer());
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

}
