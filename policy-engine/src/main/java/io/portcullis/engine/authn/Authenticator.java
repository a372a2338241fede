package io.portcullis.engine.authn;

import io.portcullis.engine.model.ApiRequest;
import java.util.Set;

/** Turns the credentials a request carries into a {@code Principal}. */
public interface Authenticator {

    Authentication authenticate(ApiRequest request);

    /** Headers that carry this method's secrets: never forwarded upstream, never logged. */
    Set<String> credentialHeaders();
}
