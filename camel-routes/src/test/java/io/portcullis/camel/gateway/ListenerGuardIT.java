package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.Eventually;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listener's denial-of-service guards, on real sockets: a client that trickles its request is
 * cut off while others are served; requests over the per-client and the global bound are shed with
 * 503 at once, also while requests whose clients reset them are still worked on. The slow upstream is the demo's statement resolver (5 s, past the route's 2 s timeout).
 */
class ListenerGuardIT {

    @RegisterExtension
    static final DemoGateway demo = new DemoGateway(config -> config.replace("  workerThreads: 64       #",
            "  requestReadTimeoutMillis: 3000\n  maxConcurrentRequests: 3\n  maxConcurrentRequestsPerClient: 2\n"
            + "  maxConnectionsPerClient: 30\n  workerThreads: 64       #")
            // The slow requests stay in progress for 4.5 s (the resolver takes 5), time enough for the steps between.
            .replace("timeoutMillis: 2000", "timeoutMillis: 4500"));

    static final String SLOW_QUERY = "{\"query\":\"{ statement(accountId: \\\"acc-alice-1\\\") { balance } }\"}";

    @Test
    void aClientThatTricklesItsHeadersIsCutOffAndOthersAreServed() throws Exception {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket socket = new Socket("127.0.0.1", demo.gateway().port);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /api/branches HTTP/1.1\r\nHost: bank\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            slow.add(socket);
        }
        // While they hold their connections, other clients are answered.
        for (int i = 0; i < 5; i++) {
            assertThat(demo.gateway().send(demo.gateway().get("/api/branches", null)).statusCode()).isEqualTo(200);
        }
        // Each slow client keeps trickling a byte; the gateway closes the connection anyway.
        Socket trickler = slow.get(0);
        OutputStream out = trickler.getOutputStream();
        boolean cut = false;
        for (int i = 0; i < 100 && !cut; i++) {
            try {
                out.write('a');
                out.flush();
                TimeUnit.MILLISECONDS.sleep(200); // the slowness under test, not synchronisation
            } catch (IOException e) {
                cut = true;
            }
        }
        if (!cut) {
            cut = closed(trickler);
        }
        assertThat(cut).as("the trickling client was cut off").isTrue();
        for (Socket socket : slow) {
            assertThat(closed(socket)).as("every slow connection is closed, unanswered").isTrue();
            socket.close();
        }
        HttpResponse<String> health = demo.gateway().send(demo.gateway().admin("/health"));
        assertThat(health.body()).containsPattern("\"slowClientsCut\":([2-9]\\d|1\\d{2,})");
    }

    @Test
    void requestsOverTheBoundsAreShedAtOnce() throws Exception {
        HttpRequest slow = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.gateway().port + "/graphql"))
                .header("X-API-Key", "alice-demo-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SLOW_QUERY)).build();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inFlight.add(demo.gateway().http.sendAsync(slow, HttpResponse.BodyHandlers.ofString()));
        }
        awaitInProgress(2);

        // A third request from the same address is over its per-client bound.
        HttpResponse<String> sameClient = demo.gateway().send(demo.gateway().get("/api/branches", null));
        assertThat(sameClient.statusCode()).isEqualTo(503);
        assertThat(sameClient.body()).contains("OVERLOADED");
        assertThat(sameClient.headers().firstValue("retry-after")).contains("1");

        // From another address, one more fits the global bound of three; a fourth does not.
        try (Socket third = from("127.0.0.2"); Socket fourth = from("127.0.0.3")) {
            send(third, "POST /graphql HTTP/1.1\r\nHost: bank\r\nX-API-Key: alice-demo-key\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + SLOW_QUERY.length() + "\r\n\r\n" + SLOW_QUERY);
            awaitInProgress(3);
            send(fourth, "GET /api/branches HTTP/1.1\r\nHost: bank\r\n\r\n");
            String answer = new String(fourth.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 503").contains("OVERLOADED");
            assertThat(demo.gateway().send(demo.gateway().admin("/metrics")).body())
                    .containsPattern("(?m)^portcullis_listener_shed_total [2-9]");
        }
        for (CompletableFuture<HttpResponse<String>> request : inFlight) {
            assertThat(request.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        }
        Eventually.within(Duration.ofSeconds(10), () -> inProgress() == 0, "the slots are free again");
        assertThat(demo.gateway().send(demo.gateway().get("/api/branches", null)).statusCode()).isEqualTo(200);
    }

    @Test
    void clientsThatLeaveMidRequestAreCountedNotLoggedAsStackTraces() throws Exception {
        long before = counter("leftMidRequest");
        for (int i = 0; i < 3; i++) {
            try (Socket socket = from("127.0.0.7")) {
                send(socket, "POST /echo/a HTTP/1.1\r\nHost: bank\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nx");
            }
        }
        Eventually.within(Duration.ofSeconds(10), () -> counter("leftMidRequest") == before + 3, "the gateway saw three clients leave");
    }

    @Test
    void requestsWhoseClientResetsKeepTheirSlotsUntilTheirWorkEnds() throws Exception {
        long abandonedBefore = counter("abandonedByClient");
        String slowRequest = "POST /graphql HTTP/1.1\r\nHost: bank\r\nX-API-Key: alice-demo-key\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + SLOW_QUERY.length() + "\r\n\r\n" + SLOW_QUERY;
        Socket first = from("127.0.0.6");
        Socket second = from("127.0.0.6");
        send(first, slowRequest);
        send(second, slowRequest);
        Eventually.within(Duration.ofSeconds(10), () -> counter("working") == 2, "both requests are worked on");
        for (Socket socket : List.of(first, second)) {
            socket.setSoLinger(true, 0); // closing resets the connection
            socket.close();
        }
        Eventually.within(Duration.ofSeconds(10), () -> counter("abandonedByClient") == abandonedBefore + 2,
                "the gateway saw both clients leave");

        // The work goes on (the upstream is slow), so the address is still at its bound of two.
        assertThat(inProgress()).isEqualTo(2);
        try (Socket third = from("127.0.0.6")) {
            send(third, "GET /api/branches HTTP/1.1\r\nHost: bank\r\nConnection: close\r\n\r\n");
            assertThat(new String(third.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 503").contains("OVERLOADED");
        }

        Eventually.within(Duration.ofSeconds(10), () -> inProgress() == 0 && counter("working") == 0,
                "the slots are free once the work has ended");
        try (Socket fourth = from("127.0.0.6")) {
            send(fourth, "GET /api/branches HTTP/1.1\r\nHost: bank\r\nConnection: close\r\n\r\n");
            assertThat(new String(fourth.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void connectionsOverTheClientsBoundAreClosedAsTheyAreAcceptedAndOthersAreServed() throws Exception {
        long refusedBefore = counter("connectionsRefused");
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                // Answered (200, or 429 past the bundled 20 a second), so accepted and counted before the next connects.
                Socket socket = from("127.0.0.4");
                open.add(socket);
                send(socket, "GET /api/branches HTTP/1.1\r\nHost: bank\r\n\r\n");
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1)).readLine()).startsWith("HTTP/1.1 ");
            }
            Socket over = from("127.0.0.4");
            open.add(over);

            assertThat(closed(over)).as("the connection over the bound is closed").isTrue();
            assertThat(counter("connectionsRefused")).isEqualTo(refusedBefore + 1);
            assertThat(demo.gateway().send(demo.gateway().admin("/metrics")).body())
                    .containsPattern("(?m)^portcullis_listener_connections_refused_total [1-9]")
                    .containsPattern("(?m)^portcullis_listener_connections \\d+$");
            try (Socket other = from("127.0.0.5")) {
                send(other, "GET /api/branches HTTP/1.1\r\nHost: bank\r\nConnection: close\r\n\r\n");
                assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    /** End of stream, or reset: either way the gateway closed it (an unanswered request has no bytes to read). */
    static boolean closed(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    static Socket from(String address) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", demo.gateway().port));
        socket.setSoTimeout(30_000);
        return socket;
    }

    static void send(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    static void awaitInProgress(int requests) {
        Eventually.within(Duration.ofSeconds(10), () -> inProgress() == requests, requests + " requests in progress");
    }

    static long counter(String name) {
        try {
            String health = demo.gateway().send(demo.gateway().admin("/health")).body();
            return Long.parseLong(health.replaceAll(".*\"" + name + "\":(\\d+).*", "$1"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int inProgress() {
        return (int) counter("inProgress");
    }
}
