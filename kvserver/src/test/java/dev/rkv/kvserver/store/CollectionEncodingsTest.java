package dev.rkv.kvserver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The collection encodings against plain Java collections as references, through their
 * conversions: random operations on both, compared after each batch.
 */
class CollectionEncodingsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void sortedSetsKeepOrderAndRanksThroughTheConversion() {
        Random rnd = new Random(7);
        ZSetLimits limits = new ZSetLimits(16, 64);
        ZSetValue z = ZSetValue.create(0, 0, limits);
        Map<String, Double> ref = new HashMap<>();
        for (int op = 0; op < 20_000; op++) {
            String m = "m" + rnd.nextInt(400);
            if (rnd.nextInt(4) == 0) {
                assertEquals(ref.remove(m) != null, z.remove(b(m)));
            } else {
                double score = rnd.nextInt(50) / 2.0;
                ref.put(m, score);
                z.put(b(m), score, limits);
            }
            if (op % 1000 == 0) {
                List<Map.Entry<String, Double>> expected = new ArrayList<>(ref.entrySet());
                expected.sort((x, y) -> ScoreOrder.compare(x.getValue(), b(x.getKey()), y.getValue(), b(y.getKey())));
                assertEquals(expected.size(), z.size());
                for (int r = 0; r < expected.size(); r++) {
                    ZSetValue.Member at = z.at(r);
                    assertEquals(expected.get(r).getKey(), s(at.member()), "member at rank " + r);
                    assertEquals(expected.get(r).getValue(), at.score());
                    assertEquals(r, z.rank(b(expected.get(r).getKey())));
                }
                double min = rnd.nextInt(50) / 2.0;
                long first = z.firstRankFrom(min, false);
                long expectedFirst = expected.stream().filter(e -> e.getValue() < min).count();
                assertEquals(expectedFirst, first, "first rank with score >= " + min);
            }
        }
        assertEquals("skiplist", z.encodingName());
        ZSetValue copy = z.copy();
        z.put(b("new"), 1, limits);
        assertEquals(z.size() - 1, copy.size(), "a copy shares nothing that changes");
    }

    @Test
    void hashesAndSetsMatchTheirReferencesInBothEncodings() {
        Random rnd = new Random(11);
        HashLimits hashLimits = new HashLimits(32, 64);
        HashValue h = HashValue.empty();
        Map<String, String> hashRef = new TreeMap<>();
        SetValue set = SetValue.forFirstMember(b("1"));
        Set<String> setRef = new HashSet<>();
        for (int op = 0; op < 10_000; op++) {
            String f = Integer.toString(rnd.nextInt(200));
            if (rnd.nextInt(3) == 0) {
                assertEquals(hashRef.remove(f) != null, h.remove(b(f)));
                assertEquals(setRef.remove(f), set.remove(b(f)));
            } else {
                String v = "v" + op;
                assertEquals(hashRef.put(f, v) == null, h.put(b(f), b(v), hashLimits));
                assertEquals(setRef.add(f), set.add(b(f), 64));
            }
        }
        Map<String, String> seen = new TreeMap<>();
        h.forEach((f, v) -> seen.put(s(f), s(v)));
        assertEquals(hashRef, seen);
        Set<String> members = new HashSet<>();
        set.forEach(m -> members.add(s(m)));
        assertEquals(setRef, members);
        assertEquals("hashtable", h.encodingName());
        assertEquals("hashtable", set.encodingName(), "more than 64 integers leave the intset");
        set.add(b("not a number"), 512);
        assertTrue(set.contains(b("not a number")));
    }

    @Test
    void aTableScanReturnsEveryElementPresentThroughoutDespiteResizes() {
        ElementTable<Boolean> t = new ElementTable<>();
        for (int i = 0; i < 5000; i++) {
            t.put(b("k" + i), true);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = t.scan(cursor, 50, (k, v) -> seen.add(s(k)));
            // Grow and shrink the table under the scan; keys k0..k2499 stay throughout.
            if (step == 10) {
                for (int i = 5000; i < 40_000; i++) {
                    t.put(b("k" + i), true);
                }
            } else if (step == 40) {
                for (int i = 2500; i < 40_000; i++) {
                    t.remove(b("k" + i));
                }
            }
            step++;
        } while (cursor != 0);
        for (int i = 0; i < 2500; i++) {
            assertTrue(seen.contains("k" + i), "k" + i + " was present throughout and not returned");
        }
    }

    @Test
    void listsBehaveLikeADequeWithIndexes() {
        Random rnd = new Random(3);
        ListValue l = new ListValue();
        List<String> ref = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            String e = "e" + op;
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    l.pushHead(b(e));
                    ref.add(0, e);
                }
                case 1 -> {
                    l.pushTail(b(e));
                    ref.add(e);
                }
                case 2 -> {
                    byte[] x = l.popHead();
                    assertEquals(ref.isEmpty() ? null : ref.remove(0), x == null ? null : s(x));
                }
                case 3 -> {
                    byte[] x = l.popTail();
                    assertEquals(ref.isEmpty() ? null : ref.remove(ref.size() - 1), x == null ? null : s(x));
                }
                case 4 -> {
                    int at = rnd.nextInt(ref.size() + 1);
                    l.insert(at, b(e));
                    ref.add(at, e);
                }
                default -> {
                    if (!ref.isEmpty()) {
                        int at = rnd.nextInt(ref.size());
                        l.remove(at);
                        ref.remove(at);
                    }
                }
            }
        }
        assertEquals(ref.size(), l.length());
        for (int i = 0; i < ref.size(); i++) {
            assertArrayEquals(b(ref.get(i)), l.get(i));
        }
    }
}
