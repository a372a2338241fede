package io.portcullis.engine.authn.basic;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * A stored password hash, parsed: the one thing the users file keeps instead of a password.
 * Two formats are understood, because those are what password tools produce:
 * {@link BcryptHash bcrypt} ({@code $2a$}, {@code $2b$}, {@code $2y$}) and
 * {@link Argon2idHash Argon2id} PHC strings ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}).
 *
 * <p>Both are slow on purpose (around 100 ms), so that a stolen users file resists guessing. The
 * price is paid on every login, which is why {@code BasicAuthenticator} caches good credentials.
 *
 * <p>How to use: {@link #parse} when the users file is loaded (it refuses anything else, plaintext
 * included), {@link #weakness()} to refuse parameters below today's minimum, {@link #matches} per
 * login, and {@link #decoy()} to spend the same time on a username that does not exist.
 */
public abstract sealed class PasswordHash permits BcryptHash, Argon2idHash {

    static final SecureRandom RANDOM = new SecureRandom();

    PasswordHash() {
    }

    /**
     * Parses a stored hash. The message of the exception says what is wrong without repeating the
     * value, which may be a password pasted by mistake.
     *
     * @throws IllegalArgumentException when the text is not a well-formed bcrypt or Argon2id hash,
     *                                  or its parameters are too costly to run on a gateway
     */
    public static PasswordHash parse(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        if (encoded.startsWith("$2")) {
            return BcryptHash.read(encoded);
        }
        if (encoded.startsWith("$argon2id$")) {
            return Argon2idHash.read(encoded);
        }
        if (encoded.startsWith("$argon2")) {
            throw new IllegalArgumentException("is an Argon2 hash of another variant; only Argon2id is accepted");
        }
        throw new IllegalArgumentException("is not a bcrypt or Argon2id hash (plaintext passwords are not accepted;"
                + " create a hash with 'portcullis users hash')");
    }

    /**
     * True when {@code password} is the one this hash was made from. Takes the full cost of the
     * hash whatever the answer, and never throws for a wrong or odd password.
     */
    public abstract boolean matches(char[] password);

    /** Why the parameters are below the minimum we accept (bcrypt cost 10, OWASP's Argon2id), or empty. */
    public abstract Optional<String> weakness();

    /**
     * A hash of a random secret with the same parameters. Verifying an unknown user's password
     * against it takes as long as verifying a known user's, so timing does not tell which
     * usernames exist. Costs one hash computation to make.
     */
    public abstract PasswordHash decoy();

    /** The parameters that decide how long {@link #matches} takes, e.g. {@code bcrypt cost 12}. */
    public abstract String parameters();

    /** The stored form, as it appears in the users file. */
    public abstract String encoded();

    /** Never the hash: it is not a secret like a password, but has no business in logs either. */
    @Override
    public String toString() {
        return parameters();
    }

    /**
     * Runs {@code use} on the password's UTF-8 bytes and zeroes them afterwards, whatever happens.
     *
     * @throws IllegalArgumentException when the password is not valid Unicode (unpaired surrogates)
     */
    static <T> T withUtf8(char[] password, java.util.function.Function<byte[], T> use) {
        byte[] bytes;
        try {
            bytes = utf8(password);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the password is not valid Unicode text");
        }
        try {
            return use.apply(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Encodes a password as UTF-8 into an array the caller can zero, unlike
     * {@code new String(password).getBytes()}, which leaves copies behind.
     *
     * @throws CharacterCodingException for unpaired surrogates, which no client can have typed
     */
    static byte[] utf8(char[] password) throws CharacterCodingException {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = encoder.encode(CharBuffer.wrap(password));
        byte[] bytes = Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
        Arrays.fill(buffer.array(), (byte) 0);
        return bytes;
    }

    /** A random password for a decoy: nobody knows it, so nothing ever matches a decoy. */
    static char[] randomPassword() {
        char[] password = new char[32];
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < password.length; i++) {
            password[i] = alphabet.charAt(RANDOM.nextInt(alphabet.length()));
        }
        return password;
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
