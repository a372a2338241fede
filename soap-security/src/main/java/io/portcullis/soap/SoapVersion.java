package io.portcullis.soap;

import java.util.Optional;

/**
 * The two SOAP versions the gateway accepts, told apart by the namespace of the {@code Envelope}
 * element (not by the HTTP content type, which clients get wrong and which an attacker controls as
 * easily as the body). A fault is answered in the version of the request, so callers carry the
 * version from {@link SoapEnvelope} to {@link SoapFaults}.
 */
public enum SoapVersion {

    SOAP_1_1("http://schemas.xmlsoap.org/soap/envelope/", "text/xml"),
    SOAP_1_2("http://www.w3.org/2003/05/soap-envelope", "application/soap+xml");

    private final String namespace;
    private final String contentType;

    SoapVersion(String namespace, String contentType) {
        this.namespace = namespace;
        this.contentType = contentType;
    }

    /** Namespace URI of {@code Envelope}, {@code Header}, {@code Body} and {@code Fault}. */
    public String namespace() {
        return namespace;
    }

    /** Media type of a message in this version, without parameters (add {@code charset=UTF-8}). */
    public String contentType() {
        return contentType;
    }

    /** The version whose envelope namespace is {@code namespace}; empty for anything else. */
    public static Optional<SoapVersion> forNamespace(String namespace) {
        for (SoapVersion version : values()) {
            if (version.namespace.equals(namespace)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }
}
