package dev.rkv.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoDatasetTest {
    private static final EnumSet<DemoDataset.Type> ALL = EnumSet.allOf(DemoDataset.Type.class);

    @Test
    void stringsOnlyKeepTheNamesTheDemoAlwaysLoaded() {
        DemoDataset d = new DemoDataset(10, 100, 16, EnumSet.of(DemoDataset.Type.STRING));
        assertArrayEquals("key:000000000007".getBytes(StandardCharsets.US_ASCII), d.key(7));
        assertEquals(100, d.stringValue(7).length);
        assertEquals("string:10", d.countsField());
    }

    @Test
    void keysAreDealtRoundRobinAndCountedPerType() {
        DemoDataset d = new DemoDataset(12, 100, 16, ALL);
        assertEquals(DemoDataset.Type.HASH, d.typeOf(6));
        assertEquals("string:3,hash:3,list:2,set:2,zset:2", d.countsField());
        assertEquals(Map.of("string", 3L, "hash", 3L, "list", 2L, "set", 2L, "zset", 2L), d.expectedCounts());
    }

    @Test
    void typesAreDealtInOneOrderWhateverOrderTheyWereGiven() {
        assertEquals(EnumSet.of(DemoDataset.Type.STRING, DemoDataset.Type.ZSET), DemoDataset.parseTypes(List.of("zset", " string")));
    }

    @Test
    void unknownOrRepeatedTypesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DemoDataset.parseTypes(List.of("stream")));
        assertThrows(IllegalArgumentException.class, () -> DemoDataset.parseTypes(List.of("hash", "hash")));
    }

    @Test
    void mostCollectionsAreSmallAndOneInFiveHundredPerTypeIsLarge() {
        // value-size 1000, element-size 16: 62 elements on average.
        DemoDataset d = new DemoDataset(5 * 1000, 1000, 16, ALL);
        long elements = 0;
        int large = 0;
        for (long i = 0; i < d.keys(); i++) {
            if (d.typeOf(i) == DemoDataset.Type.STRING) {
                continue;
            }
            int n = d.elementsOf(i);
            elements += n;
            if (d.isLarge(i)) {
                large++;
                assertEquals(250 * 62, n);
            } else {
                assertTrue(n >= 1 && n <= 62, "small collection of " + n);
            }
        }
        assertEquals(4 * 2, large, "keys 0 and 500 of each of the four collection types");
        double perKey = (double) elements * 16 / (4 * 1000);
        assertTrue(perKey > 500 && perKey < 2000, "about value-size bytes per collection key, was " + perKey);
    }

    @Test
    void aLargeCollectionHoldsAtMostAMillionElements() {
        DemoDataset d = new DemoDataset(5, 1_000_000, 1, ALL);
        assertEquals(1_000_000, d.elementsOf(1));
    }

    @Test
    void elementsAreDistinctAndAtLeastElementSizeLong() {
        DemoDataset d = new DemoDataset(1, 100, 4, ALL);
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < 20_000; j++) {
            byte[] e = d.element(j);
            assertTrue(e.length >= 4);
            assertTrue(seen.add(new String(e, StandardCharsets.US_ASCII)), "element " + j + " repeats");
        }
        assertEquals(4, d.element(7).length);
    }
}
