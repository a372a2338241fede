package io.portcullis.soap;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.engine.Sha256;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Security contexts shared by every gateway node through Redis (the store the replay guard and the
 * rate limiter use): a context one node issued is in force on all, and a cancellation on one ends it
 * on all. A WCF or Metro client behind a load balancer without stickiness keeps its context.
 *
 * <p>A context holds a secret and the caller's identity, so Redis holds it sealed: AES-256-GCM
 * under a key derived from the gateway's WS-Security private key (every node has it; Redis and its
 * backups do not), bound to its identifier, so a value cannot be moved to another identifier or
 * altered. Keys are SHA-256 digests and expire when their context is no longer held (its lifetime
 * and renewal window). When Redis does not answer, nothing is issued, renewed, cancelled or
 * accepted ({@link UnavailableException}), never guessed.
 */
public final class RedisSecurityContexts implements SecurityContexts {

    /** Values sealed in another format (another build's) are not read: their clients establish new contexts. */
    private static final int FORMAT = 2;
    /*
     * The keys: each context under its identifier's digest, held for its lifetime and renewal window;
     * each caller's set of its contexts' digests, scored by time of issue or renewal; the route's set,
     * scored by end of hold, of "digest|caller digest" (so a context that makes way for another caller
     * leaves its caller's set too).
     * KEYS, for every script: the context, the caller's set, the route's set. ARGV[1..5], for ISSUE and
     * RENEW: the sealed context, how long it is held and now (ms), the context's digest, the caller's digest.
     */
    /**
     * Issues in one step, so no failure or race leaves a context the bounds do not count. Drops what is
     * no longer held; when the route holds as many contexts as it may and the caller has none to give
     * up, the context that expired first makes way, and with none expired refuses (0); else stores the
     * context, notes it among the caller's and the route's, and drops the caller's oldest past its bound.
     * ARGV[6..9]: the caller's bound, the contexts' key prefix, the route's bound, the renewal window (ms).
     */
    private static final RedisStore.Script ISSUE = RedisStore.Script.of("""
            local now, held, prefix = tonumber(ARGV[3]), tonumber(ARGV[2]), ARGV[7]
            redis.call('ZREMRANGEBYSCORE', KEYS[3], 0, now)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], 0, now - held)
            if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[6]) and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[8]) then
              local expired = redis.call('ZRANGEBYSCORE', KEYS[3], 0, now + tonumber(ARGV[9]), 'LIMIT', 0, 1)
              if #expired == 0 then
                return 0
              end
              local bar = string.find(expired[1], '|', 1, true)
              local digest = string.sub(expired[1], 1, bar - 1)
              redis.call('DEL', prefix .. digest)
              redis.call('ZREM', KEYS[3], expired[1])
              redis.call('ZREM', prefix .. 'caller:' .. string.sub(expired[1], bar + 1), digest)
              if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[8]) then
                return 0
              end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', held)
            redis.call('ZADD', KEYS[2], now, ARGV[4])
            redis.call('ZADD', KEYS[3], now + held, ARGV[4] .. '|' .. ARGV[5])
            redis.call('PEXPIRE', KEYS[2], held)
            redis.call('PEXPIRE', KEYS[3], held)
            local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
            if excess > 0 then
              local oldest = redis.call('ZPOPMIN', KEYS[2], excess)
              for i = 1, #oldest, 2 do
                redis.call('DEL', prefix .. oldest[i])
                redis.call('ZREM', KEYS[3], oldest[i] .. '|' .. ARGV[5])
              end
            end
            return 1
            """);
    /**
     * Renews a context still held as it was proved (0 when it is not: cancelled, made way, renewed
     * meanwhile), as its caller's newest, held anew from now. ARGV[6]: the sealed context as it was proved.
     */
    private static final RedisStore.Script RENEW = RedisStore.Script.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[6] then
              return 0
            end
            local now, held = tonumber(ARGV[3]), tonumber(ARGV[2])
            redis.call('SET', KEYS[1], ARGV[1], 'PX', held)
            redis.call('ZADD', KEYS[2], now, ARGV[4])
            redis.call('ZADD', KEYS[3], now + held, ARGV[4] .. '|' .. ARGV[5])
            redis.call('PEXPIRE', KEYS[2], held)
            redis.call('PEXPIRE', KEYS[3], held)
            return 1
            """);
    /** Ends a context in one step, as {@link #ISSUE} holds it. ARGV: its digest, its caller's digest. */
    private static final RedisStore.Script CANCEL = RedisStore.Script.of("""
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1] .. '|' .. ARGV[2])
            return 1
            """);
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A Cipher lookup per message costs more than re-initialising one per thread. */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the Java platform", e);
        }
    });

    private final RedisStore store;
    private final String scope;
    private final String prefix;
    private final Limits limits;
    private final SecretKeySpec sealing;
    private final Clock clock;

    /**
     * @param scope      a namespace for the keys (the route's name): nodes share the contexts of one scope
     * @param limits     the contexts' lifetime and bounds, the route's counting all nodes together
     * @param gatewayKey the encoding of the gateway's private key, from which the sealing key is derived
     */
    public RedisSecurityContexts(RedisStore store, String scope, Limits limits, byte[] gatewayKey, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.store = store;
        this.scope = scope;
        this.prefix = "portcullis:sct:" + scope + ":";
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(gatewayKey, "HmacSHA256"));
            this.sealing = new SecretKeySpec(derive.doFinal("portcullis security contexts v1".getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required by the Java platform", e);
        }
    }

    @Override
    public Context issue(Principal principal, byte[] secret, SecureConversation.Version version)
            throws FullException, UnavailableException {
        Instant now = clock.instant();
        Context context = new Context(SecurityContexts.newIdentifier(), secret.clone(), principal, now.plus(limits.lifetime()), version);
        if (!hold(ISSUE, context, now, Integer.toString(limits.maxContextsPerCaller()), prefix, Integer.toString(limits.maxContexts()),
                Long.toString(limits.renewalWindow().toMillis()))) {
            throw new FullException();
        }
        return context;
    }

    @Override
    public Optional<Context> renew(Context context, Principal principal, byte[] secret) throws UnavailableException {
        // Renewed only as it was proved: the sealed value read now must be the context the message held.
        String proved = sealed(context.identifier());
        Context stored = proved == null ? null : unseal(context.identifier(), proved);
        Instant now = clock.instant();
        if (stored == null || !Objects.equals(stored.instance(), context.instance())
                || !MessageDigest.isEqual(stored.secret(), context.secret()) || !limits.holds(stored, now)) {
            return Optional.empty();
        }
        Context renewed = stored.renewed(principal, secret, now, limits);
        // Among the caller's who proved itself again, which SoapAdapter checks is the one it was issued to.
        return hold(RENEW, renewed, now, proved) ? Optional.of(renewed) : Optional.empty();
    }

    /** Runs {@code script} (ISSUE or RENEW) to hold {@code context} among its caller's; whether it did. */
    private boolean hold(RedisStore.Script script, Context context, Instant now, String... more) throws UnavailableException {
        String key = Sha256.base64Url(context.identifier());
        String callerKey = Sha256.base64Url(context.principal().callerKey());
        List<String> arguments = new ArrayList<>(List.of(seal(context), Long.toString(limits.held().toMillis()),
                Long.toString(now.toEpochMilli()), key, callerKey));
        arguments.addAll(List.of(more));
        Long done;
        try {
            done = store.eval(script, ScriptOutputType.INTEGER,
                    new String[] {prefix + key, prefix + "caller:" + callerKey, prefix + "all"}, arguments.toArray(String[]::new));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        return done != null && done == 1;
    }

    @Override
    public Optional<Context> find(String identifier) throws UnavailableException {
        if (identifier == null) {
            return Optional.empty();
        }
        String sealed = sealed(identifier);
        if (sealed == null) {
            return Optional.empty();
        }
        Context context = unseal(identifier, sealed);
        return context == null || !limits.holds(context, clock.instant()) ? Optional.empty() : Optional.of(context);
    }

    /** The sealed value held under {@code identifier}, or null. */
    private String sealed(String identifier) throws UnavailableException {
        try {
            return store.commands().get(prefix + Sha256.base64Url(identifier));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void cancel(Context context) throws UnavailableException {
        String key = Sha256.base64Url(context.identifier());
        String callerKey = Sha256.base64Url(context.principal().callerKey());
        try {
            store.eval(CANCEL, ScriptOutputType.INTEGER, new String[] {prefix + key, prefix + "caller:" + callerKey,
                    prefix + "all"}, key, callerKey);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private UnavailableException unavailable(RuntimeException e) {
        store.failed(e);
        return new UnavailableException("Redis at " + store.address() + " did not answer (" + e + ")");
    }

    private String seal(Context context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, sealing, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData(context.identifier()));
            byte[] sealed = cipher.doFinal(encode(context));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("a security context could not be sealed", e);
        }
    }

    /** The context sealed under {@code identifier}, or null when it was not (another key, altered, moved). */
    private Context unseal(String identifier, String sealed) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, sealing, new GCMParameterSpec(128, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(identifier));
            return decode(identifier, cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES));
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // Not sealed by this gateway's key for this route and identifier, or written by another format.
            return null;
        }
    }

    /** What a sealed context is bound to: this route's contexts, under this identifier. */
    private byte[] associatedData(String identifier) {
        return (scope + "\n" + identifier).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(Context context) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(FORMAT);
        out.writeUTF(context.instance() == null ? "" : context.instance());
        out.writeLong(context.expires().toEpochMilli());
        out.writeUTF(context.version().name());
        out.writeShort(context.secret().length);
        out.write(context.secret());
        writePrincipal(out, context.principal());
        RolledOverKey rolledOver = context.rolledOver();
        out.writeBoolean(rolledOver != null);
        if (rolledOver != null) {
            out.writeUTF(rolledOver.instance() == null ? "" : rolledOver.instance());
            out.writeLong(rolledOver.until().toEpochMilli());
            out.writeShort(rolledOver.secret().length);
            out.write(rolledOver.secret());
            writePrincipal(out, rolledOver.principal());
        }
        return bytes.toByteArray();
    }

    private static void writePrincipal(DataOutputStream out, Principal principal) throws IOException {
        out.writeUTF(principal.subject());
        out.writeUTF(principal.tenant());
        out.writeUTF(principal.authMethod().name());
        out.writeUTF(principal.keyId());
        writeSet(out, principal.roles());
        writeSet(out, principal.scopes());
        writeSet(out, principal.methods().stream().map(Enum::name).collect(java.util.stream.Collectors.toSet()));
        if (principal.attributes().size() > 0xFFFF) {
            throw new IOException("more than 65535 attributes");
        }
        out.writeShort(principal.attributes().size());
        for (Map.Entry<String, Set<String>> attribute : principal.attributes().entrySet()) {
            out.writeUTF(attribute.getKey());
            writeSet(out, attribute.getValue());
        }
    }

    private static Context decode(String identifier, byte[] plain) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        if (in.readByte() != FORMAT) {
            return null;
        }
        String instance = in.readUTF();
        Instant expires = Instant.ofEpochMilli(in.readLong());
        SecureConversation.Version version = SecureConversation.Version.valueOf(in.readUTF());
        byte[] secret = in.readNBytes(in.readUnsignedShort());
        Principal principal = readPrincipal(in);
        RolledOverKey rolledOver = null;
        if (in.readBoolean()) {
            String rolledOverInstance = in.readUTF();
            Instant until = Instant.ofEpochMilli(in.readLong());
            byte[] rolledOverSecret = in.readNBytes(in.readUnsignedShort());
            rolledOver = new RolledOverKey(rolledOverInstance.isEmpty() ? null : rolledOverInstance, rolledOverSecret, until,
                    readPrincipal(in));
        }
        return new Context(identifier, instance.isEmpty() ? null : instance, secret, principal, expires, version, rolledOver);
    }

    private static Principal readPrincipal(DataInputStream in) throws IOException {
        String subject = in.readUTF();
        String tenant = in.readUTF();
        AuthMethod method = AuthMethod.valueOf(in.readUTF());
        String keyId = in.readUTF();
        Set<String> roles = readSet(in);
        Set<String> scopes = readSet(in);
        Set<AuthMethod> methods = new HashSet<>();
        readSet(in).forEach(name -> methods.add(AuthMethod.valueOf(name)));
        Map<String, Set<String>> attributes = new LinkedHashMap<>();
        for (int i = in.readUnsignedShort(); i > 0; i--) {
            attributes.put(in.readUTF(), readSet(in));
        }
        return new Principal(subject, roles, scopes, tenant, method, keyId, attributes, methods);
    }

    private static void writeSet(DataOutputStream out, Set<String> values) throws IOException {
        if (values.size() > 0xFFFF) {
            throw new IOException("more than 65535 values");
        }
        out.writeShort(values.size());
        for (String value : values) {
            out.writeUTF(value);
        }
    }

    private static Set<String> readSet(DataInputStream in) throws IOException {
        Set<String> values = new HashSet<>();
        for (int i = in.readUnsignedShort(); i > 0; i--) {
            values.add(in.readUTF());
        }
        return Set.copyOf(values);
    }
}
