package io.portcullis.engine.authn;

import io.portcullis.engine.model.Principal;
import java.util.Objects;

/**
 * The outcome of one authenticator.
 *
 * @param principal the caller, or {@link Principal#ANONYMOUS}
 * @param failure   why presented credentials were refused ({@code API_KEY_EXPIRED}); empty when none
 *                  were presented or they were good. Goes to the audit event, never to the client.
 * @param boundCertificate base64url SHA-256 thumbprint of the client certificate the credential is
 *                  bound to (RFC 8705 {@code cnf.x5t#S256}), or empty; the gatekeeper refuses the
 *                  credential unless the connection presented that very certificate
 */
public record Authentication(Principal principal, String failure, String boundCertificate) {

    public static final Authentication NOT_PRESENTED = new Authentication(Principal.ANONYMOUS, "", "");

    public Authentication {
        Objects.requireNonNull(principal, "principal");
        failure = failure == null ? "" : failure;
        boundCertificate = boundCertificate == null ? "" : boundCertificate;
    }

    public static Authentication of(Principal principal) {
        return new Authentication(principal, "", "");
    }

    /** A credential that is only valid from a connection with the given client certificate. */
    public static Authentication boundTo(Principal principal, String certificateThumbprint) {
        return new Authentication(principal, "", certificateThumbprint);
    }

    public static Authentication failed(String reason) {
        return new Authentication(Principal.ANONYMOUS, reason, "");
    }

    public boolean presented() {
        return principal.authenticated() || !failure.isEmpty();
    }
}
