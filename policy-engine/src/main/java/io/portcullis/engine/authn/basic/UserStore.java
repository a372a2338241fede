package io.portcullis.engine.authn.basic;

import io.portcullis.engine.authn.CredentialFiles;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The users that may log in with HTTP Basic, as the security team keeps them: a YAML file of
 * password hashes, never passwords.
 *
 * <pre>
 * users:
 *   - username: alice
 *     passwordHash: $2b$12$...     # portcullis users hash   (or --argon2id)
 *     roles: [customer]
 *     tenant: demo-bank            # optional
 *     attributes:                  # optional: objects the user may act on, for object-level rules
 *       accounts: [acc-alice-1]
 *     disabled: false              # optional: refuse logins without deleting the user
 * </pre>
 *
 * Loading refuses the whole file, naming the user and the key, when a user is incomplete, listed
 * twice, or has a password that is not a bcrypt/Argon2id hash or whose parameters are too weak:
 * a weak hash is found at start-up, not after the file leaks. Immutable; pair it with a
 * {@code WatchedFile} so edits apply without a restart.
 */
public final class UserStore {

    /** One user, ready to log in: its principal is built once, at load. */
    public record User(String username, PasswordHash passwordHash, boolean disabled, Principal principal) {
    }

    record UserEntry(String username, String passwordHash, List<String> roles, String tenant,
                     Map<String, List<String>> attributes, Boolean disabled) {
    }

    record UserFile(List<UserEntry> users) {
    }

    private final Map<String, User> byUsername;
    private final PasswordHash decoy;

    private UserStore(Map<String, User> byUsername, PasswordHash decoy) {
        this.byUsername = Map.copyOf(byUsername);
        this.decoy = decoy;
    }

    /**
     * Reads and checks a users file. Costs one hash computation (the decoy), so a cost-12 file
     * takes a few hundred milliseconds to load.
     */
    public static UserStore load(Path file) throws IOException {
        List<UserEntry> entries = CredentialFiles.entries(file, "users file", UserFile.class, UserFile::users, "users");
        Map<String, User> byUsername = new LinkedHashMap<>();
        Map<String, String> lowerCase = new HashMap<>();
        for (UserEntry entry : entries) {
            if (entry.username() == null || entry.username().isBlank()) {
                throw new IOException("users file " + file + ": every user needs a 'username'");
            }
            String where = "users file " + file + ", user '" + entry.username() + "'";
            User user = user(entry, where);
            if (lowerCase.put(entry.username().toLowerCase(Locale.ROOT), entry.username()) != null) {
                throw new IOException(where + ": the username is listed twice (usernames differing only in case"
                        + " count as the same)");
            }
            byUsername.put(user.username(), user);
        }
        return new UserStore(byUsername, decoyFor(byUsername));
    }

    /** The user with exactly this name (case matters, as in the file). */
    public Optional<User> find(String username) {
        return Optional.ofNullable(byUsername.get(username));
    }

    /**
     * What to verify an unknown username's password against: a hash of a random secret with the
     * parameters most users in the file have, so most logins take the same time whether the
     * user exists or not.
     */
    public PasswordHash decoy() {
        return decoy;
    }

    public int size() {
        return byUsername.size();
    }

    private static User user(UserEntry entry, String where) throws IOException {
        String username = entry.username();
        // RFC 7617: a user-id with a colon cannot be sent, and control characters are not allowed.
        if (username.indexOf(':') >= 0 || username.chars().anyMatch(Character::isISOControl)
                || !username.equals(username.strip())) {
            throw new IOException(where + ": 'username' must not contain a colon, control characters or"
                    + " surrounding spaces");
        }
        if (entry.passwordHash() == null) {
            throw new IOException(where + ": 'passwordHash' is missing");
        }
        PasswordHash hash;
        try {
            hash = PasswordHash.parse(entry.passwordHash());
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": 'passwordHash' " + e.getMessage());
        }
        Optional<String> weakness = hash.weakness();
        if (weakness.isPresent()) {
            throw new IOException(where + ": 'passwordHash' is too weak: " + weakness.get()
                    + "; hash the password again with 'portcullis users hash'");
        }
        List<String> roles = entry.roles() == null ? List.of() : entry.roles();
        if (roles.stream().anyMatch(role -> role == null || role.isBlank())) {
            throw new IOException(where + ": 'roles' has an empty entry");
        }
        Map<String, Set<String>> attributes = new LinkedHashMap<>();
        if (entry.attributes() != null) {
            for (Map.Entry<String, List<String>> attribute : entry.attributes().entrySet()) {
                List<String> values = attribute.getValue();
                if (values == null || values.stream().anyMatch(value -> value == null || value.isBlank())) {
                    throw new IOException(where + ": 'attributes." + attribute.getKey() + "' needs a list of values");
                }
                attributes.put(attribute.getKey(), Set.copyOf(values));
            }
        }
        Principal principal = Principal.builder(username, AuthMethod.BASIC)
                .roles(roles)
                .tenant(entry.tenant())
                .keyId(username)
                .attributes(attributes)
                .build();
        return new User(username, hash, Boolean.TRUE.equals(entry.disabled()), principal);
    }

    private static PasswordHash decoyFor(Map<String, User> users) {
        Map<String, Integer> counts = new HashMap<>();
        PasswordHash commonest = null;
        int most = 0;
        for (User user : users.values()) {
            int count = counts.merge(user.passwordHash().parameters(), 1, Integer::sum);
            if (count > most) {
                most = count;
                commonest = user.passwordHash();
            }
        }
        if (commonest == null) {
            // No users: every login fails, but still as slowly as a real one would.
            char[] password = PasswordHash.randomPassword();
            try {
                return BcryptHash.create(password, BcryptHash.DEFAULT_COST);
            } finally {
                java.util.Arrays.fill(password, '\0');
            }
        }
        return commonest.decoy();
    }
}
