package io.portcullis.engine.gate;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 96 random bits in hex. Unique enough to find one request in logs; not a secret. */
final class RequestIds {

    private RequestIds() {
    }

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%08x", random.nextLong(), random.nextInt());
    }
}
