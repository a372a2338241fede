package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.soap.SoapAdapter;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.Dispatch;
import jakarta.xml.ws.Service;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.apache.cxf.BusFactory;
import org.apache.cxf.jaxws.DispatchImpl;
import org.apache.cxf.ws.policy.WSPolicyFeature;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * WS-SecureConversation with Apache CXF's client, configured from WS-SecurityPolicy alone
 * ({@code src/test/resources/cxf/secure-conversation-policy.xml}): CXF asks the gateway for a context
 * in a message secured as WCF's UserNameForCertificate (Alice's UsernameToken, a key encrypted to the
 * gateway), calls the demo bank in it, and checks the gateway's answers against the same policy,
 * Strict layout and Basic256Sha256's key lengths included. The route allows AES-CBC
 * ({@code allowCbc: true}), which that suite names, as a bank would for such a partner.
 */
class CxfSecureConversationIT {

    static final String BANK = "urn:portcullis:demo-bank";
    static final String GET_ACCOUNT = "<b:GetAccount xmlns:b=\"" + BANK + "\"><b:accountId>acc-alice-1</b:accountId></b:GetAccount>";

    @TempDir
    static Path workDir;
    static RunningGateway gateway;
    static DemoSoapClients demo;

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir, "", config -> config.replace("allowCbc: false", "allowCbc: true"));
        demo = new DemoSoapClients();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void cxfEstablishesAContextAndCallsTheBankInItCheckingTheAnswersAgainstItsPolicy() throws Exception {
        Predicate<DecisionEvent> alicesRead = RunningGateway.permittedFor("getAccount", "alice");
        Predicate<DecisionEvent> established = RunningGateway.served(SoapAdapter.ESTABLISH_CONTEXT_OPERATION);
        long reads = gateway.count(alicesRead);
        long establishments = gateway.count(established);
        Dispatch<Source> bank = cxfClient();

        String first = call(bank);
        String second = call(bank);

        assertThat(first).contains("<owner>alice</owner>").contains("acc-alice-1");
        assertThat(second).isEqualTo(first);
        // One context for both calls, asked for with CXF's AppliesTo (the gateway's own, loopback, address).
        assertThat(gateway.count(established) - establishments).isEqualTo(1);
        assertThat(gateway.count(alicesRead) - reads).isEqualTo(2);
    }

    /** A JAX-WS Dispatch whose security CXF derives from the policy: Alice's password, the gateway's certificate. */
    private static Dispatch<Source> cxfClient() throws Exception {
        Element policy = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(CxfSecureConversationIT.class.getResourceAsStream("/cxf/secure-conversation-policy.xml")).getDocumentElement();
        QName port = new QName(BANK, "BankPort");
        Service service = Service.create(new QName(BANK, "BankService"));
        service.addPort(port, jakarta.xml.ws.soap.SOAPBinding.SOAP11HTTP_BINDING, "http://127.0.0.1:" + gateway.port + "/soap/bank");
        Dispatch<Source> dispatch = service.createDispatch(port, Source.class, Service.Mode.PAYLOAD);
        WSPolicyFeature feature = new WSPolicyFeature();
        feature.setPolicyElements(List.of(policy));
        feature.initialize(((DispatchImpl<?>) dispatch).getClient(), BusFactory.getDefaultBus());
        Map<String, Object> context = dispatch.getRequestContext();
        context.put(SecurityConstants.USERNAME, "alice");
        context.put(SecurityConstants.CALLBACK_HANDLER, (javax.security.auth.callback.CallbackHandler) callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof WSPasswordCallback asked && "alice".equals(asked.getIdentifier())) {
                    asked.setPassword("alice-demo-password");
                }
            }
        });
        context.put(SecurityConstants.ENCRYPT_CRYPTO, demo.clients);
        context.put(SecurityConstants.ENCRYPT_USERNAME, "gateway");
        context.put(BindingProvider.SOAPACTION_USE_PROPERTY, Boolean.TRUE);
        context.put(BindingProvider.SOAPACTION_URI_PROPERTY, BANK + "/GetAccount");
        return dispatch;
    }

    private static String call(Dispatch<Source> bank) throws Exception {
        Source answer = bank.invoke(new StreamSource(new StringReader(GET_ACCOUNT)));
        StringWriter text = new StringWriter();
        TransformerFactory.newInstance().newTransformer().transform(answer, new StreamResult(text));
        return text.toString();
    }
}
