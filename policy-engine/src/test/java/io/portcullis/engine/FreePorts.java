package io.portcullis.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for the servers tests start, taken below Linux's ephemeral range (32768 and up):
 * a port the kernel picks for {@code new ServerSocket(0)} is also one it hands to outgoing client
 * connections, so between the probe and the server's own bind a client could take it ("Failed to
 * bind"). Here only tests that bind on purpose compete, and each JVM walks its own sequence.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int COUNT = 12_000;
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 397 % COUNT));

    private FreePorts() {
    }

    /** A port free on 127.0.0.1 now, not handed out before by this JVM (until the range wraps). */
    public static int next() throws IOException {
        for (int tries = 0; tries < COUNT; tries++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IOException("no free loopback port in " + FIRST + "-" + (FIRST + COUNT - 1));
    }
}
