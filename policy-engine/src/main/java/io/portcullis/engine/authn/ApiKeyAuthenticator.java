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
 * API key in a request header, or — only where configured — in a query parameter. Keys in URLs end
 * up in browser histories, proxy logs and Referer headers, so a key found there is marked and the
 * rules decide whether to accept it (the bundled pack refuses it). Unknown, expired and revoked keys
 * all look the same to the client (the rules answer 401 for any failure); only the audit event tells
 * them apart.
 */
public final class ApiKeyAuthenticator implements Authenticator {

    private final String header;
    private final String queryParameter;
    private final Supplier<ApiKeyStore> store;
    private final Clock clock;

    /**
     * @param queryParameter query parameter that may carry a key, or null to ignore keys in URLs
     * @param store          the key file in service; a {@link WatchedFile} reloads it without a restart
     */
    public ApiKeyAuthenticator(String header, String queryParameter, Supplier<ApiKeyStore> store, Clock clock) {
        this.header = header.toLowerCase(Locale.ROOT);
        this.queryParameter = queryParameter;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(ApiRequest request) {
        List<String> inHeader = request.headers().getOrDefault(header, List.of());
        List<String> inUrl = queryParameter == null ? List.of() : request.query().getOrDefault(queryParameter, List.of());
        if (inHeader.isEmpty() && inUrl.isEmpty()) {
            return Authentication.NOT_PRESENTED;
        }
        if (inHeader.size() + inUrl.size() > 1) {
            return Authentication.failed("API_KEY_AMBIGUOUS");
        }
        return inHeader.isEmpty() ? check(inUrl.get(0)).foundInUrl() : check(inHeader.get(0));
    }

    private Authentication check(String value) {
        String presented = value.strip();
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
    public Set<String> credentialQueryParameters() {
        return queryParameter == null ? Set.of() : Set.of(queryParameter);
    }

    @Override
    public Optional<String> challenge() {
        return Optional.of("APIKey realm=\"portcullis\", header=\"" + header + "\"");
    }
}
