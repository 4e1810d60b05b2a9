package dev.rkv.kvserver.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SlotMap} against {@link HashMap} as the reference: random puts, replacements and
 * removals (which shift probe runs back and shrink the table) must leave both with the same
 * members after every step, whatever the initial sizing.
 */
class SlotMapTest {
    private static Entry entry(int i) {
        return Entry.string(new byte[] {(byte) i}, Entry.NO_EXPIRY, 0);
    }

    @ParameterizedTest(name = "sized for {0}")
    @ValueSource(ints = {0, 1, 7, 100, 5000})
    void behavesAsAHashMapUnderRandomPutsAndRemovals(int expected) {
        Random rnd = new Random(expected * 31L + 7);
        SlotMap map = new SlotMap(expected);
        Map<Key, Entry> reference = new HashMap<>();
        for (int step = 0; step < 60_000; step++) {
            // A key space of 3,000 so that replacements and removals of present keys are common;
            // phases of mostly puts and mostly removals so the table grows and shrinks repeatedly.
            Key k = Key.of("k" + rnd.nextInt(3000));
            boolean removing = (step / 5000) % 2 == 1 ? rnd.nextInt(10) < 8 : rnd.nextInt(10) < 2;
            if (removing) {
                assertSame(reference.remove(k), map.remove(k), "remove " + k + " at step " + step);
            } else {
                Entry e = entry(step);
                assertSame(reference.put(k, e), map.put(k, e), "put " + k + " at step " + step);
            }
            assertEquals(reference.size(), map.size());
            if (step % 997 == 0) {
                assertSameMembers(reference, map);
            }
        }
        assertSameMembers(reference, map);
        for (Key k : reference.keySet()) {
            assertSame(reference.get(k), map.get(k));
        }
        assertNull(map.get(Key.of("never")));
    }

    @Test
    void aCopyIsIndependentOfItsSource() {
        SlotMap a = new SlotMap(4);
        for (int i = 0; i < 100; i++) {
            a.put(Key.of("k" + i), entry(i));
        }
        SlotMap b = a.copy();
        a.remove(Key.of("k1"));
        a.put(Key.of("new"), entry(1));
        b.put(Key.of("k2"), entry(99));
        assertNull(a.get(Key.of("k1")));
        assertTrue(b.get(Key.of("k1")) != null);
        assertNull(b.get(Key.of("new")));
        assertEquals(2, a.get(Key.of("k2")).bytes()[0]);
        assertEquals(99, b.get(Key.of("k2")).bytes()[0]);
        assertEquals(100, a.size());
        assertEquals(100, b.size());
    }

    @Test
    void aReplacedEntryKeepsTheStoredKeyBytesAndHandsOutEqualKeys() {
        SlotMap m = new SlotMap(0);
        Key stored = Key.of("k");
        m.put(stored, entry(1));
        m.put(Key.of("k"), entry(2));
        Key[] seen = new Key[1];
        m.forEach((k, e) -> seen[0] = k);
        assertSame(stored.bytes(), seen[0].bytes());
        assertEquals(stored, seen[0]);
        assertEquals(stored.hashCode(), seen[0].hashCode());
        assertEquals(stored.slot(), seen[0].slot());
    }

    @Test
    void randomKeyReachesEveryMemberAndNothingElse() {
        SlotMap m = new SlotMap(0);
        assertNull(m.randomKey(ThreadLocalRandom.current()));
        Set<Key> members = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Key k = Key.of("k" + i);
            m.put(k, entry(i));
            members.add(k);
        }
        Set<Key> seen = new HashSet<>();
        for (int i = 0; i < 20_000 && seen.size() < members.size(); i++) {
            Key k = m.randomKey(ThreadLocalRandom.current());
            assertTrue(members.contains(k), "not a member: " + k);
            seen.add(k);
        }
        assertEquals(members, seen);
    }

    @Test
    void removingAllButOneShrinksAndKeepsTheLastFindable() {
        SlotMap m = new SlotMap(0);
        for (int i = 0; i < 10_000; i++) {
            m.put(Key.of("k" + i), entry(i));
        }
        for (int i = 1; i < 10_000; i++) {
            m.remove(Key.of("k" + i));
        }
        assertEquals(1, m.size());
        assertEquals(0, m.get(Key.of("k0")).bytes()[0]);
        assertEquals(0, m.capacity() > 64 ? 1 : 0, "capacity " + m.capacity() + " for one key");
    }

    @Test
    void capacityForKeepsTheTableAtMostThreeQuartersFull() {
        for (long n : new long[] {0, 1, 5, 6, 7, 12, 13, 96, 97, 1_000_000}) {
            int c = SlotMap.capacityFor(n);
            assertEquals(0, c & (c - 1), "power of two: " + c);
            assertTrue(n * 4 <= c * 3L, n + " keys in " + c);
        }
    }

    private static void assertSameMembers(Map<Key, Entry> reference, SlotMap map) {
        Map<Key, Entry> seen = new HashMap<>();
        map.forEach((k, e) -> assertNull(seen.put(k, e), "visited twice: " + k));
        assertEquals(reference, seen);
    }
}
