package io.portcullis.engine.authn.basic;

import java.time.Duration;

/**
 * How {@link BasicAuthenticator} caches credentials it has verified.
 *
 * @param cacheTtl             how long a verified username and password are accepted without
 *                             hashing again; short, because a cached credential outlives a password
 *                             change made elsewhere by at most this long (edits to the users file
 *                             clear the cache at once)
 * @param maxCachedCredentials how many verified credentials are kept at most; the least recently used
 *                             go first
 */
public record BasicAuthSettings(Duration cacheTtl, int maxCachedCredentials) {

    public static final BasicAuthSettings DEFAULTS = new BasicAuthSettings(Duration.ofSeconds(60), 10_000);

    public BasicAuthSettings {
        if (cacheTtl == null || cacheTtl.isNegative()) {
            throw new IllegalArgumentException("basic auth: 'cacheTtl' must be zero (no cache) or positive");
        }
        if (maxCachedCredentials < 0) {
            throw new IllegalArgumentException("basic auth: 'maxCachedCredentials' must not be negative");
        }
    }
}
