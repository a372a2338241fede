package io.portcullis.engine.authn;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * API keys as the security team keeps them: a YAML file of SHA-256 hashes, never the keys.
 *
 * <pre>
 * keys:
 *   - id: alice-2026-01          # shown in audit events; rotate by adding a second key per client
 *     subject: alice
 *     roles: [customer]
 *     tenant: demo-bank           # optional
 *     attributes:                 # optional: objects the key may act on, for object-level rules
 *       accounts: [acc-alice-1]
 *     sha256: 2c26b46b68ffc68f...  # printf %s 'the-key' | sha256sum
 *     expires: 2027-01-01T00:00:00Z   # optional
 *     revoked: false                  # optional
 * </pre>
 *
 * A plain hash suits API keys because they are long random strings, unlike passwords.
 */
public final class ApiKeyStore {

    /** One stored key. */
    public record StoredKey(String id, String subject, List<String> roles, String tenant, String sha256,
                            Instant expires, boolean revoked, Map<String, List<String>> attributes) {
    }

    record KeyFile(List<StoredKey> keys) {
    }

    private final Map<String, StoredKey> byHash;

    private ApiKeyStore(Map<String, StoredKey> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    public static ApiKeyStore load(Path file) throws IOException {
        List<StoredKey> keys = CredentialFiles.entries(file, "API key file", KeyFile.class, KeyFile::keys, "keys");
        Map<String, StoredKey> byHash = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        for (StoredKey key : keys) {
            String where = "API key file " + file + ", key '" + key.id() + "'";
            if (key.id() == null || key.id().isBlank() || key.subject() == null || key.subject().isBlank()) {
                throw new IOException("API key file " + file + ": every key needs an 'id' and a 'subject'");
            }
            if (key.sha256() == null || !key.sha256().matches("(?i)[0-9a-f]{64}")) {
                throw new IOException(where + ": 'sha256' must be 64 hex digits");
            }
            if (ids.put(key.id(), key.id()) != null) {
                throw new IOException(where + ": the id is used twice");
            }
            if (byHash.put(key.sha256().toLowerCase(Locale.ROOT), key) != null) {
                throw new IOException(where + ": the same key hash is listed twice");
            }
        }
        return new ApiKeyStore(byHash);
    }

    public Optional<StoredKey> find(String presentedKey) {
        return Optional.ofNullable(byHash.get(io.portcullis.engine.Sha256.hex(presentedKey)));
    }
}
