package io.portcullis.camel;

import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.camel.config.GatewaySettingsLoader;
import io.portcullis.camel.config.InvalidConfigurationException;
import io.portcullis.camel.gateway.Gateway;
import io.portcullis.engine.audit.JsonLinesAuditLog;
import io.portcullis.engine.authn.basic.UsersCommand;
import io.portcullis.engine.authn.jwt.JwtCommand;
import io.portcullis.engine.fixtures.RulesCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis} — with no command, runs the gateway; {@code portcullis rules test [DIR]}
 * checks a rule pack. Audit events go to stdout as JSON lines, diagnostics to stderr.
 */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "Portcullis 0.1.0",
        description = "Policy-as-code API security gateway.",
        subcommands = {RulesCommand.class, UsersCommand.class, JwtCommand.class})
public final class PortcullisMain implements Callable<Integer> {

    static final Path DEFAULT_CONFIG = Path.of("examples", "config", "portcullis.yaml");

    @Option(names = "--config", paramLabel = "FILE", description = "gateway configuration (default: ${DEFAULT-VALUE})")
    Path config = DEFAULT_CONFIG;

    @Option(names = "--rules", paramLabel = "DIR", description = "rules directory, overriding the configuration")
    Path rules;

    @Option(names = "--port", paramLabel = "N", description = "listener port, overriding the configuration")
    Integer port;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PortcullisMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (config.equals(DEFAULT_CONFIG) && !Files.exists(config)) {
            System.err.println("No configuration at " + config.toAbsolutePath()
                    + ": run from the repository root, or pass --config FILE.");
            return 2;
        }
        GatewaySettings settings;
        try {
            settings = GatewaySettingsLoader.load(config);
            if (rules != null) {
                if (!Files.isDirectory(rules)) {
                    throw new InvalidConfigurationException("--rules: " + rules.toAbsolutePath() + " is not a directory");
                }
                settings = settings.withRulesDirectory(rules.toAbsolutePath().normalize());
            }
            if (port != null) {
                if (port < 1 || port > 65535) {
                    throw new InvalidConfigurationException("--port: " + port + " is not a port number");
                }
                settings = settings.withListenerPort(port);
            }
        } catch (InvalidConfigurationException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Gateway gateway = Gateway.start(settings, new JsonLinesAuditLog());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (Exception e) {
                System.err.println("Error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "portcullis-shutdown"));
        System.err.printf("Portcullis gateway on http://%s:%d (admin http://%s:%d), rule pack %s%n",
                settings.listener().host(), settings.listener().port(), settings.admin().host(), settings.admin().port(),
                gateway.runtime().rules().status().loaded() ? gateway.runtime().rules().status().revision() : "NOT LOADED");
        stopped.await();
        return 0;
    }
}
