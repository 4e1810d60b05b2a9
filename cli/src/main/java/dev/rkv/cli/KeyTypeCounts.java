package dev.rkv.cli;

import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.store.Keyspace;

import java.util.Map;
import java.util.TreeMap;

/**
 * Live keys per type ("hash" → 20000) over every database of a keyspace. The demo checks a
 * replica's counts against what it loaded: a digest says two datasets are equal, the counts say
 * in words what they hold, so a RESULT line cannot report types that never reached the replica.
 */
final class KeyTypeCounts {
    private KeyTypeCounts() {
    }

    /** Event loop thread of the keyspace's server. */
    static Map<String, Long> of(Keyspace keyspace, long nowMs) {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
                if (db.slotOccupied(slot)) {
                    db.forEachInSlot(slot, nowMs, (k, e) -> counts.merge(e.type().typeName(), 1L, Long::sum));
                }
            }
        }
        return counts;
    }
}
