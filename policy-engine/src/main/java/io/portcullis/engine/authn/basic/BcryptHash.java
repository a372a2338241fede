package io.portcullis.engine.authn.basic;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A bcrypt hash ({@code $2b$12$<22 salt chars><31 hash chars>}), verified with BouncyCastle's
 * OpenBSD-compatible implementation. {@code $2a$} and {@code $2y$} (PHP, htpasswd) are the same
 * algorithm and are accepted too.
 *
 * <p>bcrypt reads only the first 72 bytes of a password; {@link #create} refuses longer ones
 * rather than silently ignoring the rest (use Argon2id for those).
 */
public final class BcryptHash extends PasswordHash {

    /** Below this, a GPU guesses too fast (OWASP: "a work factor of 10 or more"). */
    public static final int MIN_COST = 10;
    /** What new hashes use: about a quarter of a second on a server core of 2025. */
    public static final int DEFAULT_COST = 12;
    /** Each step doubles the time; 17 takes seconds per login and would stall the gateway's workers. */
    public static final int MAX_COST = 16;
    /** bcrypt's own limit: bytes past it do not count. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern FORMAT = Pattern.compile("\\$(2[aby])\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    private final String encoded;
    private final int cost;

    private BcryptHash(String encoded, int cost) {
        this.encoded = encoded;
        this.cost = cost;
    }

    static BcryptHash read(String encoded) {
        Matcher matcher = FORMAT.matcher(encoded);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("is not a well-formed bcrypt hash"
                    + " (expected $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters)");
        }
        int cost = Integer.parseInt(matcher.group(2));
        if (cost < 4) {
            throw new IllegalArgumentException("has bcrypt cost " + cost + ", which bcrypt does not define");
        }
        if (cost > MAX_COST) {
            throw new IllegalArgumentException("has bcrypt cost " + cost + ", above the maximum of " + MAX_COST
                    + ": every login would hold a worker for seconds");
        }
        return new BcryptHash(encoded, cost);
    }

    /**
     * Hashes a new password with a fresh random salt.
     *
     * @throws IllegalArgumentException for a cost outside {@value #MIN_COST}..{@value #MAX_COST} or a
     *                                  password longer than {@value #MAX_PASSWORD_BYTES} UTF-8 bytes
     */
    public static BcryptHash create(char[] password, int cost) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be between " + MIN_COST + " and " + MAX_COST);
        }
        return withUtf8(password, bytes -> {
            if (bytes.length > MAX_PASSWORD_BYTES) {
                throw new IllegalArgumentException("bcrypt uses only the first " + MAX_PASSWORD_BYTES
                        + " bytes of a password and this one has " + bytes.length + "; use Argon2id for it");
            }
            return new BcryptHash(OpenBSDBCrypt.generate("2b", bytes, randomBytes(16), cost), cost);
        });
    }

    @Override
    public boolean matches(char[] password) {
        try {
            return withUtf8(password, bytes -> OpenBSDBCrypt.checkPassword(encoded, bytes));
        } catch (RuntimeException e) {
            // Not reachable for a parsed hash and a decoded header; refusing is the only safe answer.
            return false;
        }
    }

    @Override
    public Optional<String> weakness() {
        return cost < MIN_COST
                ? Optional.of("bcrypt cost " + cost + " is below the minimum of " + MIN_COST)
                : Optional.empty();
    }

    @Override
    public BcryptHash decoy() {
        char[] password = randomPassword();
        try {
            return withUtf8(password, bytes ->
                    new BcryptHash(OpenBSDBCrypt.generate(encoded.substring(1, 3), bytes, randomBytes(16), cost), cost));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    public int cost() {
        return cost;
    }

    @Override
    public String parameters() {
        return "bcrypt cost " + cost;
    }

    @Override
    public String encoded() {
        return encoded;
    }
}
