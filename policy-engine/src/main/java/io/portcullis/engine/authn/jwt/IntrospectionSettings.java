package io.portcullis.engine.authn.jwt;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to ask the authorization server about opaque access tokens (RFC 7662). Only
 * tokens that are not JWTs are introspected; a JWT is always verified locally.
 *
 * @param endpoint     the introspection endpoint; https, or plain http only to a loopback address
 * @param clientId     the gateway's client id at the authorization server (HTTP Basic user)
 * @param clientSecret the gateway's client secret; never logged, never in {@link #toString()}
 * @param cacheTtl     how long an active answer is reused (never beyond the token's {@code exp})
 * @param timeout      connect and response timeout of one introspection call
 */
public record IntrospectionSettings(URI endpoint, String clientId, String clientSecret, Duration cacheTtl,
                                    Duration timeout) {

    static final String KEY = JwtSettings.KEY + ".introspection";
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public IntrospectionSettings {
        JwtSettings.requireEndpoint(endpoint, KEY + ".endpoint");
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException(KEY + ".clientId: required");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException(KEY + ".clientSecret: required");
        }
        JwtSettings.requireBetween(cacheTtl, Duration.ZERO, Duration.ofHours(1), KEY + ".cacheTtl");
        JwtSettings.requireBetween(timeout, Duration.ofMillis(100), Duration.ofSeconds(10), KEY + ".timeout");
    }

    /** Introspection with the default cache TTL (60 s) and timeout (2 s). */
    public static IntrospectionSettings of(URI endpoint, String clientId, String clientSecret) {
        return new IntrospectionSettings(endpoint, clientId, clientSecret, DEFAULT_CACHE_TTL, DEFAULT_TIMEOUT);
    }

    public IntrospectionSettings withTimeout(Duration newTimeout) {
        return new IntrospectionSettings(endpoint, clientId, clientSecret, cacheTtl, newTimeout);
    }

    /** Settings end up in start-up logs and exception messages: the secret must not. */
    @Override
    public String toString() {
        return "IntrospectionSettings[endpoint=" + endpoint + ", clientId=" + clientId + ", clientSecret=****, cacheTtl="
                + cacheTtl + ", timeout=" + timeout + "]";
    }
}
