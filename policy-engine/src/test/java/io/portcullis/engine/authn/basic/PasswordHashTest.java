package io.portcullis.engine.authn.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Real bcrypt and Argon2id, checked against hashes made by other implementations. */
class PasswordHashTest {

    /** From the OpenBSD/jBCrypt test vectors. */
    static final String BCRYPT_ABC = "$2a$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi";
    static final String BCRYPT_EMPTY_COST_6 = "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.";

    /**
     * Made with the reference implementation (the {@code argon2} command of the Argon2 authors):
     * {@code echo -n PASSWORD | argon2 portcullis-salt-16 -id -t T -k M -p P -l 32 -e}.
     */
    static final String ARGON2ID_OWASP =
            "$argon2id$v=19$m=19456,t=2,p=1$cG9ydGN1bGxpcy1zYWx0LTE2$u0tOCO115LZTrKRpdb0xFJIVkiKHU8CTlZUQfiJjaCU";
    static final String ARGON2ID_TWO_LANES =
            "$argon2id$v=19$m=19456,t=3,p=2$cG9ydGN1bGxpcy1zYWx0LTE2$/wDkI2dZPbxVhfujj19tdpYqxcOYc4MyzWc1tehQTZw";
    static final String ARGON2ID_NON_ASCII =
            "$argon2id$v=19$m=19456,t=2,p=1$cG9ydGN1bGxpcy1zYWx0LTE2$ZgIUjg4sd+hivagmCS4Jjq91PDgWp8N3wsDXuk55M4s";
    static final String ARGON2ID_VECTOR_PASSWORD = "portcullis-argon2-vector";

    @Test
    void bcryptFromAnotherImplementationVerifies() {
        PasswordHash hash = PasswordHash.parse(BCRYPT_ABC);

        assertThat(hash).isInstanceOf(BcryptHash.class);
        assertThat(hash.matches("abc".toCharArray())).isTrue();
        assertThat(hash.matches("abd".toCharArray())).isFalse();
        assertThat(hash.matches("".toCharArray())).isFalse();
        assertThat(hash.weakness()).isEmpty();
    }

    @Test
    void argon2idFromTheReferenceImplementationVerifies() {
        assertThat(PasswordHash.parse(ARGON2ID_OWASP).matches(ARGON2ID_VECTOR_PASSWORD.toCharArray())).isTrue();
        assertThat(PasswordHash.parse(ARGON2ID_OWASP).matches("portcullis-argon2-vectoR".toCharArray())).isFalse();
        assertThat(PasswordHash.parse(ARGON2ID_TWO_LANES).matches(ARGON2ID_VECTOR_PASSWORD.toCharArray())).isTrue();
        // The password is hashed as UTF-8, as the reference tool reads it from a UTF-8 terminal.
        assertThat(PasswordHash.parse(ARGON2ID_NON_ASCII).matches("pässwörd".toCharArray())).isTrue();
        assertThat(PasswordHash.parse(ARGON2ID_NON_ASCII).matches("passwort".toCharArray())).isFalse();
    }

    @Test
    void newHashesRoundTripThroughTheirStoredForm() {
        BcryptHash bcrypt = BcryptHash.create("correct horse".toCharArray(), 10);
        Argon2idHash argon2id = Argon2idHash.create("correct horse".toCharArray());

        assertThat(bcrypt.encoded()).startsWith("$2b$10$").hasSize(60);
        assertThat(argon2id.encoded()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        for (PasswordHash hash : new PasswordHash[] {bcrypt, argon2id}) {
            PasswordHash stored = PasswordHash.parse(hash.encoded());
            assertThat(stored.matches("correct horse".toCharArray())).as(hash.parameters()).isTrue();
            assertThat(stored.matches("correct horse ".toCharArray())).as(hash.parameters()).isFalse();
            assertThat(stored.weakness()).isEmpty();
        }
    }

    @Test
    void twoHashesOfOnePasswordDifferBecauseOfTheSalt() {
        assertThat(BcryptHash.create("same".toCharArray(), 10).encoded())
                .isNotEqualTo(BcryptHash.create("same".toCharArray(), 10).encoded());
    }

    @Test
    void weakParametersAreReported() {
        assertThat(PasswordHash.parse(BCRYPT_EMPTY_COST_6).weakness())
                .hasValue("bcrypt cost 6 is below the minimum of 10");
        assertThat(PasswordHash.parse(argon2id("m=4096,t=3,p=1", 16, 32)).weakness()).get().asString()
                .contains("m=4096,t=3,p=1 are below the minimum m=19456,t=2,p=1");
        assertThat(PasswordHash.parse(argon2id("m=19456,t=1,p=1", 16, 32)).weakness()).isPresent();
        assertThat(PasswordHash.parse(argon2id("m=19455,t=2,p=1", 16, 32)).weakness()).isPresent();
        assertThat(PasswordHash.parse(argon2id("m=19456,t=2,p=1", 8, 32)).weakness()).get().asString()
                .contains("salt of 8 bytes");
        assertThat(PasswordHash.parse(argon2id("m=19456,t=2,p=1", 16, 8)).weakness()).get().asString()
                .contains("hash of 8 bytes");
        assertThat(PasswordHash.parse(argon2id("m=65536,t=3,p=4", 16, 32)).weakness()).isEmpty();
    }

    @Test
    void malformedHashesAndPlaintextAreRefusedWithoutRepeatingThem() {
        String bcryptBody = BCRYPT_ABC.substring(7);
        String[] refused = {
            "alice-demo-password",
            "$2a$10$tooShort",
            "$2x$10$" + bcryptBody,
            "$2a$1$" + bcryptBody,
            "$2a$17$" + bcryptBody,
            "$2a$03$" + bcryptBody,
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            argon2id("m=19456,t=2,p=1", 16, 32).replace("v=19", "v=16"),
            argon2id("m=19456,t=2,p=1", 16, 32) + "==",
            argon2id("m=19456,t=2,p=1", 16, 32).replace("m=19456,t=2,p=1", "t=2,m=19456,p=1"),
            argon2id("m=2097152,t=2,p=1", 16, 32),
            argon2id("m=19456,t=2,p=1", 4, 32),
            "$argon2id$v=19$m=19456,t=2,p=1$!!!!$????",
            "",
        };
        for (String encoded : refused) {
            assertThatThrownBy(() -> PasswordHash.parse(encoded)).as(encoded)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> {
                        if (!encoded.isEmpty()) {
                            assertThat(e.getMessage()).doesNotContain(encoded);
                        }
                    });
        }
        assertThatThrownBy(() -> PasswordHash.parse("alice-demo-password"))
                .hasMessageContaining("is not a bcrypt or Argon2id hash");
        assertThatThrownBy(() -> PasswordHash.parse("$2a$17$" + bcryptBody)).hasMessageContaining("above the maximum of 16");
        assertThatThrownBy(() -> PasswordHash.parse(argon2id("m=19456,t=2,p=1", 16, 32).replace("v=19", "v=16")))
                .hasMessageContaining("only v=19");
    }

    @Test
    void decoyHasTheSameParametersAndMatchesNeitherPassword() {
        PasswordHash real = PasswordHash.parse(ARGON2ID_OWASP);
        PasswordHash decoy = real.decoy();
        PasswordHash bcryptDecoy = PasswordHash.parse(BCRYPT_ABC).decoy();

        assertThat(decoy.parameters()).isEqualTo(real.parameters());
        assertThat(decoy.encoded()).isNotEqualTo(real.encoded());
        assertThat(decoy.matches(ARGON2ID_VECTOR_PASSWORD.toCharArray())).isFalse();
        assertThat(bcryptDecoy.parameters()).isEqualTo("bcrypt cost 10");
        assertThat(bcryptDecoy.encoded()).startsWith("$2a$10$");
        assertThat(bcryptDecoy.matches("abc".toCharArray())).isFalse();
    }

    @Test
    void bcryptRefusesToHashWhatItWouldTruncateOrTooCheaply() {
        char[] long73 = "x".repeat(73).toCharArray();

        assertThatThrownBy(() -> BcryptHash.create(long73, 12))
                .hasMessageContaining("only the first 72 bytes").hasMessageContaining("Argon2id");
        assertThatThrownBy(() -> BcryptHash.create("pw".toCharArray(), 9)).hasMessageContaining("between 10 and 16");
        assertThatThrownBy(() -> Argon2idHash.create("pw".toCharArray(), 8192, 2, 1))
                .hasMessageContaining("m=19456,t=2,p=1");
    }

    @Test
    void toStringShowsParametersNotTheHash() {
        assertThat(PasswordHash.parse(BCRYPT_ABC)).hasToString("bcrypt cost 10");
    }

    /** An Argon2id string with these parameters and lengths; the bytes are not a real hash. */
    static String argon2id(String parameters, int saltBytes, int hashBytes) {
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$" + parameters + "$" + base64.encodeToString(new byte[saltBytes]) + "$"
                + base64.encodeToString(new byte[hashBytes]);
    }
}
