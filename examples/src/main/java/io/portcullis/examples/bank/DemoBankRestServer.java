package io.portcullis.examples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo bank's REST face, plus an echo service under {@code /echo/} that returns what it
 * received (for exercising defences on arbitrary requests). It trusts the gateway in front of it:
 * the caller is whoever {@code X-Authenticated-Subject} names. Never expose it directly.
 */
public final class DemoBankRestServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final int MAX_BODY = 1 << 20;

    private final DemoBank bank;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile io.portcullis.examples.bank.graphql.DemoBankGraphQl graphQl;

    private DemoBankRestServer(DemoBank bank, HttpServer server, ExecutorService executor) {
        this.bank = bank;
        this.server = server;
        this.executor = executor;
    }

    /** Also serves the bank's GraphQL face at {@code POST /graphql}. */
    public DemoBankRestServer withGraphQl(io.portcullis.examples.bank.graphql.DemoBankGraphQl face) {
        this.graphQl = face;
        return this;
    }

    /** Starts on host:port (port 0 picks a free one). */
    public static DemoBankRestServer start(DemoBank bank, String host, int port) throws IOException {
        // The JDK server writes headers and body separately; without TCP_NODELAY every keep-alive
        // response waits ~40 ms for a delayed ACK. Read once, when the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
        ExecutorService executor = Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "demo-bank-rest");
            thread.setDaemon(true);
            return thread;
        });
        DemoBankRestServer demo = new DemoBankRestServer(bank, server, executor);
        server.createContext("/", demo::handle);
        server.setExecutor(executor);
        server.start();
        return demo;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                serve(exchange);
            } catch (RuntimeException e) {
                verboseError(exchange, e);
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            byte[] body = readBody(exchange.getRequestBody());
            if (path.startsWith("/echo/") || path.equals("/echo")) {
                echo(exchange, method, body);
                return;
            }
            if (path.equals("/graphql") && graphQl != null) {
                graphQl(exchange, method, body);
                return;
            }
            String[] segments = path.split("/");
            // segments[0] is empty: "/api/accounts/x" -> ["", "api", "accounts", "x"]
            if (segments.length < 3 || !segments[1].equals("api")) {
                send(exchange, 404, error("no such resource"));
                return;
            }
            String resource = segments[2];
            String id = segments.length > 3 ? segments[3] : null;
            switch (method + " " + resource + (id == null ? "" : "/{id}")) {
                case "GET branches" -> send(exchange, 200, JSON.valueToTree(bank.branches()));
                case "GET branches/{id}" -> send(exchange, 200, JSON.valueToTree(bank.branches().stream()
                        .filter(branch -> branch.id().equals(id)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("branch lookup failed for " + id))));
                case "GET accounts/{id}" -> sendFound(exchange, bank.account(id).<JsonNode>map(JSON::valueToTree).orElse(null));
                case "DELETE accounts/{id}" -> {
                    if (bank.closeAccount(id)) {
                        send(exchange, 200, JSON.createObjectNode().put("closed", id));
                    } else {
                        send(exchange, 404, error("no such account"));
                    }
                }
                case "GET customers/{id}" -> sendFound(exchange, bank.customer(id).<JsonNode>map(JSON::valueToTree).orElse(null));
                case "GET transfers" -> send(exchange, 200, JSON.valueToTree(bank.transfers()));
                case "POST transfers" -> transfer(exchange, body);
                default -> send(exchange, 404, error("no such resource"));
            }
        }
    }

    /**
     * Verbose on purpose, like a framework left in development mode: the stack trace, the class
     * names and the line numbers go to the client. The gateway must not pass them on.
     */
    private static void verboseError(HttpExchange exchange, RuntimeException e) throws IOException {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        byte[] bytes = trace.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("X-Powered-By", "DemoBank/1.0 (JDK HttpServer)");
        exchange.sendResponseHeaders(500, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** GraphQL over HTTP: POST {@code {"query", "operationName", "variables"}}, answered with {@code data}/{@code errors}. */
    @SuppressWarnings("unchecked")
    private void graphQl(HttpExchange exchange, String method, byte[] body) throws IOException {
        if (!method.equals("POST") && !method.equals("GET")) {
            send(exchange, 405, error("GraphQL requests are sent with POST or GET"));
            return;
        }
        JsonNode request;
        try {
            request = method.equals("GET") ? fromQueryString(exchange.getRequestURI().getRawQuery()) : JSON.readTree(body);
        } catch (IOException | IllegalArgumentException e) {
            send(exchange, 400, error("the body is not JSON"));
            return;
        }
        String caller = exchange.getRequestHeaders().getFirst("X-Authenticated-Subject");
        if (request != null && request.isArray()) {
            // Batching: one result per request, in order.
            com.fasterxml.jackson.databind.node.ArrayNode results = JSON.createArrayNode();
            for (JsonNode one : request) {
                results.add(executeOne(one, caller));
            }
            send(exchange, 200, results);
            return;
        }
        JsonNode result = executeOne(request, caller);
        send(exchange, result.has("error") ? 400 : 200, result);
    }

    /** GraphQL over HTTP by GET: query, operationName and variables (JSON) as query parameters. */
    private static JsonNode fromQueryString(String rawQuery) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = java.net.URLDecoder.decode(pair.substring(0, equals), java.nio.charset.StandardCharsets.UTF_8);
            String value = java.net.URLDecoder.decode(pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8);
            if (name.equals("variables")) {
                request.set(name, JSON.readTree(value));
            } else if (name.equals("query") || name.equals("operationName")) {
                request.put(name, value);
            }
        }
        return request;
    }

    @SuppressWarnings("unchecked")
    private JsonNode executeOne(JsonNode request, String caller) {
        if (request == null || !request.path("query").isTextual()) {
            return error("a query is required");
        }
        JsonNode operationName = request.get("operationName");
        JsonNode variables = request.get("variables");
        Map<String, Object> result = graphQl.execute(request.get("query").textValue(),
                operationName != null && operationName.isTextual() ? operationName.textValue() : null,
                variables != null && variables.isObject() ? JSON.convertValue(variables, Map.class) : Map.of(), caller);
        return JSON.valueToTree(result);
    }

    private void transfer(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            send(exchange, 400, error("the body is not JSON"));
            return;
        }
        if (request == null || !request.path("fromAccount").isTextual() || !request.path("toAccount").isTextual()
                || !request.path("amount").isNumber() || !request.path("currency").isTextual()) {
            send(exchange, 400, error("fromAccount, toAccount, amount and currency are required"));
            return;
        }
        String caller = exchange.getRequestHeaders().getFirst("X-Authenticated-Subject");
        try {
            DemoBank.Transfer transfer = bank.transfer(request.get("fromAccount").textValue(),
                    request.get("toAccount").textValue(), new BigDecimal(request.get("amount").asText()),
                    request.get("currency").textValue(), caller == null ? "" : caller);
            send(exchange, 201, JSON.valueToTree(transfer));
        } catch (DemoBank.TransferRefused e) {
            send(exchange, 422, error(e.getMessage()));
        }
    }

    private void echo(HttpExchange exchange, String method, byte[] body) throws IOException {
        String reflectAs = exchange.getRequestHeaders().getFirst("X-Echo-Content-Type");
        if (reflectAs != null) {
            // An upstream that answers the body it was sent, as the type it is told: a stand-in for
            // services answering XML, text or bytes, for the gateway's response checks.
            exchange.getResponseHeaders().set("Content-Type", reflectAs);
            String encodedAs = exchange.getRequestHeaders().getFirst("X-Echo-Content-Encoding");
            if (encodedAs != null) {
                exchange.getResponseHeaders().set("Content-Encoding", encodedAs);
            }
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        ObjectNode echo = JSON.createObjectNode();
        echo.put("method", method);
        echo.put("path", exchange.getRequestURI().getRawPath());
        echo.put("query", exchange.getRequestURI().getRawQuery());
        ObjectNode headers = echo.putObject("headers");
        Map<String, List<String>> sorted = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> sorted.put(name.toLowerCase(Locale.ROOT), values));
        sorted.forEach((name, values) -> values.forEach(headers.withArray(name)::add));
        echo.put("body", new String(body, StandardCharsets.UTF_8));
        send(exchange, 200, echo);
    }

    private static void sendFound(HttpExchange exchange, JsonNode found) throws IOException {
        if (found == null) {
            send(exchange, 404, error("not found"));
        } else {
            send(exchange, 200, found);
        }
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new IOException("request body too large for the demo");
        }
        return bytes;
    }
}
