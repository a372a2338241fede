package io.portcullis.engine.model;

import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import javax.security.auth.x500.X500Principal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A client certificate the listener verified against its truststore (and CRLs) during the TLS
 * handshake: what authentication and rules may use of it.
 *
 * @param subject           subject distinguished name (RFC 2253)
 * @param issuer            issuer distinguished name (RFC 2253)
 * @param serialNumber      serial number, hexadecimal
 * @param subjectAltNames   SANs as {@code type:value} ({@code dns:api.example.com}, {@code email:a@b}, {@code uri:...})
 * @param sha256Thumbprint  base64url SHA-256 of the DER certificate: RFC 8705 {@code x5t#S256}
 * @param notAfter          end of validity
 */
public record ClientCertificate(String subject, String issuer, String serialNumber, List<String> subjectAltNames,
                                String sha256Thumbprint, Instant notAfter) {

    public ClientCertificate {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sha256Thumbprint, "sha256Thumbprint");
        subjectAltNames = List.copyOf(subjectAltNames);
    }

    /** Describes a certificate that was verified elsewhere (a TLS handshake, a WS-Security signature). */
    public static ClientCertificate of(X509Certificate certificate) {
        return new ClientCertificate(
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                certificate.getSerialNumber().toString(16),
                subjectAltNames(certificate),
                thumbprint(certificate),
                certificate.getNotAfter().toInstant());
    }

    private static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return names;
            }
            for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                String prefix = switch ((Integer) entry.get(0)) {
                    case 1 -> "email:";
                    case 2 -> "dns:";
                    case 6 -> "uri:";
                    case 7 -> "ip:";
                    default -> null;
                };
                if (prefix != null && entry.get(1) instanceof String value) {
                    names.add(prefix + value);
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    /** base64url(SHA-256(DER)) without padding: the {@code x5t#S256} of RFC 8705. */
    public static String thumbprint(X509Certificate certificate) {
        try {
            return io.portcullis.engine.Sha256.base64Url(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a verified certificate could not be encoded", e);
        }
    }
}
