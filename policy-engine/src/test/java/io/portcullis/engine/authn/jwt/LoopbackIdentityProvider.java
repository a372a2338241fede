package io.portcullis.engine.authn.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in identity provider on 127.0.0.1: serves a JWK Set and an introspection endpoint over
 * real HTTP, counts the calls, records what the gateway sent, and answers whatever a test sets.
 */
final class LoopbackIdentityProvider implements AutoCloseable {

    record Call(String method, String contentType, String authorization, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch released = new CountDownLatch(1);
    final AtomicInteger jwksHits = new AtomicInteger();
    final AtomicInteger introspectionHits = new AtomicInteger();
    final List<Call> introspectionCalls = new CopyOnWriteArrayList<>();
    private volatile String jwks = "{\"keys\":[]}";
    private volatile int introspectionStatus = 200;
    private volatile String introspectionAnswer = "{\"active\":false}";
    private volatile boolean hang;

    LoopbackIdentityProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            jwksHits.incrementAndGet();
            answer(exchange, 200, jwks);
        });
        server.createContext("/introspect", exchange -> {
            introspectionHits.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            introspectionCalls.add(new Call(exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            if (hang) {
                try {
                    released.await(); // until the test is over: the gateway must time out first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(exchange, introspectionStatus, introspectionAnswer);
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Publishes the public halves of these keys, replacing what was published. */
    void publish(JWK... keys) {
        jwks = new JWKSet(List.of(keys)).toString(true);
    }

    void answerIntrospection(int status, String json) {
        introspectionStatus = status;
        introspectionAnswer = json;
    }

    void hangIntrospection() {
        hang = true;
    }

    URI jwksUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    URI introspectionUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/introspect");
    }

    /** Stops answering: connections to it are refused from now on. */
    void stop() {
        released.countDown();
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
