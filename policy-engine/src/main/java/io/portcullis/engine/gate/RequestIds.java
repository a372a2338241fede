package io.portcullis.engine.gate;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 96 random bits in hex. Unique enough to find one request in logs; not a secret. */
public final class RequestIds {

    private static final HexFormat HEX = HexFormat.of();

    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextInt());
    }
}
