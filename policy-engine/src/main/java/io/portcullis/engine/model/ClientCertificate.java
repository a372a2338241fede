package io.portcullis.engine.model;

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
}
