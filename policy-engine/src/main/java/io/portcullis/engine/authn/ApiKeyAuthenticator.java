package io.portcullis.engine.authn;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * API key in a request header. Unknown, expired and revoked keys all look the same to the client
 * (the rules answer 401 for any failure); only the audit event tells them apart.
 */
public final class ApiKeyAuthenticator implements Authenticator {

    private final String header;
    private final Supplier<ApiKeyStore> store;
    private final Clock clock;

    /** @param store the key file in service; a {@link WatchedFile} reloads it without a restart */
    public ApiKeyAuthenticator(String header, Supplier<ApiKeyStore> store, Clock clock) {
        this.header = header.toLowerCase(Locale.ROOT);
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(ApiRequest request) {
        List<String> values = request.headers().get(header);
        if (values == null || values.isEmpty()) {
            return Authentication.NOT_PRESENTED;
        }
        if (values.size() > 1) {
            return Authentication.failed("API_KEY_AMBIGUOUS");
        }
        String presented = values.get(0).strip();
        if (presented.isEmpty()) {
            return Authentication.failed("API_KEY_EMPTY");
        }
        return store.get().find(presented)
                .map(this::verify)
                .orElse(Authentication.failed("API_KEY_UNKNOWN"));
    }

    private Authentication verify(ApiKeyStore.StoredKey key) {
        if (key.revoked()) {
            return Authentication.failed("API_KEY_REVOKED");
        }
        if (key.expires() != null && !clock.instant().isBefore(key.expires())) {
            return Authentication.failed("API_KEY_EXPIRED");
        }
        Map<String, Set<String>> attributes = new LinkedHashMap<>();
        if (key.attributes() != null) {
            key.attributes().forEach((name, values) -> attributes.put(name, Set.copyOf(values)));
        }
        return Authentication.of(new Principal(key.subject(), Set.copyOf(key.roles() == null ? List.of() : key.roles()),
                Set.of(), key.tenant(), AuthMethod.API_KEY, key.id(), attributes));
    }

    @Override
    public Set<String> credentialHeaders() {
        return Set.of(header);
    }

    @Override
    public Optional<String> challenge() {
        return Optional.of("APIKey realm=\"portcullis\", header=\"" + header + "\"");
    }
}
