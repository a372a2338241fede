package io.portcullis.engine.cluster;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} (Debian's package; {@code .ci/run} installs it) on a free
 * loopback port, without persistence. Tests fail, not skip, when the binary is missing: a skipped
 * shared-state test would pass CI while testing nothing.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    public static RedisServer start() throws IOException {
        RedisServer server = new RedisServer(io.portcullis.engine.FreePorts.next());
        server.restart();
        return server;
    }

    /** Starts (again) on the same port, empty. */
    public void restart() throws IOException {
        Path binary = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("redis-server is not installed: apt-get install -y redis-server (.ci/run does)");
        }
        process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process started = process;
        io.portcullis.engine.Eventually.within(Duration.ofSeconds(10), () -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("redis-server exited instead of listening on port " + port);
            }
            return accepting();
        }, "redis-server listens on port " + port);
    }

    /** Stops the server and waits until it is gone, to test what the gateway does without it. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    private boolean accepting() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
