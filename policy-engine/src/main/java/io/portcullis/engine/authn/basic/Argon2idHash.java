package io.portcullis.engine.authn.basic;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * An Argon2id hash in the PHC string format that the reference {@code argon2} tool, libsodium,
 * argon2-cffi and Spring Security write:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in unpadded base64.
 * Computed with BouncyCastle and compared in constant time.
 */
public final class Argon2idHash extends PasswordHash {

    /** OWASP's minimum configuration: 19 MiB of memory, 2 passes, 1 lane. Also what new hashes use. */
    public static final int MIN_MEMORY_KIB = 19_456;
    public static final int MIN_ITERATIONS = 2;
    public static final int MIN_PARALLELISM = 1;
    /** The salt length the Argon2 authors recommend for passwords; 8 is their bare minimum. */
    public static final int MIN_SALT_BYTES = 16;
    /** Shorter tags make accidental matches plausible. */
    public static final int MIN_HASH_BYTES = 16;

    // Ceilings: a typo in the users file must not make every login take seconds or a gigabyte.
    static final int MAX_MEMORY_KIB = 1_048_576;
    static final int MAX_ITERATIONS = 16;
    static final int MAX_PARALLELISM = 16;
    static final int MAX_BYTES = 64;

    private static final int VERSION = Argon2Parameters.ARGON2_VERSION_13;
    private static final Pattern FORMAT = Pattern.compile(
            "\\$argon2id\\$v=(\\d{1,3})\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final byte[] salt;
    private final byte[] hash;

    private Argon2idHash(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.salt = salt;
        this.hash = hash;
    }

    static Argon2idHash read(String encoded) {
        Matcher matcher = FORMAT.matcher(encoded);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("is not a well-formed Argon2id hash"
                    + " (expected $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, unpadded base64)");
        }
        if (Integer.parseInt(matcher.group(1)) != 19) {
            throw new IllegalArgumentException("has Argon2 version v=" + matcher.group(1) + "; only v=19 is accepted");
        }
        int memory = Integer.parseInt(matcher.group(2));
        int iterations = Integer.parseInt(matcher.group(3));
        int parallelism = Integer.parseInt(matcher.group(4));
        byte[] salt = decode(matcher.group(5), "salt");
        byte[] hash = decode(matcher.group(6), "hash");
        if (iterations < 1 || parallelism < 1 || memory < 8 * parallelism) {
            throw new IllegalArgumentException("has Argon2id parameters that Argon2 does not define"
                    + " (t and p at least 1, m at least 8 KiB per lane)");
        }
        if (memory > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("has Argon2id parameters above the maximum m=" + MAX_MEMORY_KIB + ",t="
                    + MAX_ITERATIONS + ",p=" + MAX_PARALLELISM + ": every login would take too long or too much memory");
        }
        if (salt.length < 8 || salt.length > MAX_BYTES || hash.length < 4 || hash.length > MAX_BYTES) {
            throw new IllegalArgumentException("has a salt or hash length that Argon2 does not define"
                    + " (salt 8 to " + MAX_BYTES + " bytes, hash 4 to " + MAX_BYTES + ")");
        }
        return new Argon2idHash(memory, iterations, parallelism, salt, hash);
    }

    /** Hashes a new password with OWASP's minimum parameters, a 16-byte salt and a 32-byte hash. */
    public static Argon2idHash create(char[] password) {
        return create(password, MIN_MEMORY_KIB, MIN_ITERATIONS, MIN_PARALLELISM);
    }

    /** Hashes a new password; parameters below OWASP's minimum are refused. */
    public static Argon2idHash create(char[] password, int memoryKiB, int iterations, int parallelism) {
        if (memoryKiB < MIN_MEMORY_KIB || iterations < MIN_ITERATIONS || parallelism < MIN_PARALLELISM
                || memoryKiB > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2id parameters must be between m=" + MIN_MEMORY_KIB + ",t="
                    + MIN_ITERATIONS + ",p=" + MIN_PARALLELISM + " and m=" + MAX_MEMORY_KIB + ",t=" + MAX_ITERATIONS
                    + ",p=" + MAX_PARALLELISM);
        }
        return withUtf8(password, bytes -> {
            byte[] salt = randomBytes(MIN_SALT_BYTES);
            return new Argon2idHash(memoryKiB, iterations, parallelism, salt,
                    compute(bytes, salt, memoryKiB, iterations, parallelism, 32));
        });
    }

    @Override
    public boolean matches(char[] password) {
        try {
            return withUtf8(password, bytes -> {
                byte[] computed = compute(bytes, salt, memoryKiB, iterations, parallelism, hash.length);
                try {
                    // MessageDigest.isEqual takes the same time wherever the first difference is.
                    return MessageDigest.isEqual(computed, hash);
                } finally {
                    Arrays.fill(computed, (byte) 0);
                }
            });
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Optional<String> weakness() {
        if (memoryKiB < MIN_MEMORY_KIB || iterations < MIN_ITERATIONS || parallelism < MIN_PARALLELISM) {
            return Optional.of("Argon2id parameters m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                    + " are below the minimum m=" + MIN_MEMORY_KIB + ",t=" + MIN_ITERATIONS + ",p=" + MIN_PARALLELISM);
        }
        if (salt.length < MIN_SALT_BYTES) {
            return Optional.of("Argon2id salt of " + salt.length + " bytes is shorter than the minimum of "
                    + MIN_SALT_BYTES);
        }
        if (hash.length < MIN_HASH_BYTES) {
            return Optional.of("Argon2id hash of " + hash.length + " bytes is shorter than the minimum of "
                    + MIN_HASH_BYTES);
        }
        return Optional.empty();
    }

    @Override
    public Argon2idHash decoy() {
        char[] password = randomPassword();
        try {
            return withUtf8(password, bytes -> {
                byte[] decoySalt = randomBytes(salt.length);
                return new Argon2idHash(memoryKiB, iterations, parallelism, decoySalt,
                        compute(bytes, decoySalt, memoryKiB, iterations, parallelism, hash.length));
            });
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    @Override
    public String parameters() {
        return "Argon2id m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + " salt " + salt.length
                + " hash " + hash.length;
    }

    @Override
    public String encoded() {
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$"
                + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
    }

    public int memoryKiB() {
        return memoryKiB;
    }

    public int iterations() {
        return iterations;
    }

    public int parallelism() {
        return parallelism;
    }

    private static byte[] compute(byte[] password, byte[] salt, int memoryKiB, int iterations, int parallelism,
                                  int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(VERSION)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private static byte[] decode(String base64, String what) {
        // PHC strings carry no padding, so a length of 1 mod 4 cannot be base64 at all.
        if (base64.length() % 4 == 1) {
            throw new IllegalArgumentException("has an Argon2id " + what + " that is not valid base64");
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has an Argon2id " + what + " that is not valid base64");
        }
    }
}
