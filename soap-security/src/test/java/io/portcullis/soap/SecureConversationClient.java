package io.portcullis.soap;

import org.apache.wss4j.common.derivedKey.P_SHA1;
import org.apache.wss4j.dom.WSConstants;
import org.w3c.dom.Element;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** A WS-SecureConversation client's side, for tests: its requests, and what it reads from the gateway's answers. */
public final class SecureConversationClient {

    /**
     * What the client holds once the gateway answered its request for a context.
     *
     * @param instance the context's Instance (once renewed), or null
     * @param context  the answer's Context attribute (the request's, echoed)
     */
    public record Issued(String identifier, String instance, byte[] key, String context) {
    }

    private SecureConversationClient() {
    }

    /** A request for a context (addressed, with a Context attribute), with {@code clientEntropy} or none when null. */
    public static String issueRequest(SecureConversation.Version version, byte[] clientEntropy) {
        String trust = version.trustNamespace();
        return """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://www.w3.org/2005/08/addressing">
                  <soap:Header><wsa:Action>%s/RST/SCT</wsa:Action><wsa:MessageID>urn:uuid:m-1</wsa:MessageID></soap:Header>
                  <soap:Body><wst:RequestSecurityToken xmlns:wst="%s" Context="uuid-&amp;-1">\
                <wst:TokenType>%s</wst:TokenType><wst:RequestType>%s/Issue</wst:RequestType>%s\
                <wst:KeySize>256</wst:KeySize></wst:RequestSecurityToken></soap:Body>
                </soap:Envelope>""".formatted(trust, trust, version.tokenType(), trust, entropy(version, clientEntropy));
    }

    /** A request to renew the context {@code identifier} (addressed), with {@code clientEntropy} or none when null. */
    public static String renewRequest(SecureConversation.Version version, String identifier, byte[] clientEntropy) {
        String trust = version.trustNamespace();
        return """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://www.w3.org/2005/08/addressing">
                  <soap:Header><wsa:Action>%s/RST/SCT/Renew</wsa:Action><wsa:MessageID>urn:uuid:m-2</wsa:MessageID></soap:Header>
                  <soap:Body><wst:RequestSecurityToken xmlns:wst="%s" Context="renewal-1">\
                <wst:TokenType>%s</wst:TokenType><wst:RequestType>%s/Renew</wst:RequestType>\
                <wst:RenewTarget><wsse:SecurityTokenReference xmlns:wsse="%s"><wsse:Reference URI="%s" ValueType="%s"/>\
                </wsse:SecurityTokenReference></wst:RenewTarget>%s<wst:KeySize>256</wst:KeySize></wst:RequestSecurityToken></soap:Body>
                </soap:Envelope>""".formatted(trust, trust, version.tokenType(), trust, WSConstants.WSSE_NS, identifier,
                version.tokenType(), entropy(version, clientEntropy));
    }

    private static String entropy(SecureConversation.Version version, byte[] clientEntropy) {
        return clientEntropy == null ? "" : "<wst:Entropy><wst:BinarySecret Type=\"" + version.trustNamespace() + "/Nonce\">"
                + Base64.getEncoder().encodeToString(clientEntropy) + "</wst:BinarySecret></wst:Entropy>";
    }

    /** A request to cancel the context {@code identifier}. */
    public static String cancelRequest(SecureConversation.Version version, String identifier) {
        String trust = version.trustNamespace();
        return """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                  <soap:Body><wst:RequestSecurityToken xmlns:wst="%s"><wst:RequestType>%s/Cancel</wst:RequestType>\
                <wst:CancelTarget><wsse:SecurityTokenReference xmlns:wsse="%s"><wsse:Reference URI="%s" ValueType="%s"/>\
                </wsse:SecurityTokenReference></wst:CancelTarget></wst:RequestSecurityToken></soap:Body>
                </soap:Envelope>""".formatted(trust, trust, WSConstants.WSSE_NS, identifier, version.tokenType());
    }

    /**
     * The context an answer issued, read from its (verified, decrypted) Body's first element: the
     * identifier, and the key from both entropies by P_SHA1, or as the gateway sent it.
     *
     * @param clientEntropy what the request sent, or null when it sent none
     */
    public static Issued read(Element answer, SecureConversation.Version version, byte[] clientEntropy) throws Exception {
        Element response = answer;
        if (version == SecureConversation.Version.V1_3) {
            assertThat(response.getLocalName()).isEqualTo("RequestSecurityTokenResponseCollection");
            response = child(response, "RequestSecurityTokenResponse");
        }
        Element token = child(child(response, "RequestedSecurityToken"), "SecurityContextToken");
        String identifier = child(token, "Identifier").getTextContent();
        String instance = null;
        for (org.w3c.dom.Node node = token.getFirstChild(); node != null; node = node.getNextSibling()) {
            if ("Instance".equals(node.getLocalName())) {
                instance = node.getTextContent();
            }
        }
        Element proof = child(response, "RequestedProofToken");
        byte[] key;
        if (clientEntropy != null) {
            assertThat(child(proof, "ComputedKey").getTextContent()).isEqualTo(version.trustNamespace() + "/CK/PSHA1");
            byte[] gatewayEntropy = Base64.getDecoder().decode(child(child(response, "Entropy"), "BinarySecret").getTextContent());
            key = new P_SHA1().createKey(clientEntropy, gatewayEntropy, 0, Integer.parseInt(child(response, "KeySize")
                    .getTextContent()) / 8);
        } else {
            key = Base64.getDecoder().decode(child(proof, "BinarySecret").getTextContent());
        }
        return new Issued(identifier, instance, key, response.getAttribute("Context"));
    }

    /**
     * {@code message} as a client sends it in {@code context}: signed (Body and Timestamp) and its Body
     * encrypted with keys derived from the context, which it carries and refers to by the token's Id.
     */
    public static byte[] inContext(SecureConversation.Version version, Issued context, String message) throws Exception {
        return SecuredMessages.of(message).timestamp().inContext(version, context, false, true).bytes();
    }

    /** An answer under a context, verified and decrypted by the client, which knows the context's key by its identifier. */
    public static String readWithContextKey(byte[] answer, Issued issued) throws Exception {
        SecuredMessages.Read read = SecuredMessages.readWithKey(answer, issued.identifier(), issued.key());
        assertThat(read.results().getActionResults()).containsKeys(WSConstants.SIGN, WSConstants.DKT, WSConstants.TS);
        return read.text();
    }

    private static Element child(Element parent, String localName) {
        for (org.w3c.dom.Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && localName.equals(element.getLocalName())) {
                return element;
            }
        }
        throw new AssertionError("no " + localName + " in " + parent.getLocalName());
    }
}
