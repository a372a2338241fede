package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.camel.component.PortcullisComponent;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YAML DSL example in examples/camel, run as an integration team would: their own Camel
 * context and route, with the portcullis component enforcing the same rule pack.
 */
class YamlRouteExampleIT {

    @TempDir
    static Path workDir;

    static RunningGateway gateway;
    static CamelContext teamContext;
    static int teamPort;

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir);
        try (ServerSocket socket = new ServerSocket(0)) {
            teamPort = socket.getLocalPort();
        }
        teamContext = new DefaultCamelContext();
        Properties placeholders = new Properties();
        placeholders.setProperty("team.host", "127.0.0.1");
        placeholders.setProperty("team.port", String.valueOf(teamPort));
        placeholders.setProperty("team.upstream", "http://127.0.0.1:" + gateway.upstreamPort);
        teamContext.getPropertiesComponent().setInitialProperties(placeholders);
        teamContext.getRegistry().bind("portcullisHeaders", new ProxyHeaderFilterStrategy());
        teamContext.addComponent("portcullis", new PortcullisComponent(gateway.runtime()));
        PluginHelper.getRoutesLoader(teamContext).loadRoutes(ResourceHelper.resolveMandatoryResource(teamContext,
                "file:" + RunningGateway.REPOSITORY.resolve("examples/camel/bank-route.camel.yaml")));
        teamContext.start();
    }

    @AfterAll
    static void stop() throws Exception {
        teamContext.close();
        gateway.close();
    }

    @Test
    void theTeamsRouteEnforcesTheSameRules() throws Exception {
        HttpResponse<String> own = gateway.send(team("/api/accounts/acc-alice-1").header("X-API-Key", "alice-demo-key"));
        HttpResponse<String> others = gateway.send(team("/api/accounts/acc-bob-1").header("X-API-Key", "alice-demo-key"));
        HttpResponse<String> anonymous = gateway.send(team("/api/accounts/acc-alice-1"));

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"owner\":\"alice\"");
        assertProblem(others, 403, "BOLA_NOT_OWNER");
        assertProblem(anonymous, 401, "AUTHN_REQUIRED");
        assertThat(gateway.auditOf(GatewayIT.requestId(others)).get(0).route()).isEqualTo("team-bank-accounts");
    }

    private static HttpRequest.Builder team(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + teamPort + path));
    }
}
