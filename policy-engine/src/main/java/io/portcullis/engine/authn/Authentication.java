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
 * @param inUrl     the credential came in the URL's query string (a misconfiguration the rules flag)
 * @param claimed   for a refused credential, who it claimed to be (a Basic username), for the audit
 *                  event only, so an attack on one account can be seen; empty otherwise
 */
public record Authentication(Principal principal, String failure, String boundCertificate, boolean inUrl,
                             String claimed) {

    public static final Authentication NOT_PRESENTED = new Authentication(Principal.ANONYMOUS, "", "", false, "");

    /** A claimed identity is kept only this long in audit events. */
    public static final int MAX_CLAIMED_CHARS = 64;

    public Authentication {
        Objects.requireNonNull(principal, "principal");
        failure = failure == null ? "" : failure;
        boundCertificate = boundCertificate == null ? "" : boundCertificate;
        claimed = claimed == null ? "" : claimed.length() > MAX_CLAIMED_CHARS ? claimed.substring(0, MAX_CLAIMED_CHARS) : claimed;
    }

    public static Authentication of(Principal principal) {
        return new Authentication(principal, "", "", false, "");
    }

    /** A credential that is only valid from a connection with the given client certificate. */
    public static Authentication boundTo(Principal principal, String certificateThumbprint) {
        return new Authentication(principal, "", certificateThumbprint, false, "");
    }

    public static Authentication failed(String reason) {
        return new Authentication(Principal.ANONYMOUS, reason, "", false, "");
    }

    /** The same outcome, for a credential read from the query string. */
    public Authentication foundInUrl() {
        return new Authentication(principal, failure, boundCertificate, true, claimed);
    }

    /** The same refusal, noting who the credential claimed to be. */
    public Authentication claiming(String identity) {
        return failure.isEmpty() ? this : new Authentication(principal, failure, boundCertificate, inUrl, identity);
    }

    public boolean presented() {
        return principal.authenticated() || !failure.isEmpty();
    }
}
