package io.portcullis.engine.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of address ranges, one per line ({@code 203.0.113.0/24}, {@code 2001:db8::1}, {@code #}
 * comments), for allow and deny lists the security team edits while the gateway runs.
 */
public record AddressList(List<AddressRange> ranges) {

    public static final AddressList EMPTY = new AddressList(List.of());

    public AddressList {
        ranges = List.copyOf(ranges);
    }

    /** @throws IOException naming the file and line when a line is not an address or range */
    public static AddressList load(Path file) throws IOException {
        List<AddressRange> ranges = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            String content = line.replaceFirst("#.*", "").strip();
            if (content.isEmpty()) {
                continue;
            }
            try {
                ranges.add(AddressRange.parse(content));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + number + ": " + e.getMessage());
            }
        }
        return new AddressList(ranges);
    }

    public static AddressList of(List<String> ranges) {
        return new AddressList(ranges.stream().map(AddressRange::parse).toList());
    }

    public boolean contains(byte[] address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
