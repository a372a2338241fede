package io.portcullis.examples.bank.soap;

import io.portcullis.examples.bank.DemoBank;
import java.util.Map;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.ws.addressing.WSAddressingFeature;

/**
 * Serves {@link BankSoapService} at {@code http://host:port/soap/bank} (WSDL at {@code ?wsdl}) on
 * CXF's Jetty transport. No WS-Security of its own: the gateway in front verifies and decrypts, and
 * forwards the plain message.
 */
public final class DemoBankSoapServer implements AutoCloseable {

    public static final String PATH = "/soap/bank";

    private final Server server;
    private final String address;

    private DemoBankSoapServer(Server server, String address) {
        this.server = server;
        this.address = address;
    }

    public static DemoBankSoapServer start(DemoBank bank, String host, int port) {
        String address = "http://" + host + ":" + port + PATH;
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(BankPort.class);
        factory.setServiceBean(new BankSoapService(bank));
        factory.setAddress(address);
        // Envelopes with the prefix s, as WCF services write them: Mono's WCF client checks a reply's
        // signature over its own re-serialization with that prefix (WcfInteropIT); other clients do not care.
        factory.setProperties(Map.of("soap.env.ns.map", Map.of("s", "http://schemas.xmlsoap.org/soap/envelope/")));
        // Answers carry WS-Addressing headers when requests do: WS-SecureConversation clients (WCF, Metro) require them.
        // Answers only on the request's connection: a ReplyTo elsewhere would send them past whatever sits in front.
        WSAddressingFeature addressing = new WSAddressingFeature();
        addressing.setResponses(WSAddressingFeature.AddressingResponses.ANONYMOUS);
        factory.getFeatures().add(addressing);
        return new DemoBankSoapServer(factory.create(), address);
    }

    public String address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
        server.destroy();
    }
}
