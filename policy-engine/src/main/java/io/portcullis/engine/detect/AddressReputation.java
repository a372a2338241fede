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
}
