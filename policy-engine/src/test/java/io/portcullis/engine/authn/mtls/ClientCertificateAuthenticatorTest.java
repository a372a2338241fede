package io.portcullis.engine.authn.mtls;

import io.portcullis.engine.net.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.mtls.ClientCertificateAuthenticator.IdentitySource;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ClientCertificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientCertificateAuthenticatorTest {

    private static final ClientCertificate CONSOLE = new ClientCertificate(
            "CN=admin-console,OU=Ops\\, Payments,O=Demo Bank", "CN=Demo Bank Client CA", "1f",
            List.of("dns:console.demo-bank.test", "email:ops@demo-bank.test", "uri:spiffe://demo-bank/console"),
            "ab".repeat(32), Instant.parse("2027-01-01T00:00:00Z"));

    @Test
    void eachSourceTakesItsPartOfTheCertificate() {
        assertThat(subject(IdentitySource.SUBJECT_CN, CONSOLE)).isEqualTo("admin-console");
        assertThat(subject(IdentitySource.SUBJECT_DN, CONSOLE)).isEqualTo("CN=admin-console,OU=Ops\\, Payments,O=Demo Bank");
        assertThat(subject(IdentitySource.SAN_DNS, CONSOLE)).isEqualTo("console.demo-bank.test");
        assertThat(subject(IdentitySource.SAN_EMAIL, CONSOLE)).isEqualTo("ops@demo-bank.test");
        assertThat(subject(IdentitySource.SAN_URI, CONSOLE)).isEqualTo("spiffe://demo-bank/console");
    }

    @Test
    void aCertificateWithoutTheConfiguredPartFailsInsteadOfIdentifyingNobody() {
        ClientCertificate noSans = new ClientCertificate("O=Demo Bank", "CN=Demo Bank Client CA", "20", List.of(),
                "cd".repeat(32), Instant.parse("2027-01-01T00:00:00Z"));

        Authentication byCn = authenticate(IdentitySource.SUBJECT_CN, noSans);
        Authentication byUri = authenticate(IdentitySource.SAN_URI, noSans);

        assertThat(byCn.failure()).isEqualTo("CERTIFICATE_IDENTITY_MISSING");
        assertThat(byUri.failure()).isEqualTo("CERTIFICATE_IDENTITY_MISSING");
    }

    @Test
    void sourcesAreConfiguredByTheirKebabCaseNames() {
        assertThat(IdentitySource.parse("subject-dn")).isEqualTo(IdentitySource.SUBJECT_DN);
        assertThat(IdentitySource.parse("san-email")).isEqualTo(IdentitySource.SAN_EMAIL);
        assertThatThrownBy(() -> IdentitySource.parse("SUBJECT_CN"))
                .hasMessage("must be one of subject-cn, subject-dn, san-email, san-dns, san-uri");
    }

    private static String subject(IdentitySource source, ClientCertificate certificate) {
        return authenticate(source, certificate).principal().subject();
    }

    private static Authentication authenticate(IdentitySource source, ClientCertificate certificate) {
        ApiRequest request = ApiRequest.builder().id("r").peer(NetworkPolicy.OPEN.peer("10.0.0.7", 50123, certificate, certificate != null)).build();
        return new ClientCertificateAuthenticator(source, () -> CertificateClients.NONE).authenticate(request);
    }
}
