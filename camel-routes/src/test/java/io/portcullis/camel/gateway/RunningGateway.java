package io.portcullis.camel.gateway;

import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.camel.config.GatewaySettingsLoader;
import io.portcullis.engine.audit.AuditLog;
import io.portcullis.engine.audit.DecisionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * A real gateway for tests: the bundled example configuration on free loopback ports, the demo
 * bank in-process, a private copy of the bundled rules (tests may edit it), audit events recorded.
 */
final class RunningGateway implements AutoCloseable {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    /** The demo's configuration folder: its keys, certificates and passwords are the clients' too. */
    static final Path CONFIG = REPOSITORY.resolve("examples/config");

    final Path rules;
    final Path apiKeys;
    final Path users;
    final int port;
    final int adminPort;
    final int upstreamPort;
    final int soapUpstreamPort;
    final ConcurrentLinkedQueue<DecisionEvent> audit = new ConcurrentLinkedQueue<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Gateway gateway;

    RunningGateway(Path workDir) throws Exception {
        this(workDir, "");
    }

    /** @param extraConfig YAML appended to the example configuration (e.g. a tlsListener section) */
    RunningGateway(Path workDir, String extraConfig) throws Exception {
        this(workDir, extraConfig, config -> config);
    }

    /** @param edit changes to the example configuration's text before it is loaded */
    RunningGateway(Path workDir, String extraConfig, java.util.function.UnaryOperator<String> edit) throws Exception {
        this(workDir, extraConfig, edit, java.time.Clock.systemUTC());
    }

    /** @param clock the gateway's clock, which a test may set apart from its clients' */
    RunningGateway(Path workDir, String extraConfig, java.util.function.UnaryOperator<String> edit, java.time.Clock clock)
            throws Exception {
        rules = workDir.resolve("rules");
        copyTree(REPOSITORY.resolve("rules"), rules);
        apiKeys = Files.copy(REPOSITORY.resolve("examples/config/api-keys.yaml"), workDir.resolve("api-keys.yaml"));
        users = Files.copy(REPOSITORY.resolve("examples/config/users.yaml"), workDir.resolve("users.yaml"));
        port = freePort();
        adminPort = freePort();
        upstreamPort = freePort();
        soapUpstreamPort = freePort();
        // Keys and users are copies the tests may edit; the rest of the example is linked as it is.
        io.portcullis.camel.config.ExampleConfig.linkInto(workDir, java.util.Set.of("api-keys.yaml", "users.yaml"));
        String config = Files.readString(REPOSITORY.resolve("examples/config/portcullis.yaml"))
                .replace("port: 8080", "port: " + port)
                .replace("port: 8081", "port: " + adminPort)
                .replace("port: 9080", "port: " + upstreamPort)
                .replace("127.0.0.1:9080", "127.0.0.1:" + upstreamPort)
                .replace("soapPort: 9082", "soapPort: " + soapUpstreamPort)
                .replace("127.0.0.1:9082", "127.0.0.1:" + soapUpstreamPort)
                .replace("directory: ../../rules", "directory: " + rules);
        // The demo's TLS listener has a fixed port; tests that want TLS bring their own section.
        config = config.replaceAll("(?ms)^tlsListener:.*?(?=^\\S)", "");
        Path configFile = workDir.resolve("portcullis.yaml");
        Files.writeString(configFile, edit.apply(config) + "\n" + extraConfig);
        GatewaySettings settings = GatewaySettingsLoader.load(configFile);
        AuditLog recorder = audit::add;
        gateway = Gateway.start(settings, recorder, clock);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder get(String path, String apiKey) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        return apiKey == null ? builder : builder.header("X-API-Key", apiKey);
    }

    HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path));
    }

    HttpRequest.Builder upstream(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstreamPort + path));
    }

    List<DecisionEvent> auditOf(String requestId) {
        return audit.stream().filter(e -> e.requestId().equals(requestId)).toList();
    }

    /** The one audit event of the request {@code response} answers; fails the test unless there is exactly one. */
    DecisionEvent eventOf(HttpResponse<String> response) {
        List<DecisionEvent> events = auditOf(GatewayIT.requestId(response));
        org.assertj.core.api.Assertions.assertThat(events).hasSize(1);
        return events.get(0);
    }

    /** {@code message} posted to the demo bank's SOAP face, SOAP 1.1, with {@code soapAction} (none when null). */
    HttpResponse<String> postSoap(byte[] message, String soapAction) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/soap/bank"))
                .header("Content-Type", "text/xml; charset=utf-8");
        if (soapAction != null) {
            request.header("SOAPAction", "\"" + soapAction + "\"");
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(message)));
    }

    io.portcullis.camel.GatewayRuntime runtime() {
        return gateway.runtime();
    }

    /**
     * The options the WS-Security interop clients (Metro, Spring-WS) share: this gateway's SOAP route,
     * Alice's key, the gateway's certificate and the CA that issued it, and the account to read.
     */
    List<String> aliceSoapClient(String account, String... extra) {
        List<String> arguments = new java.util.ArrayList<>(List.of(
                "--endpoint", "http://127.0.0.1:" + port + "/soap/bank",
                "--keystore", CONFIG.resolve("tls/alice.p12").toString(),
                "--keystore-password-file", CONFIG.resolve("tls/keystore.pass").toString(),
                "--peer-cert", CONFIG.resolve("wss/gateway.pem").toString(),
                "--ca-cert", CONFIG.resolve("tls/ca.pem").toString(),
                "--account", account));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    /** How many audit events so far match {@code event}: a test compares the count before and after its calls. */
    /** Audit events of {@code operation} the gateway permitted. */
    static java.util.function.Predicate<DecisionEvent> permitted(String operation) {
        return e -> operation.equals(e.operation()) && "PERMIT".equals(e.effect());
    }

    /** {@link #permitted} events of {@code subject}'s. */
    static java.util.function.Predicate<DecisionEvent> permittedFor(String operation, String subject) {
        return permitted(operation).and(e -> subject.equals(e.principal().subject()));
    }

    /** Token requests of {@code operation} the gateway permitted and answered itself (establish, renew, cancel a context). */
    static java.util.function.Predicate<DecisionEvent> served(String operation) {
        return permitted(operation).and(e -> io.portcullis.engine.gate.Gatekeeper.ANSWER.equals(e.stage()));
    }

    /** {@link #served} token requests of {@code subject}'s. */
    static java.util.function.Predicate<DecisionEvent> servedFor(String operation, String subject) {
        return served(operation).and(e -> subject.equals(e.principal().subject()));
    }

    long count(java.util.function.Predicate<DecisionEvent> event) {
        return audit.stream().filter(event).count();
    }

    /** The last audit event of {@code operation}; fails the test if there is none. */
    DecisionEvent lastEvent(String operation) {
        List<DecisionEvent> events = audit.stream().filter(e -> operation.equals(e.operation())).toList();
        org.assertj.core.api.Assertions.assertThat(events).as("audit events of " + operation).isNotEmpty();
        return events.get(events.size() - 1);
    }

    /** A client of another stack read Alice's account through the SOAP route, proved by WS-Security. */
    void assertReadAlicesAccount(ClientProcess run) {
        org.assertj.core.api.Assertions.assertThat(run.exit()).as(run.out() + run.err()).isZero();
        org.assertj.core.api.Assertions.assertThat(run.out()).contains("<owner>alice</owner>").contains("<balance>");
        DecisionEvent event = lastEvent("getAccount");
        org.assertj.core.api.Assertions.assertThat(event.effect()).isEqualTo("PERMIT");
        org.assertj.core.api.Assertions.assertThat(event.principal().subject()).isEqualTo("alice");
        org.assertj.core.api.Assertions.assertThat(event.principal().methods()).containsExactly("WS_SECURITY");
    }

    /** Alice's client asked for Bob's account: the rule's fault, which the client read. */
    void assertRefusedBobsAccount(ClientProcess run) {
        org.assertj.core.api.Assertions.assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(run.err()).contains("You may only access your own records.");
        org.assertj.core.api.Assertions.assertThat(lastEvent("getAccount").reasons()).containsExactly("BOLA_NOT_OWNER");
    }

    @Override
    public void close() throws Exception {
        gateway.close();
    }

    static int freePortForTests() throws IOException {
        return freePort();
    }

    private static int freePort() throws IOException {
        return io.portcullis.engine.FreePorts.next();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
