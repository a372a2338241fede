package io.portcullis.engine.authn;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.ClientCertificate;
import io.portcullis.engine.model.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AuthenticationChainTest {

    static final ClientCertificate CERTIFICATE = new ClientCertificate("CN=alice", "CN=CA", "1f", List.of(), "thumb-1",
            Instant.MAX);

    /** An authenticator that answers from what the request carries, for exercising the chain. */
    record Scripted(String header, Function<ApiRequest, Authentication> answer) implements Authenticator {
        @Override
        public Authentication authenticate(ApiRequest request) {
            return request.headers().containsKey(header) ? answer.apply(request) : Authentication.NOT_PRESENTED;
        }

        @Override
        public Set<String> credentialHeaders() {
            return Set.of(header);
        }

        @Override
        public Optional<String> challenge() {
            return Optional.of("Scheme-" + header);
        }
    }

    static final Scripted KEY = new Scripted("x-key", r -> Authentication.of(Principal.builder("alice", AuthMethod.API_KEY).build()));
    static final Scripted TOKEN = new Scripted("x-token", r -> Authentication.boundTo(
            Principal.builder("alice", AuthMethod.JWT).build(), "thumb-1"));
    static final Authenticator MTLS = new Authenticator() {
        @Override
        public Authentication authenticate(ApiRequest request) {
            return request.peer().hasClientCertificate()
                    ? Authentication.of(Principal.builder("alice", AuthMethod.MTLS).build()) : Authentication.NOT_PRESENTED;
        }

        @Override
        public Set<String> credentialHeaders() {
            return Set.of();
        }
    };

    final AuthenticationChain chain = new AuthenticationChain(MTLS, List.of(KEY, TOKEN));

    @Test
    void twoKindsOfCredentialAreRefusedAsAmbiguous() {
        ApiRequest request = chain.authenticate(request(Map.of("x-key", List.of("k"), "x-token", List.of("t")), null));

        assertThat(request.principal().authenticated()).isFalse();
        assertThat(request.authenticationFailure()).isEqualTo("CREDENTIALS_AMBIGUOUS");
    }

    @Test
    void aBoundTokenCountsOnlyOverItsCertificate() {
        ApiRequest without = chain.authenticate(request(Map.of("x-token", List.of("t")), null));
        ApiRequest over = chain.authenticate(request(Map.of("x-token", List.of("t")), CERTIFICATE));

        assertThat(without.authenticationFailure()).isEqualTo("CERTIFICATE_BINDING_MISMATCH");
        assertThat(over.principal().methods()).containsExactlyInAnyOrder(AuthMethod.JWT, AuthMethod.MTLS);
        assertThat(over.principal().authMethod()).isEqualTo(AuthMethod.JWT);
    }

    @Test
    void certificateAloneOrUnderAKeyAndCredentialsNeverReachTheRules() {
        ApiRequest alone = chain.authenticate(request(Map.of(), CERTIFICATE));
        ApiRequest both = chain.authenticate(request(Map.of("x-key", List.of("secret")), CERTIFICATE));

        assertThat(alone.principal().authMethod()).isEqualTo(AuthMethod.MTLS);
        assertThat(both.principal().authenticatedBy("MTLS")).isTrue();
        assertThat(both.principal().authenticatedBy("API_KEY")).isTrue();
        assertThat(both.headers()).doesNotContainKey("x-key");
        assertThat(chain.challenges()).containsExactly("Scheme-x-key", "Scheme-x-token");
    }

    @Test
    void aCertificateOfSomeoneElseLendsNoSecondFactor() {
        AuthenticationChain adminKeys = new AuthenticationChain(MTLS, List.of(new Scripted("x-key",
                r -> Authentication.of(Principal.builder("admin", AuthMethod.API_KEY).roles(Set.of("admin")).build()))));

        ApiRequest request = adminKeys.authenticate(request(Map.of("x-key", List.of("stolen")), CERTIFICATE));

        assertThat(request.principal().subject()).isEqualTo("admin");
        assertThat(request.principal().methods()).containsExactly(AuthMethod.API_KEY);
    }

    @Test
    void aCredentialVerifiedInsideTheMessageCountsLikeAnyOtherAndIsRemoved() {
        Authentication inMessage = Authentication.of(Principal.builder("bob", AuthMethod.WS_SECURITY).build());
        ApiRequest alone = chain.authenticate(request(Map.of(), null).toBuilder()
                .attributes(Map.of(AuthenticationChain.MESSAGE_CREDENTIAL, inMessage, "soap.version", "1.1")).build());
        ApiRequest withKey = chain.authenticate(request(Map.of("x-key", List.of("k")), null).toBuilder()
                .attributes(Map.of(AuthenticationChain.MESSAGE_CREDENTIAL, inMessage)).build());

        assertThat(alone.principal().subject()).isEqualTo("bob");
        assertThat(alone.attributes()).containsOnlyKeys("soap.version");
        assertThat(withKey.authenticationFailure()).isEqualTo("CREDENTIALS_AMBIGUOUS");
    }

    private static ApiRequest request(Map<String, List<String>> headers, ClientCertificate certificate) {
        return ApiRequest.builder().id("r").headers(headers).peer(NetworkPolicy.OPEN.peer("127.0.0.1", 1, certificate, certificate != null)).build();
    }
}
