package io.portcullis.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A value as its SHA-256: base64url for how the gateway remembers what it must not keep as given (a
 * message's replay identifier) and names a store's keys (one length whatever the value, and nothing
 * of it told to whoever reads the store); lower-case hex where a published format says so (API key
 * files, persisted GraphQL queries). One digest per thread, not one lookup per call.
 */
public final class Sha256 {

    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    });

    private Sha256() {
    }

    public static String base64Url(String value) {
        return base64Url(value.getBytes(StandardCharsets.UTF_8));
    }

    public static String base64Url(byte[] value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(DIGESTS.get().digest(value));
    }

    public static String hex(String value) {
        return hex(value.getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(byte[] value) {
        return HexFormat.of().formatHex(DIGESTS.get().digest(value));
    }
}
