package dev.rkv.kvserver.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * The keys of one cluster slot and their entries: an open-addressing table with linear probing,
 * in three parallel arrays (each key's cached hash, the key's bytes, the entry).
 *
 * <p>Why not {@code HashMap}: a lookup there goes table -> node -> key, and every key costs a
 * node object, the key another. Here the probe compares cached hashes in an int array first and
 * touches the key's bytes only on a hash match, and a stored key is only its bytes: two dependent
 * memory loads fewer per GET and two objects fewer per key for the collector to copy (a replica
 * loading a million keys, a primary holding them). The {@link Key}s handed out when iterating are
 * made on the way (their hash is the stored one, so making one costs an allocation only). Collisions cannot be steered by clients because
 * {@link Key}'s hash is seeded per process, and the table is at most 3/4 full, so probe runs stay
 * short. Deletion shifts later members of the run back (no tombstones), so a table that churns
 * never degrades. Not thread-safe; a snapshot gets its own {@link #copy()}.
 */
final class SlotMap {
    private static final int MIN_CAPACITY = 8;

    private int[] hashes;
    private byte[][] keys;
    private Entry[] entries;
    private int size;
    /** 32 - log2(capacity): the top bits of the mixed hash pick the home position. */
    private int shift;

    /** A map with room for {@code expected} keys before it grows. */
    SlotMap(int expected) {
        allocate(capacityFor(expected));
    }

    private SlotMap(SlotMap from) {
        hashes = from.hashes.clone();
        keys = from.keys.clone();
        entries = from.entries.clone();
        size = from.size;
        shift = from.shift;
    }

    /** An independent copy: later writes to either do not show in the other. */
    SlotMap copy() {
        return new SlotMap(this);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Positions in the table, members or not. */
    int capacity() {
        return keys.length;
    }

    /** The key at table position {@code i} (below {@link #capacity()}), or null when it is free. */
    Key keyAt(int i) {
        byte[] k = keys[i];
        return k == null ? null : new Key(k, hashes[i]);
    }

    /** The entry at table position {@code i} (below {@link #capacity()}), or null when it is free. */
    Entry entryAt(int i) {
        return entries[i];
    }

    Entry get(Key key) {
        int i = find(key.hashCode(), key.bytes());
        return i >= 0 ? entries[i] : null;
    }

    /** Maps {@code key} to {@code entry}; returns the entry it replaced, or null. */
    Entry put(Key key, Entry entry) {
        int h = key.hashCode();
        byte[] bytes = key.bytes();
        int i = find(h, bytes);
        if (i >= 0) {
            Entry old = entries[i];
            entries[i] = entry;
            return old;
        }
        if ((size + 1) * 4L > keys.length * 3L) {
            grow();
            i = find(h, bytes);
        }
        i = -i - 1;
        hashes[i] = h;
        // A key's bytes never change after it is made (Key's contract), so they are kept, not copied.
        keys[i] = bytes;
        entries[i] = entry;
        size++;
        return null;
    }

    /** Removes {@code key}; returns its entry, or null when absent. */
    Entry remove(Key key) {
        int i = find(key.hashCode(), key.bytes());
        if (i < 0) {
            return null;
        }
        Entry old = entries[i];
        deleteAt(i);
        size--;
        if (size * 8 < keys.length && keys.length > MIN_CAPACITY) {
            resize(capacityFor(size));
        }
        return old;
    }

    /** The position of the key with this hash and these bytes, or -(the free position it would take) - 1. */
    private int find(int h, byte[] bytes) {
        int mask = keys.length - 1;
        for (int i = home(h); ; i = (i + 1) & mask) {
            byte[] k = keys[i];
            if (k == null) {
                return -i - 1;
            }
            if (hashes[i] == h && Arrays.equals(k, bytes)) {
                return i;
            }
        }
    }

    /** Visits every member, in table order. The action must not modify this map. */
    void forEach(BiConsumer<Key, Entry> action) {
        byte[][] ks = keys;
        Entry[] es = entries;
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] != null) {
                action.accept(new Key(ks[i], hashes[i]), es[i]);
            }
        }
    }

    /** A member chosen uniformly at random, or null when empty. */
    Key randomKey(ThreadLocalRandom rnd) {
        if (size == 0) {
            return null;
        }
        // At least 1/8 of the positions are members (the table shrinks below that), so a few
        // random probes almost always land on one; uniform because each position is equally likely.
        for (int attempt = 0; attempt < 32; attempt++) {
            int i = rnd.nextInt(keys.length);
            if (keys[i] != null) {
                return keyAt(i);
            }
        }
        int skip = rnd.nextInt(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null && skip-- == 0) {
                return keyAt(i);
            }
        }
        return null;
    }

    /** Empties position {@code i} and moves later members of its run back where their probe allows. */
    private void deleteAt(int i) {
        int mask = keys.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int want = home(hashes[j]);
            // j may move into the hole when its home is not in the cyclic range (hole, j].
            boolean homeInRange = hole <= j ? (want > hole && want <= j) : (want > hole || want <= j);
            if (!homeInRange) {
                hashes[hole] = hashes[j];
                keys[hole] = keys[j];
                entries[hole] = entries[j];
                hole = j;
            }
        }
        keys[hole] = null;
        entries[hole] = null;
        hashes[hole] = 0;
    }

    private int home(int h) {
        // Fibonacci hashing: the multiply spreads every input bit into the top bits taken.
        return (h * 0x9E3779B9) >>> shift;
    }

    private void grow() {
        resize(keys.length * 2);
    }

    private void resize(int capacity) {
        int[] oldHashes = hashes;
        byte[][] oldKeys = keys;
        Entry[] oldEntries = entries;
        allocate(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = home(oldHashes[j]);
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                hashes[i] = oldHashes[j];
                keys[i] = oldKeys[j];
                entries[i] = oldEntries[j];
            }
        }
    }

    private void allocate(int capacity) {
        hashes = new int[capacity];
        keys = new byte[capacity][];
        entries = new Entry[capacity];
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    /** The smallest power of two at least {@link #MIN_CAPACITY} that holds {@code n} keys at most 3/4 full. */
    static int capacityFor(long n) {
        long need = Math.max(MIN_CAPACITY, (n * 4 + 2) / 3 + 1);
        if (need > 1 << 30) {
            throw new IllegalArgumentException("a slot map of " + n + " keys");
        }
        return Integer.highestOneBit((int) need - 1) << 1;
    }
}
