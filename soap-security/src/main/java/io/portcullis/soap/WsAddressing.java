package io.portcullis.soap;

import io.portcullis.engine.adapter.RequestRejectedException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.HashSet;
import java.util.Set;

/**
 * The WS-Addressing a request used, so that its answer can relate to it: WCF and Metro, once they
 * address their requests (WS-SecureConversation needs it), refuse an answer or a fault without an
 * Action, and WCF one without a RelatesTo naming its MessageID.
 *
 * <p>The gateway answers on the connection the request came on and forwards the headers upstream,
 * so it admits only what keeps it that way: replies and faults to the anonymous address (a ReplyTo
 * elsewhere would have the service send its answer past the gateway's response checks, to wherever
 * the caller names), one of each header, one version.
 *
 * @param namespace the request's WS-Addressing version (2005/08, or the 2004/08 submission)
 * @param messageId the request's MessageID, or null when it sent none
 * @param action    the request's Action, or null when it sent none
 */
record WsAddressing(String namespace, String messageId, String action) {

    static final String W3C = "http://www.w3.org/2005/08/addressing";
    static final String SUBMISSION = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    /** The versions the gateway reads: W3C's and the 2004 submission (which WCF and Metro can still send). */
    static final Set<String> NAMESPACES = Set.of(W3C, SUBMISSION);
    private static final Set<String> ANONYMOUS = Set.of(W3C + "/anonymous", SUBMISSION + "/role/anonymous");

    /**
     * The addressing of a request whose SOAP Header is {@code header}, or null when it used none.
     *
     * @throws RequestRejectedException 400 when it names a reply or fault address other than the
     *                                  anonymous one, repeats a header, or mixes versions
     */
    static WsAddressing of(Element header) throws RequestRejectedException {
        String namespace = null;
        String messageId = null;
        String action = null;
        Set<String> seen = new HashSet<>();
        for (Node child = header == null ? null : header.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (!(child instanceof Element element) || !NAMESPACES.contains(element.getNamespaceURI())) {
                continue;
            }
            if ((namespace != null && !namespace.equals(element.getNamespaceURI())) || !seen.add(element.getLocalName())) {
                throw invalid();
            }
            namespace = element.getNamespaceURI();
            switch (element.getLocalName()) {
                case "MessageID" -> messageId = element.getTextContent().strip();
                case "Action" -> action = element.getTextContent().strip();
                case "ReplyTo", "FaultTo" -> requireAnonymous(element, namespace);
                default -> {
                    // To, From, RelatesTo, reference parameters: nothing the gateway or the service acts on.
                }
            }
        }
        return namespace == null ? null : new WsAddressing(namespace, messageId, action);
    }

    /** Exactly one Address, the anonymous one: with two, the service might reply to the one not checked. */
    private static void requireAnonymous(Element endpoint, String namespace) throws RequestRejectedException {
        int addresses = 0;
        for (Node child = endpoint.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && namespace.equals(element.getNamespaceURI())
                    && "Address".equals(element.getLocalName())) {
                if (!ANONYMOUS.contains(element.getTextContent().strip())) {
                    throw invalid();
                }
                addresses++;
            }
        }
        if (addresses != 1) {
            throw invalid();
        }
    }

    static RequestRejectedException invalid() {
        return new RequestRejectedException(400, SoapAdapter.ADDRESSING_INVALID, "The WS-Addressing headers are not ones this service takes: "
                + "one of each, one version, replies and faults to the anonymous address, an Action that is the SOAP action.");
    }

    /** The action of a fault in this version. */
    String faultAction() {
        return W3C.equals(namespace) ? W3C + "/soap/fault" : SUBMISSION + "/fault";
    }

    /** The header blocks of an answer with {@code action}: Action, and RelatesTo when the request had a MessageID. */
    String headers(String action) {
        StringBuilder xml = new StringBuilder("<wsa:Action xmlns:wsa=\"").append(namespace).append("\">")
                .append(XmlText.escape(action)).append("</wsa:Action>");
        if (messageId != null) {
            xml.append("<wsa:RelatesTo xmlns:wsa=\"").append(namespace).append("\">").append(XmlText.escape(messageId))
                    .append("</wsa:RelatesTo>");
        }
        return xml.toString();
    }
}
