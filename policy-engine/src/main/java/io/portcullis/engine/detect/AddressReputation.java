package io.portcullis.engine.detect;

/**
 * The hook for reputation lists: which list, if any, names a client address as hostile (Tor exits,
 * known scanners, a threat feed). Lists are consulted once per request; a hit becomes a
 * {@code BAD_REPUTATION} detection that rules weigh like any other.
 */
@FunctionalInterface
public interface AddressReputation {

    String FAMILY = "BAD_REPUTATION";
    AddressReputation NONE = address -> null;

    /** @return the name of the list that names the address, or null */
    String listing(String address);

    /** Named address lists (each read afresh when its file changes), consulted in order. */
    static AddressReputation of(java.util.Map<String, java.util.function.Supplier<io.portcullis.engine.net.AddressList>> lists) {
        if (lists.isEmpty()) {
            return NONE;
        }
        java.util.Map<String, java.util.function.Supplier<io.portcullis.engine.net.AddressList>> copy =
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lists));
        return address -> {
            byte[] literal = io.portcullis.engine.net.AddressRange.literal(address);
            if (literal == null) {
                return null;
            }
            for (var list : copy.entrySet()) {
                if (list.getValue().get().contains(literal)) {
                    return list.getKey();
                }
            }
            return null;
        };
    }
}
