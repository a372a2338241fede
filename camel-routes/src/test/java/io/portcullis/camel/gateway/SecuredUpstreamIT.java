package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.bank.DemoBank;
import io.portcullis.examples.bank.soap.BankPort;
import io.portcullis.examples.bank.soap.BankSoapService;
import io.portcullis.examples.bank.soap.Messages;
import java.nio.file.Path;
import java.util.Map;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream that itself demands WS-Security (a CXF service with WSS4J requiring a signed
 * Timestamp and Body): the gateway checks the caller's UsernameToken, then signs what it forwards
 * with its own key ({@code wsSecurity.upstream.sign}), and the service verifies that signature.
 */
class SecuredUpstreamIT {

    @TempDir
    static Path workDir;
    static Server upstream;
    static RunningGateway gateway;
    static DemoSoapClients demo;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoSoapClients();
        int port = RunningGateway.freePortForTests();
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(BankPort.class);
        factory.setServiceBean(new BankSoapService(new DemoBank()));
        factory.setAddress("http://127.0.0.1:" + port + "/soap/bank");
        // Trusts the demo CA, which issued the gateway's WS-Security certificate.
        factory.getInInterceptors().add(new WSS4JInInterceptor(Map.of(
                ConfigurationConstants.ACTION, "Timestamp Signature",
                ConfigurationConstants.SIG_VER_PROP_REF_ID, "trust", "trust", demo.clients)));
        upstream = factory.create();
        gateway = new RunningGateway(workDir, "", config -> config
                .replaceFirst("(?s)(name: bank-soap.*?upstream: http://127\\.0\\.0\\.1:)\\d+", "$1" + port)
                .replace("      responses: {sign: true, encrypt: false}",
                        "      responses: {sign: true, encrypt: false}\n      upstream: {sign: true}"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.destroy();
    }

    @Test
    void theGatewaySignsWhatItForwardsAndTheUpstreamVerifiesIt() throws Exception {
        BankPort alice = demo.client("http://127.0.0.1:" + gateway.port + "/soap/bank",
                DemoSoapClients.usernameToken("alice", "alice-demo-password"));

        assertThat(alice.getAccount(new Messages.GetAccount("acc-alice-1")).owner).isEqualTo("alice");
    }
}
