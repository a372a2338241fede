package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.camel.component.PortcullisComponent;
import io.portcullis.engine.audit.DecisionEvent;
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
    static TeamRoute team;
    static TeamRoute teamWithUpstreamDown;

    record TeamRoute(CamelContext context, int port) {
        HttpRequest.Builder get(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir);
        team = startTeamRoute("http://127.0.0.1:" + gateway.upstreamPort);
        teamWithUpstreamDown = startTeamRoute("http://127.0.0.1:" + freePort());
    }

    @AfterAll
    static void stop() throws Exception {
        team.context().close();
        teamWithUpstreamDown.context().close();
        gateway.close();
    }

    @Test
    void theTeamsRouteEnforcesTheSameRules() throws Exception {
        HttpResponse<String> own = gateway.send(team.get("/api/accounts/acc-alice-1").header("X-API-Key", "alice-demo-key"));
        HttpResponse<String> others = gateway.send(team.get("/api/accounts/acc-bob-1").header("X-API-Key", "alice-demo-key"));
        HttpResponse<String> anonymous = gateway.send(team.get("/api/accounts/acc-alice-1"));

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"owner\":\"alice\"");
        assertProblem(others, 403, "BOLA_NOT_OWNER");
        assertProblem(anonymous, 401, "AUTHN_REQUIRED");
        assertThat(gateway.auditOf(GatewayIT.requestId(others)).get(0).route()).isEqualTo("team-bank-accounts");
    }

    @Test
    void anUpstreamThatIsDownIsAnAudited502WithoutInternals() throws Exception {
        HttpResponse<String> response = gateway.send(teamWithUpstreamDown.get("/api/accounts/acc-alice-1")
                .header("X-API-Key", "alice-demo-key"));

        assertProblem(response, 502, "UPSTREAM_UNAVAILABLE");
        DecisionEvent event = gateway.auditOf(GatewayIT.requestId(response)).get(0);
        assertThat(event.stage()).isEqualTo("UPSTREAM");
        assertThat(response.body()).doesNotContain("Connect", "refused", "127.0.0.1");
    }

    private static TeamRoute startTeamRoute(String upstream) throws Exception {
        int port = freePort();
        CamelContext context = new DefaultCamelContext();
        Properties placeholders = new Properties();
        placeholders.setProperty("team.host", "127.0.0.1");
        placeholders.setProperty("team.port", String.valueOf(port));
        placeholders.setProperty("team.upstream", upstream);
        context.getPropertiesComponent().setInitialProperties(placeholders);
        context.getRegistry().bind("portcullisHeaders", new ProxyHeaderFilterStrategy());
        context.addComponent("portcullis", new PortcullisComponent(gateway.runtime()));
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context,
                "file:" + RunningGateway.REPOSITORY.resolve("examples/camel/bank-route.camel.yaml")));
        context.start();
        return new TeamRoute(context, port);
    }

    private static int freePort() throws Exception {
        return io.portcullis.engine.FreePorts.next();
    }
}
