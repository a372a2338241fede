package io.portcullis.soap;

import io.portcullis.engine.authn.CredentialFiles;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Callers allowed to send a UsernameToken with a <em>PasswordDigest</em>. The digest
 * ({@code Base64(SHA-1(nonce + created + password))}) can only be checked against the password
 * itself, so these are shared secrets in plaintext: kept apart from {@code users.yaml}'s hashes, in
 * a file only the gateway may read, and only for legacy clients that cannot send PasswordText over
 * TLS. Secrets shorter than 16 characters are refused.
 *
 * <pre>
 * users:
 *   - username: bob
 *     secret: a-long-random-shared-secret
 *     roles: [customer]
 *     tenant: demo-bank
 *     attributes: {accounts: [acc-bob-1]}
 * </pre>
 */
public final class DigestUsers {

    static final int MIN_SECRET_LENGTH = 16;

    record UsersFile(List<User> users) {
    }

    /** One digest user; {@code toString} never shows the secret. */
    public record User(String username, String secret, List<String> roles, String tenant,
                       Map<String, List<String>> attributes) {

        Principal principal() {
            Map<String, Set<String>> values = new LinkedHashMap<>();
            if (attributes != null) {
                attributes.forEach((name, list) -> values.put(name, Set.copyOf(list)));
            }
            return Principal.builder(username, AuthMethod.WS_SECURITY).keyId(username)
                    .roles(roles == null ? List.of() : roles).tenant(tenant).attributes(values).build();
        }

        @Override
        public String toString() {
            return "User[" + username + ", roles=" + roles + ", secret=****]";
        }
    }

    public static final DigestUsers NONE = new DigestUsers(Map.of());

    private final Map<String, User> byName;

    private DigestUsers(Map<String, User> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** @throws IOException naming the file and the entry that is wrong */
    public static DigestUsers load(Path file) throws IOException {
        List<User> users = CredentialFiles.entries(file, "UsernameToken digest users file", UsersFile.class,
                UsersFile::users, "users");
        Map<String, User> byName = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            User user = users.get(i);
            String at = "UsernameToken digest users file " + file + ": entry " + (i + 1);
            if (user.username() == null || user.username().isBlank()) {
                throw new IOException(at + " needs a 'username'");
            }
            if (user.secret() == null || user.secret().length() < MIN_SECRET_LENGTH) {
                throw new IOException(at + " ('" + user.username() + "') needs a 'secret' of at least "
                        + MIN_SECRET_LENGTH + " characters");
            }
            if (byName.put(user.username(), user) != null) {
                throw new IOException(at + ": '" + user.username() + "' is listed twice");
            }
        }
        return new DigestUsers(byName);
    }

    public Optional<User> find(String username) {
        return Optional.ofNullable(byName.get(username));
    }
}
