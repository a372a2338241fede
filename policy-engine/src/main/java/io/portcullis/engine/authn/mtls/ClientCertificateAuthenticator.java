package io.portcullis.engine.authn.mtls;

import io.portcullis.engine.authn.Authentication;
import io.portcullis.engine.authn.Authenticator;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.ClientCertificate;
import io.portcullis.engine.model.Principal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Identifies a caller by the client certificate its TLS connection presented. The listener has
 * already verified the chain against its truststore, validity dates and CRL; this only maps the
 * certificate to a principal: the identity from the subject (its CN or the whole DN) or from a subject
 * alternative name,
 * and its roles from {@link CertificateClients}.
 */
public final class ClientCertificateAuthenticator implements Authenticator {

    /**
     * Where the identity is taken from. {@code SUBJECT_DN} is the whole subject in RFC 2253 form
     * (e.g. {@code CN=admin-console,O=Demo Bank}), for CAs whose CNs are not unique on their own.
     */
    public enum IdentitySource {
        SUBJECT_CN, SUBJECT_DN, SAN_EMAIL, SAN_DNS, SAN_URI;

        /** As configuration spells it: {@code subject-cn}, {@code san-email}, ... */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** @throws IllegalArgumentException naming the accepted values */
        public static IdentitySource parse(String configName) {
            for (IdentitySource source : values()) {
                if (source.configName().equals(configName)) {
                    return source;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.stream(values())
                    .map(IdentitySource::configName).collect(Collectors.joining(", ")));
        }
    }

    private final IdentitySource source;
    private final Supplier<CertificateClients> clients;

    public ClientCertificateAuthenticator(IdentitySource source, Supplier<CertificateClients> clients) {
        this.source = source;
        this.clients = clients;
    }

    @Override
    public Authentication authenticate(ApiRequest request) {
        ClientCertificate certificate = request.peer().clientCertificate();
        if (certificate == null) {
            return Authentication.NOT_PRESENTED;
        }
        return identify(certificate, AuthMethod.MTLS);
    }

    /**
     * The principal a verified certificate stands for. Also used for certificates verified outside
     * the TLS handshake, such as a WS-Security signer's ({@code method} then says so).
     */
    public Authentication identify(ClientCertificate certificate, AuthMethod method) {
        String identity = identity(certificate);
        if (identity == null || identity.isBlank()) {
            return Authentication.failed("CERTIFICATE_IDENTITY_MISSING");
        }
        Principal.Builder principal = Principal.builder(identity, method).keyId(certificate.sha256Thumbprint());
        clients.get().find(identity).ifPresent(client -> {
            principal.roles(client.roles() == null ? List.of() : client.roles());
            principal.tenant(client.tenant());
            Map<String, Set<String>> attributes = new LinkedHashMap<>();
            if (client.attributes() != null) {
                client.attributes().forEach((name, values) -> attributes.put(name, Set.copyOf(values)));
            }
            principal.attributes(attributes);
        });
        return Authentication.of(principal.build());
    }

    @Override
    public Set<String> credentialHeaders() {
        return Set.of();
    }

    private String identity(ClientCertificate certificate) {
        return switch (source) {
            case SUBJECT_CN -> commonName(certificate.subject());
            case SUBJECT_DN -> certificate.subject();
            case SAN_EMAIL -> firstSan(certificate, "email:");
            case SAN_DNS -> firstSan(certificate, "dns:");
            case SAN_URI -> firstSan(certificate, "uri:");
        };
    }

    private static String firstSan(ClientCertificate certificate, String prefix) {
        return certificate.subjectAltNames().stream().filter(san -> san.startsWith(prefix))
                .map(san -> san.substring(prefix.length())).findFirst().orElse(null);
    }

    /** The CN of an RFC 2253 name, parsed properly (a CN value may contain escaped commas). */
    static String commonName(String distinguishedName) {
        try {
            List<Rdn> rdns = new LdapName(distinguishedName).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
