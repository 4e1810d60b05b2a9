package dev.rkv.replica;

import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.store.Keyspace;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Keyspace dumps, "db/key" to "value @expiry", and a comparison that names the first differences. */
final class Datasets {
    private Datasets() {
    }

    static Map<String, String> dump(Keyspace ks) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < ks.count(); i++) {
            int db = i;
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                ks.db(i).forEachInSlot(s, Long.MIN_VALUE, (k, e) -> out.put(db + "/" + str(k.bytes()),
                    str(e.bytes()) + " @" + e.expireAtMs()));
            }
        }
        return out;
    }

    /** Strings whose bytes stayed in the adopted table (not copied onto the heap). */
    static long adoptedStrings(Keyspace ks) {
        long[] n = {0};
        for (int i = 0; i < ks.count(); i++) {
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                ks.db(i).forEachInSlot(s, Long.MIN_VALUE, (k, e) -> {
                    if (e.value() instanceof dev.rkv.kvserver.store.RegionString) {
                        n[0]++;
                    }
                });
            }
        }
        return n[0];
    }

    static void assertSame(Map<String, String> expected, Map<String, String> actual, String what) {
        if (expected.equals(actual)) {
            return;
        }
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        StringBuilder diff = new StringBuilder();
        int shown = 0;
        for (String k : keys) {
            if (!Objects.equals(expected.get(k), actual.get(k)) && shown++ < 10) {
                String e = expected.get(k);
                String a = actual.get(k);
                diff.append("\n  ").append(k).append(": expected=").append(e == null ? null : abbreviate(e)).append(" actual=")
                    .append(a == null ? null : abbreviate(a));
            }
        }
        throw new AssertionError(what + " differs (" + expected.size() + " vs " + actual.size() + " keys):" + diff);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 60) + "...(" + s.length() + ")" : s;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
