package io.portcullis.camel.component;

import io.portcullis.engine.model.ClientCertificate;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** Describes a verified X.509 certificate for the model: names, SANs and the RFC 8705 thumbprint. */
final class ClientCertificates {

    private ClientCertificates() {
    }

    static ClientCertificate describe(X509Certificate certificate) {
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
    static String thumbprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("a verified certificate could not be encoded", e);
        }
    }
}
