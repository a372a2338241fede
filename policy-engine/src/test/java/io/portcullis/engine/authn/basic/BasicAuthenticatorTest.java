package io.portcullis.engine.authn.basic;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.MutableClock;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real bcrypt (cost 10) behind the authenticator; a counting verifier shows when the slow hash runs. */
class BasicAuthenticatorTest {

    static final String CLIENT = "198.51.100.7";

    static String aliceHash;
    static String carolHash;
    static String zoeHash;

    @TempDir
    static Path dir;

    static Path usersFile;

    final MutableClock clock = new MutableClock();
    final AtomicInteger slowChecks = new AtomicInteger();
    final AtomicReference<UserStore> users = new AtomicReference<>();
    BasicAuthenticator authenticator;

    @BeforeAll
    static void hashPasswords() throws Exception {
        aliceHash = BcryptHash.create("alice-password".toCharArray(), 10).encoded();
        carolHash = BcryptHash.create("carol-password".toCharArray(), 10).encoded();
        zoeHash = BcryptHash.create("pässwörd €".toCharArray(), 10).encoded();
        usersFile = dir.resolve("users.yaml");
        writeUsers(aliceHash);
    }

    @BeforeEach
    void authenticator() throws Exception {
        users.set(UserStore.load(usersFile));
        authenticator = new BasicAuthenticator(users::get, new LoginThrottle(LoginThrottleSettings.DEFAULTS, clock),
                clock, BasicAuthSettings.DEFAULTS, (hash, password) -> {
                    slowChecks.incrementAndGet();
                    return hash.matches(password);
                });
    }

    @Test
    void aBurstOfIdenticalLoginsSharesOneSlowCheckAndIsAllAdmitted() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        BasicAuthenticator gated = new BasicAuthenticator(users::get, new LoginThrottle(LoginThrottleSettings.DEFAULTS, clock),
                clock, BasicAuthSettings.DEFAULTS, (hash, password) -> {
                    slowChecks.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return hash.matches(password);
                });
        int burst = 32;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(burst);
        try {
            java.util.List<java.util.concurrent.Future<Authentication>> results = new java.util.ArrayList<>();
            java.util.Set<Thread> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int i = 0; i < burst; i++) {
                results.add(pool.submit(() -> {
                    workers.add(Thread.currentThread());
                    return gated.authenticate(basic("alice", "alice-password"));
                }));
            }
            // Release the one slow check only once every request is parked on it or on the shared result.
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (workers.size() < burst || workers.stream().anyMatch(t -> t.getState() == Thread.State.RUNNABLE)) {
                assertThat(System.nanoTime()).as("all requests waiting").isLessThan(deadline);
                Thread.onSpinWait();
            }
            release.countDown();
            for (java.util.concurrent.Future<Authentication> result : results) {
                assertThat(result.get().failure()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(slowChecks).hasValue(1);
    }

    @Test
    void validLoginYieldsTheUsersPrincipal() {
        Authentication result = authenticator.authenticate(basic("alice", "alice-password"));

        assertThat(result.failure()).isEmpty();
        assertThat(result.principal()).isEqualTo(Principal.builder("alice", AuthMethod.BASIC)
                .roles(Set.of("customer")).tenant("demo-bank").keyId("alice")
                .attributes(Map.of("accounts", Set.of("acc-alice-1"))).build());
        assertThat(slowChecks).hasValue(1);
    }

    @Test
    void passwordsFromInsideAMessageShareUsersLockoutsAndCache() {
        assertThat(authenticator.verify("alice", "alice-password".toCharArray(), "192.0.2.1").principal().subject())
                .isEqualTo("alice");
        assertThat(authenticator.authenticate(basic("alice", "alice-password")).principal().subject()).isEqualTo("alice");
        assertThat(slowChecks).as("the second login hit the cache").hasValue(1);
        assertThat(authenticator.verify("alice", "wrong".toCharArray(), "192.0.2.1").failure()).isEqualTo("BASIC_PASSWORD_WRONG");
        assertThat(authenticator.verify("", "x".toCharArray(), "192.0.2.1").failure()).isEqualTo("BASIC_MALFORMED");
    }

    @Test
    void schemeIsCaseInsensitiveAndPasswordsAreUtf8() {
        String token = Base64.getEncoder().encodeToString("zoë:pässwörd €".getBytes(StandardCharsets.UTF_8));

        assertThat(authenticator.authenticate(request(List.of("bASIC " + token))).principal().subject()).isEqualTo("zoë");
    }

    @Test
    void passwordMayContainColons() throws Exception {
        String hash = BcryptHash.create("a:b:c".toCharArray(), 10).encoded();
        Path danFile = dir.resolve("dan.yaml");
        Files.writeString(danFile, "users:\n  - username: dan\n    passwordHash: '" + hash + "'\n");
        users.set(UserStore.load(danFile));

        assertThat(authenticator.authenticate(basic("dan", "a:b:c")).principal().subject()).isEqualTo("dan");
    }

    @Test
    void eachRefusalHasItsAuditReasonAndCostsOneSlowCheck() {
        assertRefused(basic("alice", "wrong-password"), "BASIC_PASSWORD_WRONG");
        assertThat(slowChecks).as("wrong password").hasValue(1);

        assertRefused(basic("mallory", "alice-password"), "BASIC_USER_UNKNOWN");
        assertThat(slowChecks).as("unknown user: the decoy hash is checked").hasValue(2);

        assertRefused(basic("carol", "carol-password"), "BASIC_USER_DISABLED");
        assertThat(slowChecks).as("disabled user: checked all the same").hasValue(3);
        assertRefused(basic("carol", "not-carols"), "BASIC_USER_DISABLED");
    }

    @Test
    void refusalsCarryTheClaimedUsernameForTheAuditButNeverThePassword() {
        Authentication result = authenticator.authenticate(basic("mallory", "secret-guess"));

        assertThat(result.claimed()).isEqualTo("mallory");
        assertThat(result.toString()).doesNotContain("secret-guess");
        assertThat(result.principal()).isEqualTo(Principal.ANONYMOUS);
    }

    @Test
    void malformedCredentialsAreRefusedWithoutAPasswordCheck() {
        String[] malformed = {
            "Basic",
            "Basic ",
            "Basic !!!not-base64!!!",
            "Basic " + base64("no-colon-here"),
            "Basic " + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xC3, (byte) 0x28}),
            "Basic " + base64("alice:pass\u0000word"),
            "Basic " + base64("ali\tce:alice-password"),
            "Basic " + "A".repeat(BasicAuthenticator.MAX_CREDENTIALS_CHARS + 4),
        };
        for (String header : malformed) {
            assertThat(authenticator.authenticate(request(List.of(header))).failure()).as(header)
                    .isEqualTo("BASIC_MALFORMED");
        }
        assertThat(slowChecks).hasValue(0);
    }

    @Test
    void severalAuthorizationHeadersAreMalformed() {
        Authentication result = authenticator.authenticate(request(List.of(
                "Basic " + base64("alice:alice-password"), "Basic " + base64("bob:bob-password"))));

        assertThat(result.failure()).isEqualTo("BASIC_MALFORMED");
        assertThat(authenticator.authenticate(request(List.of("Bearer abc.def.ghi", "Basic " + base64("alice:x"))))
                .failure()).isEqualTo("BASIC_MALFORMED");
    }

    @Test
    void noHeaderOrAnotherSchemeIsNotPresented() {
        assertThat(authenticator.authenticate(ApiRequest.builder().id("r").build())).isEqualTo(Authentication.NOT_PRESENTED);
        assertThat(authenticator.authenticate(request(List.of("Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig"))))
                .isEqualTo(Authentication.NOT_PRESENTED);
        assertThat(authenticator.authenticate(request(List.of("Basically " + base64("alice:alice-password")))))
                .isEqualTo(Authentication.NOT_PRESENTED);
        assertThat(authenticator.authenticate(request(List.of("Bearer a", "Bearer b")))).isEqualTo(Authentication.NOT_PRESENTED);
    }

    @Test
    void lockedOutUserIsRefusedEvenWithTheRightPasswordUntilTheLockoutEnds() {
        for (int i = 0; i < 5; i++) {
            assertRefused(basic("alice", "guess-" + i), "BASIC_PASSWORD_WRONG");
        }
        int checksBefore = slowChecks.get();

        assertRefused(basic("alice", "alice-password"), "BASIC_LOCKED_OUT");
        assertThat(slowChecks).as("no password check while locked").hasValue(checksBefore);

        clock.advance(Duration.ofMinutes(1));
        assertThat(authenticator.authenticate(basic("alice", "alice-password")).principal().subject()).isEqualTo("alice");
    }

    @Test
    void unknownUsernamesAreLockedOutJustLikeKnownOnes() {
        for (int i = 0; i < 5; i++) {
            assertRefused(basic("mallory", "guess-" + i), "BASIC_USER_UNKNOWN");
        }

        assertRefused(basic("mallory", "guess-5"), "BASIC_LOCKED_OUT");
    }

    @Test
    void addressIsLockedOutAfterStuffingManyUsernames() {
        for (int i = 0; i < 20; i++) {
            authenticator.authenticate(basic("user" + i, "password" + i));
        }

        assertRefused(basic("alice", "alice-password"), "BASIC_LOCKED_OUT");
        Authentication fromElsewhere = authenticator.authenticate(basic("alice", "alice-password", "203.0.113.9"));
        assertThat(fromElsewhere.principal().subject()).isEqualTo("alice");
    }

    @Test
    void secondLoginWithinTheTtlSkipsTheSlowHash() {
        authenticator.authenticate(basic("alice", "alice-password"));
        clock.advance(Duration.ofSeconds(59));

        Authentication again = authenticator.authenticate(basic("alice", "alice-password"));

        assertThat(again.principal().subject()).isEqualTo("alice");
        assertThat(slowChecks).hasValue(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(authenticator.authenticate(basic("alice", "alice-password")).principal().subject()).isEqualTo("alice");
        assertThat(slowChecks).as("expired after 60 s").hasValue(2);
    }

    @Test
    void onlyTheExactCredentialsAreCached() {
        authenticator.authenticate(basic("alice", "alice-password"));

        assertRefused(basic("alice", "alice-passwor"), "BASIC_PASSWORD_WRONG");
        assertRefused(basic("alice", "alice-passwordX"), "BASIC_PASSWORD_WRONG");
        // The cache key separates username and password: "alicealice-password" with an empty password is someone else.
        assertRefused(request(List.of("Basic " + base64("alicealice-password:"))), "BASIC_USER_UNKNOWN");
        assertThat(slowChecks).hasValue(4);
    }

    @Test
    void changedUsersFileClearsTheCache() throws Exception {
        authenticator.authenticate(basic("alice", "alice-password"));
        writeUsers(BcryptHash.create("new-alice-password".toCharArray(), 10).encoded());
        try {
            users.set(UserStore.load(usersFile));

            assertRefused(basic("alice", "alice-password"), "BASIC_PASSWORD_WRONG");
            assertThat(slowChecks).hasValue(2);
            assertThat(authenticator.authenticate(basic("alice", "new-alice-password")).principal().subject())
                    .isEqualTo("alice");
        } finally {
            writeUsers(aliceHash);
        }
    }

    @Test
    void cachedCredentialsStillHonourALockout() {
        authenticator.authenticate(basic("alice", "alice-password"));
        for (int i = 0; i < 5; i++) {
            assertRefused(basic("alice", "guess-" + i), "BASIC_PASSWORD_WRONG");
        }

        assertRefused(basic("alice", "alice-password"), "BASIC_LOCKED_OUT");
    }

    @Test
    void successfulLoginsResetTheUsersFailures() {
        for (int i = 0; i < 4; i++) {
            assertRefused(basic("alice", "guess-" + i), "BASIC_PASSWORD_WRONG");
        }
        authenticator.authenticate(basic("alice", "alice-password"));
        for (int i = 0; i < 4; i++) {
            assertRefused(basic("alice", "again-" + i), "BASIC_PASSWORD_WRONG");
        }

        assertThat(authenticator.authenticate(basic("alice", "alice-password")).principal().subject()).isEqualTo("alice");
    }

    @Test
    void declaresItsSecretHeaderAndChallenge() {
        assertThat(authenticator.credentialHeaders()).containsExactly("authorization");
        assertThat(authenticator.challenge()).hasValue("Basic realm=\"portcullis\", charset=\"UTF-8\"");
    }

    private void assertRefused(ApiRequest request, String reason) {
        Authentication result = authenticator.authenticate(request);
        assertThat(result.failure()).isEqualTo(reason);
        assertThat(result.principal().authenticated()).isFalse();
    }

    private static void writeUsers(String alicePasswordHash) throws Exception {
        Files.writeString(usersFile, """
                users:
                  - username: alice
                    passwordHash: '%s'
                    roles: [customer]
                    tenant: demo-bank
                    attributes: {accounts: [acc-alice-1]}
                  - username: carol
                    passwordHash: '%s'
                    roles: [customer]
                    disabled: true
                  - username: zoë
                    passwordHash: '%s'
                """.formatted(alicePasswordHash, carolHash, zoeHash));
    }

    private static ApiRequest basic(String username, String password) {
        return basic(username, password, CLIENT);
    }

    private static ApiRequest basic(String username, String password, String address) {
        return ApiRequest.builder().id("r")
                .headers(Map.of("authorization", List.of("Basic " + base64(username + ":" + password))))
                .peer(NetworkPolicy.OPEN.peer(address, 40_000, null, false)).build();
    }

    private static ApiRequest request(List<String> authorization) {
        return ApiRequest.builder().id("r").headers(Map.of("authorization", authorization))
                .peer(NetworkPolicy.OPEN.peer(CLIENT, 40_000, null, false)).build();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
