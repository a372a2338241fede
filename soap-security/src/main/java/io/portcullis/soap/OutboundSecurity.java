package io.portcullis.soap;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What a SOAP route secures on the way out.
 *
 * @param signResponses       sign each response's Body and Timestamp with the gateway's key
 * @param encryptResponses    encrypt each response's Body for the certificate the request was
 *                            signed with, with the algorithm the request's Body was encrypted
 *                            with (AES-256-GCM if it was not), and its signature too when the
 *                            request's signature arrived encrypted; a request without a signing
 *                            certificate gets no response (502) rather than a plaintext one
 * @param responseKeys        how responses refer to the gateway's and the caller's certificates
 * @param signUpstream        sign what is forwarded to the upstream
 * @param upstreamCertificate encrypt what is forwarded for the upstream's certificate (AES-256-GCM), or null
 * @param upstreamKeys        how forwarded requests refer to the gateway's and the upstream's certificates
 */
public record OutboundSecurity(Wss4jMessageSecurer securer, boolean signResponses, boolean encryptResponses,
                               Wss4jMessageSecurer.KeyIdentifiers responseKeys, boolean signUpstream,
                               X509Certificate upstreamCertificate, Wss4jMessageSecurer.KeyIdentifiers upstreamKeys) {

    public OutboundSecurity {
        Objects.requireNonNull(securer, "securer");
        Objects.requireNonNull(responseKeys, "responseKeys");
        Objects.requireNonNull(upstreamKeys, "upstreamKeys");
    }

    boolean securesResponses() {
        return signResponses || encryptResponses;
    }

    boolean securesUpstream() {
        return signUpstream || upstreamCertificate != null;
    }
}
