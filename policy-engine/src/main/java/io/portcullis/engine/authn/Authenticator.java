package io.portcullis.engine.authn;

import io.portcullis.engine.model.ApiRequest;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the credentials a request carries into a {@code Principal}. Implementations must not throw
 * for bad credentials (return {@link Authentication#failed}), must take the same time whether a
 * user exists or not where a secret is checked, and must never log a secret.
 */
public interface Authenticator {

    /** @return {@link Authentication#NOT_PRESENTED} when the request carries none of this method's credentials */
    Authentication authenticate(ApiRequest request);

    /** Headers that carry this method's secrets: never forwarded upstream, never logged. */
    Set<String> credentialHeaders();

    /** Query parameters that carry this method's secrets (discouraged; see the API-key settings). */
    default Set<String> credentialQueryParameters() {
        return Set.of();
    }

    /** The {@code WWW-Authenticate} challenge a 401 carries for this method, if it has one. */
    default Optional<String> challenge() {
        return Optional.empty();
    }
}
