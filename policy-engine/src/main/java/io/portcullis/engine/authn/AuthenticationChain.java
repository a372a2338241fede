package io.portcullis.engine.authn;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.ClientCertificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Establishes who is calling from everything a request carries, and hands rules one
 * {@code Principal}:
 * <ul>
 *   <li>a verified client certificate (the transport) identifies the caller on its own, or adds
 *       {@code MTLS} to the methods of an application credential presented over it — only when
 *       both name the same caller, or the credential is bound to that certificate: a customer's
 *       certificate must not lend a second factor to someone else's token;</li>
 *   <li>at most one application credential (API key, Basic, bearer token) is accepted: two kinds
 *       at once are refused as ambiguous rather than resolved by precedence;</li>
 *   <li>a credential bound to a certificate (RFC 8705) counts only over that certificate;</li>
 *   <li>a credential found in the URL is marked, so a rule decides whether that is acceptable.</li>
 * </ul>
 * Credentials are removed from the request the rules see. Failures carry a precise reason for the
 * audit event; the client's answer is the same whatever failed.
 */
public final class AuthenticationChain {

    /** Request attribute holding where an accepted credential came from ({@code query} for the URL). */
    public static final String CREDENTIAL_LOCATION = "authn.credentialLocation";
    /**
     * Request attribute through which a protocol adapter hands over a credential it verified inside
     * the message (a WS-Security UsernameToken or signature): an {@link Authentication}. It counts
     * as one application credential like any other, and is removed before rules see the request.
     */
    public static final String MESSAGE_CREDENTIAL = "authn.messageCredential";
    /** Request attribute holding who a refused credential claimed to be (audit only). */
    public static final String CLAIMED_IDENTITY = "authn.claimedIdentity";

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationChain.class);

    private final Authenticator transport;
    private final List<Authenticator> application;
    private final Set<String> credentialHeaders;
    private final Set<String> credentialQueryParameters;
    private final List<String> challenges;

    /**
     * @param transport   client-certificate authentication, or null when the listener has none
     * @param application the credential kinds a caller may present, each at most one per request
     */
    public AuthenticationChain(Authenticator transport, List<Authenticator> application) {
        this.transport = transport;
        this.application = List.copyOf(application);
        Set<String> headers = new HashSet<>();
        Set<String> queryParameters = new HashSet<>();
        List<String> challenges = new ArrayList<>();
        for (Authenticator authenticator : this.application) {
            headers.addAll(authenticator.credentialHeaders());
            queryParameters.addAll(authenticator.credentialQueryParameters());
            authenticator.challenge().ifPresent(challenges::add);
        }
        this.credentialHeaders = Set.copyOf(headers);
        this.credentialQueryParameters = Set.copyOf(queryParameters);
        this.challenges = List.copyOf(challenges);
    }

    public static AuthenticationChain none() {
        return new AuthenticationChain(null, List.of());
    }

    /** @return the request attributed to its caller, with every credential removed from it */
    public ApiRequest authenticate(ApiRequest request) {
        Authentication outcome = resolve(request);
        if (Authentication.NOT_PRESENTED.equals(outcome) && !carriesCredentials(request)) {
            return request; // nothing to attribute or strip: spare the copy on the hot path
        }
        ApiRequest.Builder builder = request.toBuilder()
                .principal(outcome.principal())
                .authenticationFailure(outcome.failure())
                .headers(without(request.headers(), credentialHeaders))
                .query(without(request.query(), credentialQueryParameters));
        if (outcome.inUrl() || !outcome.claimed().isEmpty() || request.attributes().containsKey(MESSAGE_CREDENTIAL)) {
            Map<String, Object> attributes = new LinkedHashMap<>(request.attributes());
            attributes.remove(MESSAGE_CREDENTIAL);
            if (outcome.inUrl()) {
                attributes.put(CREDENTIAL_LOCATION, "query");
            }
            if (!outcome.claimed().isEmpty()) {
                attributes.put(CLAIMED_IDENTITY, outcome.claimed());
            }
            builder.attributes(attributes);
        }
        return builder.build();
    }

    public Set<String> credentialHeaders() {
        return credentialHeaders;
    }

    public Set<String> credentialQueryParameters() {
        return credentialQueryParameters;
    }

    /** {@code WWW-Authenticate} values for a 401, one per method the caller could use. */
    public List<String> challenges() {
        return challenges;
    }

    private boolean carriesCredentials(ApiRequest request) {
        return request.attributes().containsKey(MESSAGE_CREDENTIAL)
                || credentialHeaders.stream().anyMatch(request.headers()::containsKey)
                || credentialQueryParameters.stream().anyMatch(request.query()::containsKey);
    }

    private Authentication resolve(ApiRequest request) {
        Authentication byCertificate = transport == null ? Authentication.NOT_PRESENTED : safely(transport, request);
        List<Authentication> presented = new ArrayList<>(1);
        for (Authenticator authenticator : application) {
            Authentication result = safely(authenticator, request);
            if (result.presented()) {
                presented.add(result);
            }
        }
        if (request.attribute(MESSAGE_CREDENTIAL) instanceof Authentication inMessage && inMessage.presented()) {
            presented.add(inMessage);
        }
        if (presented.size() > 1) {
            return Authentication.failed("CREDENTIALS_AMBIGUOUS");
        }
        if (presented.isEmpty()) {
            return byCertificate;
        }
        Authentication credential = presented.get(0);
        if (!credential.failure().isEmpty()) {
            return credential;
        }
        ClientCertificate certificate = request.peer().clientCertificate();
        if (!credential.boundCertificate().isEmpty()
                && (certificate == null || !credential.boundCertificate().equals(certificate.sha256Thumbprint()))) {
            return Authentication.failed("CERTIFICATE_BINDING_MISMATCH");
        }
        boolean sameCaller = !credential.boundCertificate().isEmpty()
                || byCertificate.principal().subject().equals(credential.principal().subject());
        if (byCertificate.principal().authenticated() && sameCaller) {
            return new Authentication(credential.principal().alsoProvedBy(AuthMethod.MTLS), "", credential.boundCertificate(),
                    credential.inUrl(), "");
        }
        return credential;
    }

    private static Authentication safely(Authenticator authenticator, ApiRequest request) {
        try {
            return authenticator.authenticate(request);
        } catch (RuntimeException e) {
            LOG.error("request {}: authenticator {} failed: {}", request.id(), authenticator.getClass().getSimpleName(),
                    e.toString());
            return Authentication.failed("AUTHENTICATOR_ERROR");
        }
    }

    private static <V> Map<String, V> without(Map<String, V> source, Set<String> names) {
        if (names.isEmpty() || names.stream().noneMatch(source::containsKey)) {
            return source;
        }
        Map<String, V> copy = new LinkedHashMap<>(source);
        copy.keySet().removeAll(names);
        return copy;
    }
}
