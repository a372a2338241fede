package io.portcullis.soap;

import io.portcullis.engine.authn.PasswordVerifier;
import io.portcullis.engine.authn.basic.LoginThrottle;
import java.util.function.Supplier;

/**
 * How a route checks UsernameTokens: PasswordText against the gateway's users (the same hashes and
 * lockouts as HTTP Basic), PasswordDigest against {@link DigestUsers} behind its own lockouts. A
 * kind without a checker is refused.
 *
 * @param text         checks PasswordText, or null to refuse it
 * @param digestUsers  the digest users in service (a watched file), or null to refuse PasswordDigest
 * @param digestThrottle lockouts for digest failures; required with {@code digestUsers}
 */
public record UsernameTokens(PasswordVerifier text, Supplier<DigestUsers> digestUsers, LoginThrottle digestThrottle) {

    public UsernameTokens {
        if (digestUsers != null && digestThrottle == null) {
            throw new IllegalArgumentException("digest users need a throttle");
        }
    }

    public static UsernameTokens none() {
        return new UsernameTokens(null, null, null);
    }

    public static UsernameTokens text(PasswordVerifier text) {
        return new UsernameTokens(text, null, null);
    }
}
