package io.portcullis.engine.authn.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.function.Supplier;

/**
 * Verification keys kept as a JWK Set file, for identity providers the gateway cannot reach or
 * deployments that pin keys. Used through a {@link io.portcullis.engine.authn.WatchedFile}, so
 * publishing a new key in the file rotates it in without a restart, and a broken file leaves the
 * last good keys in service.
 */
public final class JwksFile {

    private JwksFile() {
    }

    /**
     * Parses the file; the {@link io.portcullis.engine.authn.WatchedFile.Parser} for JWKS files.
     *
     * @throws IOException naming the file when it is unreadable, not a JWK Set, empty, or holds
     *                     private or shared-secret keys (a verifier needs none, and a gateway
     *                     config is the wrong place to keep an identity provider's signing key)
     */
    public static JWKSet load(Path file) throws IOException {
        JWKSet set;
        try {
            set = JWKSet.load(file.toFile());
        } catch (ParseException e) {
            throw new IOException("JWKS file " + file + " is not a JWK Set: " + e.getMessage(), e);
        }
        if (set.getKeys().isEmpty()) {
            throw new IOException("JWKS file " + file + " holds no keys");
        }
        for (JWK key : set.getKeys()) {
            if (key.isPrivate()) {
                throw new IOException("JWKS file " + file + " holds private or shared-secret key material"
                        + (key.getKeyID() == null ? "" : " (key '" + key.getKeyID() + "')")
                        + "; publish only the public keys");
            }
        }
        return set;
    }

    /** The keys in service, read on every verification so a reload takes effect at once. */
    public static JWKSource<SecurityContext> source(Supplier<JWKSet> keys) {
        return new FileKeySource(keys);
    }

    /** Keys from the file in service; which set is in service tells cached verifications apart. */
    static final class FileKeySource implements JWKSource<SecurityContext> {
        private final Supplier<JWKSet> keys;

        FileKeySource(Supplier<JWKSet> keys) {
            this.keys = keys;
        }

        @Override
        public java.util.List<com.nimbusds.jose.jwk.JWK> get(com.nimbusds.jose.jwk.JWKSelector selector, SecurityContext context) {
            return selector.select(keys.get());
        }

        Object generation() {
            return keys.get();
        }
    }
}
