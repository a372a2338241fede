package io.portcullis.engine.authn;

import io.portcullis.engine.model.Principal;
import java.util.Objects;

/**
 * The outcome of one authenticator.
 *
 * @param principal the caller, or {@link Principal#ANONYMOUS}
 * @param failure   why presented credentials were refused ({@code API_KEY_EXPIRED}); empty when none
 *                  were presented or they were good. Goes to the audit event, never to the client.
 */
public record Authentication(Principal principal, String failure) {

    public static final Authentication NOT_PRESENTED = new Authentication(Principal.ANONYMOUS, "");

    public Authentication {
        Objects.requireNonNull(principal, "principal");
        failure = failure == null ? "" : failure;
    }

    public static Authentication of(Principal principal) {
        return new Authentication(principal, "");
    }

    public static Authentication failed(String reason) {
        return new Authentication(Principal.ANONYMOUS, reason);
    }

    public boolean presented() {
        return principal.authenticated() || !failure.isEmpty();
    }
}
