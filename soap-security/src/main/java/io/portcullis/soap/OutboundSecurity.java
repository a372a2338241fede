package io.portcullis.soap;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What a SOAP route secures on the way out.
 *
 * @param signResponses       sign each response's Body and Timestamp with the gateway's key
 * @param encryptResponses    encrypt each response's Body for the certificate the request was
 *                            signed with; a request without one gets no response (502) rather
 *                            than a plaintext one
 * @param signUpstream        sign what is forwarded to the upstream
 * @param upstreamCertificate encrypt what is forwarded for the upstream's certificate, or null
 */
public record OutboundSecurity(Wss4jMessageSecurer securer, boolean signResponses, boolean encryptResponses,
                               boolean signUpstream, X509Certificate upstreamCertificate) {

    public OutboundSecurity {
        Objects.requireNonNull(securer, "securer");
    }

    boolean securesResponses() {
        return signResponses || encryptResponses;
    }

    boolean securesUpstream() {
        return signUpstream || upstreamCertificate != null;
    }
}
