package io.portcullis.soap;

import io.portcullis.engine.Sha256;
import io.portcullis.engine.cluster.RedisServer;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.cluster.TwoRedisClients;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Security contexts in a real Redis, as two gateway nodes share them. */
class RedisSecurityContextsTest {

    static final byte[] GATEWAY_KEY = "the gateway's private key, encoded".getBytes(StandardCharsets.US_ASCII);
    static final Principal ALICE = new Principal("alice", Set.of("customer"), Set.of("accounts:read"), "bank", AuthMethod.WS_SECURITY,
            "alice-key", Map.of("branch", Set.of("north")), Set.of(AuthMethod.WS_SECURITY, AuthMethod.MTLS));
    static final byte[] SECRET = "a context's 32-byte shared key!!".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final TwoRedisClients redis = new TwoRedisClients();

    /** A node's contexts of {@code scope} (each test its own, so none reads what another wrote), on the system's clock. */
    static RedisSecurityContexts contexts(RedisStore store, String scope) {
        return contexts(store, scope, 1000, 10, Clock.systemUTC());
    }

    static RedisSecurityContexts contexts(RedisStore store, String scope, int capacity, int perCaller, Clock clock) {
        return new RedisSecurityContexts(store, scope,
                new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), capacity, perCaller, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER), GATEWAY_KEY, clock);
    }

    @Test
    void aContextIssuedOnOneNodeIsFoundWholeOnTheOtherAndCancelledForBoth() throws Exception {
        SecurityContexts first = contexts(redis.first(), "found-whole");
        SecurityContexts second = contexts(redis.second(), "found-whole");

        SecurityContexts.Context issued = first.issue(ALICE, SECRET, SecureConversation.Version.V2005_02);
        SecurityContexts.Context found = second.find(issued.identifier()).orElseThrow();

        assertThat(found.secret()).isEqualTo(SECRET);
        assertThat(found.principal()).isEqualTo(ALICE);
        assertThat(found.version()).isEqualTo(SecureConversation.Version.V2005_02);
        assertThat(found.expires()).isEqualTo(issued.expires().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

        second.cancel(found);
        assertThat(first.find(issued.identifier())).isEmpty();
        first.cancel(found); // ending it again is no error
    }

    @Test
    void redisHoldsNeitherTheSecretNorTheCallerNorTheIdentifierInTheClear() throws Exception {
        SecurityContexts.Context issued = contexts(redis.first(), "in-the-clear")
                .issue(ALICE, SECRET, SecureConversation.Version.V1_3);

        StringBuilder stored = new StringBuilder();
        for (String key : redis.first().commands().keys("portcullis:sct:in-the-clear:*")) {
            stored.append(key).append(' ');
            if ("string".equals(redis.first().commands().type(key))) {
                String value = redis.first().commands().get(key);
                stored.append(value).append(' ').append(new String(Base64.getDecoder().decode(value), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(stored.toString()).contains("in-the-clear").doesNotContain(issued.identifier()).doesNotContain("alice")
                .doesNotContain(new String(SECRET, StandardCharsets.US_ASCII)).doesNotContain(issued.identifier().substring(9));
        // A node with another key (not this gateway's) cannot read it.
        assertThat(new RedisSecurityContexts(redis.second(), "in-the-clear",
                new SecurityContexts.Limits(Duration.ofHours(1), Duration.ofHours(1), 1000, 10, SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER),
                "another key".getBytes(StandardCharsets.US_ASCII), Clock.systemUTC()).find(issued.identifier())).isEmpty();
    }

    @Test
    void aSealedContextMovedToAnotherIdentifierOrRouteIsNotAContext() throws Exception {
        SecurityContexts.Context mine = contexts(redis.first(), "moved").issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        Principal mallory = Principal.builder("mallory", AuthMethod.WS_SECURITY).build();
        SecurityContexts.Context theirs = contexts(redis.first(), "moved").issue(mallory, SECRET, SecureConversation.Version.V1_3);
        String mineKey = "portcullis:sct:moved:" + Sha256.base64Url(mine.identifier());
        String theirsKey = "portcullis:sct:moved:" + Sha256.base64Url(theirs.identifier());

        // Whoever can write to Redis copies Alice's sealed context under Mallory's identifier, or to another route.
        redis.first().commands().set(theirsKey, redis.first().commands().get(mineKey));
        redis.first().commands().set("portcullis:sct:other-route:" + Sha256.base64Url(mine.identifier()), redis.first().commands().get(mineKey));

        assertThat(contexts(redis.second(), "moved").find(theirs.identifier())).isEmpty();
        assertThat(contexts(redis.second(), "other-route").find(mine.identifier())).isEmpty();
        redis.first().commands().set(mineKey, "not a sealed context");
        assertThat(contexts(redis.second(), "moved").find(mine.identifier())).isEmpty();
    }

    @Test
    void theRoutesBoundHoldsAcrossNodesAndFreesAsContextsExpire() throws Exception {
        io.portcullis.engine.authn.MutableClock clock = new io.portcullis.engine.authn.MutableClock(java.time.Instant.now());
        SecurityContexts first = contexts(redis.first(), "bounded", 2, 2, clock);
        SecurityContexts second = contexts(redis.second(), "bounded", 2, 2, clock);
        Principal carol = Principal.builder("carol", AuthMethod.WS_SECURITY).build();
        SecurityContexts.Context alices = first.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMinutes(1));
        SecurityContexts.Context carols = second.issue(carol, SECRET, SecureConversation.Version.V1_3);

        assertThatThrownBy(() -> first.issue(Principal.builder("dave", AuthMethod.WS_SECURITY).build(), SECRET,
                SecureConversation.Version.V1_3)).isInstanceOf(SecurityContexts.FullException.class);
        // Alice holds fewer than her own bound: a second context would be a new one, past the route's bound.
        assertThatThrownBy(() -> second.issue(ALICE, SECRET, SecureConversation.Version.V1_3))
                .isInstanceOf(SecurityContexts.FullException.class);
        // Expired contexts are held for their renewal while there is room; a full route lets the first to expire make way.
        clock.advance(Duration.ofMinutes(61));
        SecurityContexts.Context dave = second.issue(Principal.builder("dave", AuthMethod.WS_SECURITY).build(), SECRET,
                SecureConversation.Version.V1_3);
        assertThat(first.find(alices.identifier())).isEmpty();
        assertThat(first.find(carols.identifier())).isPresent();
        SecurityContexts.Context erin = first.issue(Principal.builder("erin", AuthMethod.WS_SECURITY).build(), SECRET,
                SecureConversation.Version.V1_3);
        assertThat(first.find(dave.identifier())).isPresent();
        assertThat(second.find(erin.identifier())).isPresent();
        // Contexts in force make way for no one.
        assertThatThrownBy(() -> first.issue(Principal.builder("frank", AuthMethod.WS_SECURITY).build(), SECRET,
                SecureConversation.Version.V1_3)).isInstanceOf(SecurityContexts.FullException.class);
    }

    @Test
    void aContextRenewedOnOneNodeIsTheRenewedOneOnTheOther() throws Exception {
        io.portcullis.engine.authn.MutableClock clock = new io.portcullis.engine.authn.MutableClock(java.time.Instant.now());
        SecurityContexts first = contexts(redis.first(), "renewing", 100, 2, clock);
        SecurityContexts second = contexts(redis.second(), "renewing", 100, 2, clock);
        SecurityContexts.Context issued = first.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMinutes(90));
        SecurityContexts.Context expired = second.find(issued.identifier()).orElseThrow();
        assertThat(second.inForce(expired)).isFalse();

        Principal demoted = Principal.builder("alice", AuthMethod.WS_SECURITY).roles(Set.of("former-customer")).build();
        byte[] newSecret = "the renewed context's 32-byte key".getBytes(StandardCharsets.US_ASCII);
        SecurityContexts.Context renewed = second.renew(expired, demoted, newSecret).orElseThrow();

        SecurityContexts.Context found = first.find(issued.identifier()).orElseThrow();
        assertThat(first.inForce(found)).isTrue();
        assertThat(found.instance()).isEqualTo(renewed.instance()).isNotNull();
        assertThat(found.secret()).isEqualTo(newSecret);
        assertThat(found.principal()).isEqualTo(demoted);
        // The renewed context is Alice's newest: her next two make way for the older one first.
        clock.advance(Duration.ofSeconds(1));
        SecurityContexts.Context next = first.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        assertThat(first.find(issued.identifier())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        first.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        assertThat(first.find(issued.identifier())).isEmpty();
        assertThat(first.find(next.identifier())).isPresent();
        // Gone is gone: a context that made way is not renewed back into being, nor one renewed since it was proved.
        assertThat(second.renew(found, ALICE, SECRET)).isEmpty();
        assertThat(second.find(issued.identifier())).isEmpty();
        assertThat(second.renew(second.find(next.identifier()).orElseThrow(), ALICE, SECRET)).isPresent();
        assertThat(first.renew(next, ALICE, SECRET)).isEmpty();
    }

    @Test
    void aKeyRenewedAwayOnOneNodeRollsOverOnTheOther() throws Exception {
        io.portcullis.engine.authn.MutableClock clock = new io.portcullis.engine.authn.MutableClock(java.time.Instant.now());
        SecurityContexts first = contexts(redis.first(), "rolling", 100, 2, clock);
        SecurityContexts second = contexts(redis.second(), "rolling", 100, 2, clock);
        SecurityContexts.Context issued = first.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        byte[] newSecret = "the renewed context's 32-byte key".getBytes(StandardCharsets.US_ASCII);
        Principal promoted = Principal.builder("alice", AuthMethod.WS_SECURITY).roles(Set.of("teller")).build();
        SecurityContexts.Context renewed = first.renew(issued, promoted, newSecret).orElseThrow();

        SecurityContexts.Context found = second.find(issued.identifier()).orElseThrow();
        assertThat(found.keyOf(renewed.instance(), second.now()).secret()).isEqualTo(newSecret);
        SecurityContexts.Key old = found.keyOf(null, second.now());
        assertThat(old.secret()).isEqualTo(SECRET);
        assertThat(old.rolledOver()).isTrue();
        assertThat(old.principal()).isEqualTo(ALICE);
        clock.advance(SecurityContexts.Limits.DEFAULT_KEY_ROLLOVER);
        assertThat(second.find(issued.identifier()).orElseThrow().keyOf(null, second.now())).isNull();
        // A second renewal, on the other node, rolls the first renewal's key over; the first key is gone for good.
        byte[] thirdSecret = "the context's third 32-byte key!".getBytes(StandardCharsets.US_ASCII);
        SecurityContexts.Context again = second.renew(found, promoted, thirdSecret).orElseThrow();
        SecurityContexts.Context seen = first.find(issued.identifier()).orElseThrow();
        assertThat(seen.keyOf(again.instance(), first.now()).secret()).isEqualTo(thirdSecret);
        assertThat(seen.keyOf(renewed.instance(), first.now()).secret()).isEqualTo(newSecret);
        assertThat(seen.keyOf(null, first.now())).isNull();
    }

    @Test
    void aContextThatMadeWayCountsNoMoreAmongItsCallersSoTheRoutesBoundHolds() throws Exception {
        io.portcullis.engine.authn.MutableClock clock = new io.portcullis.engine.authn.MutableClock(java.time.Instant.now());
        SecurityContexts contexts = contexts(redis.first(), "one-each", 2, 1, clock);
        Principal carol = Principal.builder("carol", AuthMethod.WS_SECURITY).build();
        contexts.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
        contexts.issue(carol, SECRET, SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMinutes(61));
        contexts.issue(Principal.builder("dave", AuthMethod.WS_SECURITY).build(), SECRET, SecureConversation.Version.V1_3);

        // Alice's expired context made way for Dave's: she holds none, so her new one takes Carol's expired place.
        contexts.issue(ALICE, SECRET, SecureConversation.Version.V1_3);

        assertThatThrownBy(() -> contexts.issue(carol, SECRET, SecureConversation.Version.V1_3))
                .isInstanceOf(SecurityContexts.FullException.class);
        assertThat(redis.first().commands().zcard("portcullis:sct:one-each:all")).isEqualTo(2);
    }

    @Test
    void aCallersOldestContextMakesWayAcrossNodes() throws Exception {
        Principal bob = Principal.builder("bob", AuthMethod.WS_SECURITY).build();
        // A millisecond apart: issued within the same one, which is oldest is not defined.
        io.portcullis.engine.authn.MutableClock clock = new io.portcullis.engine.authn.MutableClock(java.time.Instant.now());
        SecurityContexts first = contexts(redis.first(), "one-per-caller", 1000, 2, clock);
        SecurityContexts second = contexts(redis.second(), "one-per-caller", 1000, 2, clock);
        SecurityContexts.Context oldest = first.issue(bob, SECRET, SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMillis(1));
        SecurityContexts.Context middle = second.issue(bob, SECRET, SecureConversation.Version.V1_3);
        clock.advance(Duration.ofMillis(1));
        SecurityContexts.Context newest = first.issue(bob, SECRET, SecureConversation.Version.V1_3);

        assertThat(second.find(oldest.identifier())).isEmpty();
        assertThat(second.find(middle.identifier())).isPresent();
        assertThat(second.find(newest.identifier())).isPresent();
    }

    @Test
    void withRedisGoneNothingIsIssuedOrFound() throws Exception {
        try (RedisServer lonely = RedisServer.start();
             RedisStore store = RedisStore.connect(lonely.uri(), null, Duration.ofMillis(300))) {
            SecurityContexts contexts = contexts(store, "redis-gone");
            SecurityContexts.Context issued = contexts.issue(ALICE, SECRET, SecureConversation.Version.V1_3);
            lonely.stop();

            assertThatThrownBy(() -> contexts.find(issued.identifier())).isInstanceOf(SecurityContexts.UnavailableException.class);
            assertThatThrownBy(() -> contexts.issue(ALICE, SECRET, SecureConversation.Version.V1_3))
                    .isInstanceOf(SecurityContexts.UnavailableException.class);
        }
    }
}
