package dev.privatelink.sandbox;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/** Hands out the addresses of one /24 on loopback, one per key, stable while the key holds it. */
final class AddressPool {
    private final String prefix;
    private final Map<String, Integer> taken = new HashMap<>();
    private final BitSet used = new BitSet(256);

    AddressPool(String prefix) {
        this.prefix = prefix;
        used.set(0);
        used.set(255);
    }

    synchronized String allocate(String key) {
        Integer host = taken.get(key);
        if (host == null) {
            host = used.nextClearBit(1);
            if (host > 254) {
                throw new IllegalStateException("no free address left in " + prefix + "0/24");
            }
            used.set(host);
            taken.put(key, host);
        }
        return prefix + host;
    }

    synchronized void release(String key) {
        Integer host = taken.remove(key);
        if (host != null) {
            used.clear(host);
        }
    }
}
