package dev.rkv.kvserver.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys and collection elements that all collide under a fixed hash (the classic hash-flooding
 * input: every string made of "Aa" and "BB" blocks has one {@code Arrays.hashCode}) spread over
 * the secret-keyed hash as random keys do, so a client cannot turn every insert into a walk of
 * one probe run or chain.
 */
class HashFloodingTest {
    /** All 2^blocks strings of "Aa"/"BB" blocks, each with the given prefix. */
    private static List<byte[]> colliding(String prefix, int blocks) {
        List<byte[]> out = new ArrayList<>();
        for (int bits = 0; bits < 1 << blocks; bits++) {
            StringBuilder b = new StringBuilder(prefix);
            for (int i = 0; i < blocks; i++) {
                b.append((bits >> i & 1) == 0 ? "Aa" : "BB");
            }
            out.add(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void theInputsDoCollideUnderAFixedHash() {
        Set<Integer> fixed = new HashSet<>();
        for (byte[] b : colliding("{t}", 14)) {
            fixed.add(Arrays.hashCode(b));
        }
        assertEquals(1, fixed.size());
    }

    @Test
    void keysThatCollideUnderAFixedHashDoNotCollideInTheKeyspace() {
        List<byte[]> inputs = colliding("{t}", 14);
        Set<Integer> hashes = new HashSet<>();
        SlotMap oneSlot = new SlotMap(0);
        for (byte[] b : inputs) {
            Key k = new Key(b);
            hashes.add(k.hashCode());
            oneSlot.put(k, Entry.string(b, Entry.NO_EXPIRY, 0));
        }
        // 16,384 random 32-bit values have a handful of equal pairs at most.
        assertTrue(hashes.size() > inputs.size() - 10, hashes.size() + " distinct hashes of " + inputs.size());
        // The hash tag puts every key into one cluster slot, so all land in one map, and every one is found.
        assertEquals(inputs.size(), oneSlot.size());
        for (byte[] b : inputs) {
            assertTrue(oneSlot.get(new Key(b.clone())) != null);
        }
    }

    @Test
    void elementsThatCollideUnderAFixedHashSpreadOverTheBuckets() {
        List<byte[]> inputs = colliding("f", 14);
        Set<Integer> hashes = new HashSet<>();
        for (byte[] b : inputs) {
            hashes.add(ElementTable.hash(b));
        }
        assertTrue(hashes.size() > inputs.size() - 10, hashes.size() + " distinct hashes of " + inputs.size());
    }
}
