package io.portcullis.engine.authn.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {

    static final Path DEMO_USERS = Path.of("..", "examples", "config", "users.yaml");

    static String aliceHash;

    @TempDir
    Path dir;

    @BeforeAll
    static void hash() {
        aliceHash = BcryptHash.create("alice-password".toCharArray(), 10).encoded();
    }

    @Test
    void loadsUsersAsPrincipals() throws Exception {
        UserStore store = load("""
                users:
                  - username: alice
                    passwordHash: '%s'
                    roles: [customer]
                    tenant: demo-bank
                    attributes: {accounts: [acc-alice-1]}
                  - username: carol
                    passwordHash: '%s'
                    disabled: true
                """.formatted(aliceHash, PasswordHashTest.ARGON2ID_OWASP));

        UserStore.User alice = store.find("alice").orElseThrow();
        assertThat(alice.principal()).isEqualTo(Principal.builder("alice", AuthMethod.BASIC)
                .roles(Set.of("customer")).tenant("demo-bank").keyId("alice")
                .attributes(Map.of("accounts", Set.of("acc-alice-1"))).build());
        assertThat(alice.disabled()).isFalse();
        assertThat(alice.passwordHash().matches("alice-password".toCharArray())).isTrue();
        assertThat(store.find("carol").orElseThrow().disabled()).isTrue();
        assertThat(store.find("carol").orElseThrow().passwordHash()).isInstanceOf(Argon2idHash.class);
        assertThat(store.find("Alice")).isEmpty();
        assertThat(store.find("mallory")).isEmpty();
    }

    @Test
    void plaintextPasswordIsRefusedNamingTheUserAndKeyButNotThePassword() throws Exception {
        assertThatThrownBy(() -> load("""
                users:
                  - username: bob
                    passwordHash: bob-secret-password
                """))
                .hasMessageContaining("user 'bob'")
                .hasMessageContaining("'passwordHash' is not a bcrypt or Argon2id hash")
                .hasMessageNotContaining("bob-secret-password");
    }

    @Test
    void weakHashesAreRefusedNamingTheUser() throws Exception {
        assertThatThrownBy(() -> load("""
                users:
                  - username: alice
                    passwordHash: '%s'
                  - username: dave
                    passwordHash: '%s'
                """.formatted(aliceHash, PasswordHashTest.BCRYPT_EMPTY_COST_6)))
                .hasMessageContaining("user 'dave'")
                .hasMessageContaining("'passwordHash' is too weak: bcrypt cost 6 is below the minimum of 10");
        assertThatThrownBy(() -> load("""
                users:
                  - username: erin
                    passwordHash: '%s'
                """.formatted(PasswordHashTest.argon2id("m=4096,t=3,p=1", 16, 32))))
                .hasMessageContaining("user 'erin'")
                .hasMessageContaining("Argon2id parameters m=4096,t=3,p=1 are below the minimum");
    }

    @Test
    void malformedHashIsRefusedNamingTheUser() throws Exception {
        assertThatThrownBy(() -> load("""
                users:
                  - username: frank
                    passwordHash: '$2b$12$tooshort'
                """))
                .hasMessageContaining("user 'frank'")
                .hasMessageContaining("'passwordHash' is not a well-formed bcrypt hash");
    }

    @Test
    void otherMistakesAreRefusedNamingTheUserAndKey() throws Exception {
        assertThatThrownBy(() -> load("""
                users:
                  - username: alice
                    passwordHash: '%1$s'
                  - username: Alice
                    passwordHash: '%1$s'
                """.formatted(aliceHash)))
                .hasMessageContaining("user 'Alice'").hasMessageContaining("listed twice");
        assertThatThrownBy(() -> load("users:\n  - username: gina\n"))
                .hasMessageContaining("user 'gina'").hasMessageContaining("'passwordHash' is missing");
        assertThatThrownBy(() -> load("users:\n  - username: 'a:b'\n    passwordHash: '%s'\n".formatted(aliceHash)))
                .hasMessageContaining("user 'a:b'").hasMessageContaining("'username' must not contain a colon");
        assertThatThrownBy(() -> load("users:\n  - passwordHash: '%s'\n".formatted(aliceHash)))
                .hasMessageContaining("every user needs a 'username'");
        assertThatThrownBy(() -> load("users:\n  - username: hank\n    password: hunter2\n"))
                .hasMessageContaining("is not valid").hasMessageContaining("\"password\"")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> load("""
                users:
                  - username: ivan
                    passwordHash: '%s'
                    attributes: {accounts: }
                """.formatted(aliceHash)))
                .hasMessageContaining("user 'ivan'").hasMessageContaining("'attributes.accounts' needs a list");
        assertThatThrownBy(() -> load("people: []\n")).hasMessageContaining("is not valid");
        assertThatThrownBy(() -> load("users:\n")).hasMessageContaining("has no 'users' list");
    }

    @Test
    void decoyHasTheParametersMostUsersHave() throws Exception {
        String bobHash = BcryptHash.create("bob-password".toCharArray(), 10).encoded();
        UserStore store = load("""
                users:
                  - username: carol
                    passwordHash: '%s'
                  - username: alice
                    passwordHash: '%s'
                  - username: bob
                    passwordHash: '%s'
                """.formatted(PasswordHashTest.ARGON2ID_OWASP, aliceHash, bobHash));

        assertThat(store.decoy().parameters()).isEqualTo("bcrypt cost 10");
        assertThat(store.decoy().encoded()).isNotIn(aliceHash, bobHash);
        assertThat(store.size()).isEqualTo(3);
    }

    @Test
    void demoUsersFileLoadsAndItsDocumentedPasswordsWork() throws Exception {
        UserStore demo = UserStore.load(DEMO_USERS);

        UserStore.User alice = demo.find("alice").orElseThrow();
        assertThat(alice.passwordHash().matches("alice-demo-password".toCharArray())).isTrue();
        assertThat(alice.passwordHash().parameters()).isEqualTo("bcrypt cost 10");
        assertThat(alice.principal().roles()).containsExactly("customer");
        assertThat(alice.principal().tenant()).isEqualTo("demo-bank");
        assertThat(alice.principal().hasAttribute("accounts", "acc-alice-1")).isTrue();
        UserStore.User bob = demo.find("bob").orElseThrow();
        assertThat(bob.passwordHash().matches("bob-demo-password".toCharArray())).isTrue();
        assertThat(bob.principal().hasAttribute("accounts", "acc-bob-1")).isTrue();
        UserStore.User admin = demo.find("admin").orElseThrow();
        assertThat(admin.passwordHash().matches("admin-demo-password".toCharArray())).isTrue();
        assertThat(admin.principal().roles()).containsExactlyInAnyOrder("admin", "teller");
        assertThat(admin.passwordHash().matches("alice-demo-password".toCharArray())).isFalse();
    }

    private UserStore load(String yaml) throws Exception {
        Path file = dir.resolve("users.yaml");
        Files.writeString(file, yaml);
        return UserStore.load(file);
    }
}
