package io.portcullis.engine.authn.basic;

import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.Authenticator;
import io.portcullis.engine.authn.PasswordVerifier;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Principal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP Basic authentication (RFC 7617, UTF-8) against a users file of bcrypt or Argon2id hashes,
 * behind a {@link LoginThrottle}.
 *
 * <p>Every refusal looks the same to the client (the rules answer one 401 with the
 * {@link #challenge()}); the reason goes to the audit event only: {@code BASIC_MALFORMED},
 * {@code BASIC_LOCKED_OUT}, {@code BASIC_TOO_MANY_ATTEMPTS}, {@code BASIC_USER_UNKNOWN},
 * {@code BASIC_USER_DISABLED}, {@code BASIC_PASSWORD_WRONG}. An unknown or disabled user costs the
 * same hash computation as a wrong password, and counts as a failure the same way, so neither
 * timing nor lockouts tell which usernames exist.
 *
 * <p>Password hashes take around 100 ms by design, and Basic credentials come with every request,
 * so credentials that verified are remembered for {@link BasicAuthSettings#cacheTtl()}. The cache
 * key is an HMAC of username and password under a random key made at start: the cache never holds
 * a password or anything that could be guessed against offline. A change of users file clears it.
 *
 * <p>Never logs; the password is zeroed after use where the JDK lets us (the header string itself
 * is immutable and stays until collected).
 */
public final class BasicAuthenticator implements Authenticator, PasswordVerifier {

    /** How long a request waits for an identical check already running before giving up. */
    private static final java.time.Duration SHARED_CHECK_WAIT = java.time.Duration.ofSeconds(5);

    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Authentication>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();

    static final String MALFORMED = "BASIC_MALFORMED";
    static final String LOCKED_OUT = "BASIC_LOCKED_OUT";
    static final String TOO_MANY_ATTEMPTS = "BASIC_TOO_MANY_ATTEMPTS";
    static final String USER_UNKNOWN = "BASIC_USER_UNKNOWN";
    static final String USER_DISABLED = "BASIC_USER_DISABLED";
    static final String PASSWORD_WRONG = "BASIC_PASSWORD_WRONG";

    /** Longer credentials are refused unread: no honest password needs more, and hashing is not free. */
    static final int MAX_CREDENTIALS_CHARS = 4096;
    /** Longer usernames are refused unread: each one would become a throttle key held in memory. */
    static final int MAX_USERNAME_CHARS = 256;

    private static final String HEADER = "authorization";
    private static final String SCHEME = "basic";

    private final Supplier<UserStore> users;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final BasicAuthSettings settings;
    private final BiPredicate<PasswordHash, char[]> verifier;
    private final SecretKeySpec cacheKey;
    private final AtomicReference<CredentialCache> cache = new AtomicReference<>(new CredentialCache(null));

    /** @param users the users file in service; a {@code WatchedFile} reloads it without a restart */
    public BasicAuthenticator(Supplier<UserStore> users, LoginThrottle throttle, Clock clock) {
        this(users, throttle, clock, BasicAuthSettings.DEFAULTS);
    }

    public BasicAuthenticator(Supplier<UserStore> users, LoginThrottle throttle, Clock clock,
                              BasicAuthSettings settings) {
        this(users, throttle, clock, settings, PasswordHash::matches);
    }

    /** @param verifier checks a password against a hash; tests count the slow checks through it */
    BasicAuthenticator(Supplier<UserStore> users, LoginThrottle throttle, Clock clock, BasicAuthSettings settings,
                       BiPredicate<PasswordHash, char[]> verifier) {
        this.users = Objects.requireNonNull(users, "users");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public Authentication authenticate(ApiRequest request) {
        List<String> values = request.headers().get(HEADER);
        if (values == null || values.stream().noneMatch(BasicAuthenticator::isBasic)) {
            // No credentials, or another scheme's (Bearer belongs to the JWT authenticator).
            return Authentication.NOT_PRESENTED;
        }
        if (values.size() > 1) {
            return Authentication.failed(MALFORMED);
        }
        Credentials credentials = Credentials.parse(values.get(0), cacheKey);
        if (credentials == null) {
            return Authentication.failed(MALFORMED);
        }
        try {
            return authenticate(credentials, request.peer().countingKey()).claiming(credentials.username);
        } finally {
            credentials.erase();
        }
    }

    /**
     * Checks a username and password that came another way than the {@code Authorization} header
     * (a WS-Security UsernameToken), with the same users, hashes, lockouts and cache. The caller
     * keeps and erases {@code password}; {@code address} is the client as counted ({@code Peer.countingKey()}).
     */
    @Override
    public Authentication verify(String username, char[] password, String address) {
        if (username == null || username.isEmpty() || username.length() > MAX_USERNAME_CHARS
                || password.length > MAX_CREDENTIALS_CHARS || Credentials.hasControl(username)) {
            return Authentication.failed(MALFORMED);
        }
        Credentials credentials = Credentials.of(username, password, cacheKey);
        try {
            return authenticate(credentials, address).claiming(username);
        } finally {
            credentials.erase();
        }
    }

    private Authentication authenticate(Credentials credentials, String address) {
        UserStore store = users.get();
        CredentialCache current = cache.updateAndGet(c -> c.store == store ? c : new CredentialCache(store));
        Optional<Principal> cached = current.get(credentials.fingerprint, clock.millis());
        if (cached.isPresent()) {
            // Known good, but a locked account stays locked whatever it presents.
            if (throttle.locked(credentials.username, address)) {
                return Authentication.failed(LOCKED_OUT);
            }
            throttle.recordSuccess(credentials.username);
            return Authentication.of(cached.get());
        }
        CompletableFuture<Authentication> mine = new CompletableFuture<>();
        CompletableFuture<Authentication> running = inFlight.putIfAbsent(credentials.fingerprint, mine);
        if (running != null) {
            return shared(running, credentials.username, address);
        }
        try {
            Authentication result = verify(credentials, address, store, current);
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(credentials.fingerprint, mine);
        }
    }

    /**
     * The same credentials are being checked right now (a client opening many connections at once):
     * wait for that one slow hash rather than spend another, and another in-flight slot of the
     * throttle, which would refuse a legitimate burst.
     */
    private Authentication shared(CompletableFuture<Authentication> running, String username, String address) {
        Authentication result;
        try {
            result = running.get(SHARED_CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Authentication.failed(TOO_MANY_ATTEMPTS);
        } catch (ExecutionException | TimeoutException e) {
            return Authentication.failed(TOO_MANY_ATTEMPTS);
        }
        if (result.principal().authenticated() && throttle.locked(username, address)) {
            return Authentication.failed(LOCKED_OUT);
        }
        return result;
    }

    private Authentication verify(Credentials credentials, String address, UserStore store, CredentialCache current) {
        try (LoginThrottle.Attempt attempt = throttle.attempt(credentials.username, address)) {
            switch (attempt.verdict()) {
                case LOCKED_OUT:
                    return Authentication.failed(LOCKED_OUT);
                case TOO_MANY_IN_FLIGHT:
                    return Authentication.failed(TOO_MANY_ATTEMPTS);
                default:
                    break;
            }
            Optional<UserStore.User> found = store.find(credentials.username);
            if (found.isEmpty()) {
                verifier.test(store.decoy(), credentials.password);
                attempt.failed();
                return Authentication.failed(USER_UNKNOWN);
            }
            UserStore.User user = found.get();
            boolean matches = verifier.test(user.passwordHash(), credentials.password);
            if (user.disabled()) {
                attempt.failed();
                return Authentication.failed(USER_DISABLED);
            }
            if (!matches) {
                attempt.failed();
                return Authentication.failed(PASSWORD_WRONG);
            }
            attempt.succeeded();
            current.put(credentials.fingerprint, user.principal(), clock.millis() + settings.cacheTtl().toMillis(),
                    settings.maxCachedCredentials());
            return Authentication.of(user.principal());
        }
    }

    /** True for {@code Basic} followed by a space or nothing, in any case (RFC 7235 schemes are case-insensitive). */
    private static boolean isBasic(String value) {
        String trimmed = value.stripLeading();
        return trimmed.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                && (trimmed.length() == SCHEME.length() || trimmed.charAt(SCHEME.length()) == ' ');
    }

    @Override
    public Set<String> credentialHeaders() {
        return Set.of(HEADER);
    }

    @Override
    public Optional<String> challenge() {
        return Optional.of("Basic realm=\"portcullis\", charset=\"UTF-8\"");
    }

    /** A decoded {@code user:password} pair and its cache fingerprint; the password is zeroed by {@link #erase}. */
    private static final class Credentials {
        final String username;
        final char[] password;
        final String fingerprint;

        private Credentials(String username, char[] password, String fingerprint) {
            this.username = username;
            this.password = password;
            this.fingerprint = fingerprint;
        }

        /** @return null when the header is not well-formed RFC 7617 credentials */
        static Credentials parse(String header, SecretKeySpec cacheKey) {
            String token = header.strip().substring(SCHEME.length()).strip();
            if (token.isEmpty() || token.length() > MAX_CREDENTIALS_CHARS) {
                return null;
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(token);
            } catch (IllegalArgumentException e) {
                return null;
            }
            char[] password = null;
            try {
                int colon = indexOf(decoded, (byte) ':');
                if (colon < 0) {
                    return null;
                }
                String username = decoder().decode(ByteBuffer.wrap(decoded, 0, colon)).toString();
                password = chars(ByteBuffer.wrap(decoded, colon + 1, decoded.length - colon - 1));
                // RFC 7617 forbids control characters; refusing them also keeps NUL free as a separator below.
                if (hasControl(username) || hasControl(password) || username.length() > MAX_USERNAME_CHARS) {
                    Arrays.fill(password, '\0');
                    return null;
                }
                return new Credentials(username, password, fingerprint(cacheKey, decoded, colon));
            } catch (CharacterCodingException e) {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
                return null;
            } finally {
                Arrays.fill(decoded, (byte) 0);
            }
        }

        /** For a pair that did not come in a header; the copy of {@code password} is erased by {@link #erase}. */
        static Credentials of(String username, char[] password, SecretKeySpec cacheKey) {
            byte[] name = username.getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer secret = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
            byte[] joined = new byte[name.length + 1 + secret.remaining()];
            System.arraycopy(name, 0, joined, 0, name.length);
            joined[name.length] = ':';
            secret.get(joined, name.length + 1, secret.remaining());
            Arrays.fill(secret.array(), (byte) 0);
            try {
                return new Credentials(username, password.clone(), fingerprint(cacheKey, joined, name.length));
            } finally {
                Arrays.fill(joined, (byte) 0);
            }
        }

        void erase() {
            Arrays.fill(password, '\0');
        }

        /** HMAC-SHA256(key, username 0x00 password): identifies the pair without revealing or storing it. */
        private static String fingerprint(SecretKeySpec key, byte[] decoded, int colon) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                mac.update(decoded, 0, colon);
                mac.update((byte) 0);
                mac.update(decoded, colon + 1, decoded.length - colon - 1);
                return Base64.getEncoder().encodeToString(mac.doFinal());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
            }
        }

        private static char[] chars(ByteBuffer bytes) throws CharacterCodingException {
            CharBuffer buffer = decoder().decode(bytes);
            char[] chars = Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
            Arrays.fill(buffer.array(), '\0');
            return chars;
        }

        private static CharsetDecoder decoder() {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }

        private static int indexOf(byte[] bytes, byte wanted) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == wanted) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean hasControl(CharSequence text) {
            return text.chars().anyMatch(Character::isISOControl);
        }

        private static boolean hasControl(char[] text) {
            for (char c : text) {
                if (Character.isISOControl(c)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Credentials verified against one users file; replaced, not cleared, when the file changes. */
    private static final class CredentialCache {
        private record Entry(Principal principal, long expiresAt) {
        }

        final UserStore store;
        // Access order: the first entry is the least recently used. Guarded by this.
        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

        CredentialCache(UserStore store) {
            this.store = store;
        }

        synchronized Optional<Principal> get(String fingerprint, long now) {
            Entry entry = entries.get(fingerprint);
            if (entry == null) {
                return Optional.empty();
            }
            if (now >= entry.expiresAt()) {
                entries.remove(fingerprint);
                return Optional.empty();
            }
            return Optional.of(entry.principal());
        }

        synchronized void put(String fingerprint, Principal principal, long expiresAt, int capacity) {
            if (capacity == 0) {
                return;
            }
            entries.put(fingerprint, new Entry(principal, expiresAt));
            while (entries.size() > capacity) {
                Map.Entry<String, Entry> eldest = entries.entrySet().iterator().next();
                entries.remove(eldest.getKey());
            }
        }
    }
}
