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
 * bind"). Here only tests that bind on purpose compete, and each JVM starts its walk at random.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    /** Up to the kernel's ephemeral range (Linux's default starts at 32768; some images lower it). */
    private static final int COUNT = Math.max(1_000, Math.min(12_000, ephemeralFrom() - FIRST));
    private static final AtomicInteger NEXT = new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(COUNT));

    private static int ephemeralFrom() {
        try {
            return Integer.parseInt(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

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
