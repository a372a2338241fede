package io.portcullis.soap;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.ByteArrayInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One streaming pass over an XML message that refuses it before any expensive processing: a DTD
 * of any kind (which closes XXE, billion laughs and external fetches together), and anything over
 * {@link XmlLimits}. Refusals are {@code RequestRejectedException}s whose reason names the limit
 * ({@code XML_TOO_DEEP}) and whose message names it in words, never the content.
 */
public final class XmlThreatScanner {

    private final XmlLimits limits;
    private final XMLInputFactory factory;

    public XmlThreatScanner(XmlLimits limits) {
        this.limits = limits;
        this.factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
    }

    /**
     * Depth and element count of a DOM subtree, without recursion: for content that appeared after
     * the streaming scan (decrypted XML), before anything walks it recursively.
     *
     * @throws RequestRejectedException 400 {@code XML_TOO_DEEP} or {@code XML_TOO_MANY_ELEMENTS}
     */
    public void checkTree(org.w3c.dom.Element root) throws RequestRejectedException {
        java.util.ArrayDeque<org.w3c.dom.Node> pending = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
        pending.push(root);
        depths.push(1);
        int elements = 0;
        while (!pending.isEmpty()) {
            org.w3c.dom.Node node = pending.pop();
            int depth = depths.pop();
            if (depth > limits.maxDepth()) {
                throw refused(400, "XML_TOO_DEEP", "The XML message is nested too deeply.");
            }
            if (++elements > limits.maxElements()) {
                throw refused(400, "XML_TOO_MANY_ELEMENTS", "The XML message has too many elements.");
            }
            for (org.w3c.dom.Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof org.w3c.dom.Element) {
                    pending.push(child);
                    depths.push(depth + 1);
                }
            }
        }
    }

    /** @throws RequestRejectedException 400 (413 for size) naming the limit the message exceeds */
    public void scan(byte[] message) throws RequestRejectedException {
        if (message.length > limits.maxBytes()) {
            throw refused(413, "XML_TOO_LARGE", "The XML message is larger than this service accepts.");
        }
        XMLStreamReader reader;
        try {
            reader = factory.createXMLStreamReader(new ByteArrayInputStream(message));
        } catch (XMLStreamException e) {
            throw malformed();
        }
        int depth = 0;
        int elements = 0;
        int namespaces = 0;
        long text = 0;
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event != XMLStreamConstants.CHARACTERS && event != XMLStreamConstants.CDATA
                        && event != XMLStreamConstants.SPACE) {
                    text = 0;
                }
                switch (event) {
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
                            throw refused(400, SoapEnvelopeReader.XML_DTD_FORBIDDEN, "Document type declarations are not allowed.");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++depth > limits.maxDepth()) {
                            throw refused(400, "XML_TOO_DEEP", "The XML message is nested too deeply.");
                        }
                        if (++elements > limits.maxElements()) {
                            throw refused(400, "XML_TOO_MANY_ELEMENTS", "The XML message has too many elements.");
                        }
                        checkName(reader.getPrefix(), reader.getLocalName());
                        namespaces += reader.getNamespaceCount();
                        if (namespaces > limits.maxNamespaceDeclarations()) {
                            throw refused(400, "XML_TOO_MANY_NAMESPACES", "The XML message declares too many namespaces.");
                        }
                        int attributes = reader.getAttributeCount();
                        if (attributes > limits.maxAttributesPerElement()) {
                            throw refused(400, "XML_TOO_MANY_ATTRIBUTES", "An XML element has too many attributes.");
                        }
                        for (int i = 0; i < attributes; i++) {
                            checkName(reader.getAttributePrefix(i), reader.getAttributeLocalName(i));
                            if (reader.getAttributeValue(i).length() > limits.maxAttributeValueLength()) {
                                throw refused(400, "XML_ATTRIBUTE_TOO_LONG", "An XML attribute value is too long.");
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> depth--;
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        text += reader.getTextLength();
                        if (text > limits.maxTextLength()) {
                            throw refused(400, "XML_TEXT_TOO_LONG", "An XML text value is too long.");
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw malformed();
        } finally {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // nothing held open: the input is an in-memory array
            }
        }
    }

    private void checkName(String prefix, String localName) throws RequestRejectedException {
        int length = (prefix == null ? 0 : prefix.length() + 1) + localName.length();
        if (length > limits.maxNameLength()) {
            throw refused(400, "XML_NAME_TOO_LONG", "An XML element or attribute name is too long.");
        }
    }

    private static RequestRejectedException refused(int status, String reason, String message) {
        return new RequestRejectedException(status, reason, message);
    }

    private static RequestRejectedException malformed() {
        return new RequestRejectedException(400, SoapEnvelopeReader.XML_MALFORMED, "The request body is not well-formed XML.");
    }
}
