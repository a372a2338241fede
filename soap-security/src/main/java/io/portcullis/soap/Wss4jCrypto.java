package io.portcullis.soap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.util.Collection;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import org.apache.wss4j.common.crypto.Crypto;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;

/**
 * WSS4J key material from PKCS12 files: the gateway's private keys (to decrypt requests and sign
 * responses), the truststore of accepted signers, and CRLs that revoke some of them.
 */
public final class Wss4jCrypto {

    private Wss4jCrypto() {
    }

    /**
     * @param keyStore   PKCS12 with the gateway's private key(s), or null
     * @param trustStore PKCS12 of trusted CAs or signer certificates, or null
     * @param crlFile    PEM or DER CRLs checked for every signer when given, or null
     * @throws IOException naming the file that could not be read
     */
    public static Crypto load(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
                              Path crlFile) throws IOException {
        Merlin crypto = new Merlin();
        // Without it every signature and decryption first unwraps the PKCS12 key (PBKDF2): 3 ms
        // instead of 1 ms per operation (WsSecurityBenchmark).
        crypto.setEnablePrivateKeyCaching(true);
        if (keyStore != null) {
            crypto.setKeyStore(pkcs12(keyStore, keyStorePassword));
        }
        if (trustStore != null) {
            crypto.setTrustStore(pkcs12(trustStore, trustStorePassword));
        }
        if (crlFile != null) {
            try (InputStream in = Files.newInputStream(crlFile)) {
                Collection<? extends java.security.cert.CRL> crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
                crypto.setCRLCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            } catch (GeneralSecurityException e) {
                throw new IOException(crlFile + " is not a CRL file: " + e.getMessage(), e);
            }
        }
        return crypto;
    }

    /**
     * The alias of the one private key in {@code keys} (as {@link #load} made it), for a signer
     * the configuration does not name.
     *
     * @throws IOException when there is not exactly one, asking for the key to be named
     */
    public static String onlyPrivateKeyAlias(Crypto keys) throws IOException {
        KeyStore store = ((Merlin) keys).getKeyStore();
        try {
            java.util.List<String> aliases = new java.util.ArrayList<>();
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    aliases.add(alias);
                }
            }
            if (aliases.size() != 1) {
                throw new IOException("the keystore holds " + aliases.size() + " private keys: name the signing one (keyAlias)");
            }
            return aliases.get(0);
        } catch (java.security.KeyStoreException e) {
            throw new IOException("the keystore cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The encoding of the private key under {@code alias}: the secret other keys are derived from
     * (the WS-SecureConversation contexts sealed in Redis).
     *
     * @throws IOException when the key cannot be read, or cannot be read out (a hardware key)
     */
    public static byte[] privateKeyEncoding(Crypto keys, String alias, char[] password) throws IOException {
        try {
            java.security.PrivateKey key = keys.getPrivateKey(alias, new String(password));
            if (key == null || key.getEncoded() == null) {
                throw new IOException("the key " + alias + " cannot be read out");
            }
            return key.getEncoded();
        } catch (org.apache.wss4j.common.ext.WSSecurityException e) {
            throw new IOException("the key " + alias + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** @throws IOException naming the file when it holds no X.509 certificate (PEM or DER) */
    public static java.security.cert.X509Certificate certificate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (java.security.cert.X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** Answers WSS4J's requests for a private key's password (all keys of the keystore share it). */
    public static CallbackHandler keyPasswords(char[] password) {
        String value = new String(password);
        return callbacks -> {
            for (Callback callback : callbacks) {
                if (callback instanceof WSPasswordCallback passwordCallback) {
                    passwordCallback.setPassword(value);
                }
            }
        };
    }

    private static KeyStore pkcs12(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PKCS12 store this password opens: " + e.getMessage(), e);
        }
    }
}
