package io.portcullis.soap;

import java.util.Objects;
import javax.xml.namespace.QName;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A SOAP request that passed the gateway's XML hardening and envelope checks, as produced by
 * {@link SoapEnvelopeReader}. The operation is what rules match on (for document/literal and
 * RPC style alike it is the first element inside {@code Body}); the document is kept for the steps
 * that need the whole message, WS-Security verification first.
 *
 * <p>The record itself is immutable, but a DOM {@link Document} is not: WS-Security decryption
 * rewrites it in place. Read {@code operation} from the record, not from the document, once a
 * later step may have changed it.
 *
 * @param version   SOAP version, from the envelope namespace
 * @param operation        qualified name of the first element child of {@code Body}
 * @param document         the parsed envelope
 * @param operationElement that element in {@code document}, as the envelope checks found it
 */
public record SoapEnvelope(SoapVersion version, QName operation, Document document, Element operationElement) {

    public SoapEnvelope {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(operationElement, "operationElement");
    }
}
