package dev.rkv.primary;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps rewriting collections in the table O(1) amortized per write. A collection's record
 * is its whole serialization, so rewriting it on every HSET into a million-field hash would
 * cost a million fields per write (and a hundred for a hundred-field hash). Instead a big collection's record is rewritten once the
 * writes it missed reach a fraction of its size ({@code 1/FRACTION}), so each write pays for
 * at most {@code FRACTION} elements of serialization; until then the table keeps its older,
 * consistent record (with that record's LSN), and the header's offset stays where every key
 * was current, so a pull starting from the header replays the missed writes from the stream.
 * A replica asking for the descriptor makes every pending record current first.
 *
 * @param <K> how the mirror names a key
 */
final class BatchedRewrites<K> {
    /**
     * Collections with at most this many elements are rewritten on every write (bounded work).
     * Kept small: a record rewritten on every write costs its whole size per write, which made
     * HSET into 100-field hashes 14x slower at -P 16 with a threshold of 1,024.
     */
    static final long SMALL_ELEMENTS = 16;
    /** A big collection is rewritten once the writes it missed touched {@code elements / FRACTION} elements. */
    static final long FRACTION = 4;

    private final Map<K, Long> missedWrites = new HashMap<>();

    /**
     * Counts a write of about {@code touched} elements to {@code key}, a collection of
     * {@code elements} (so a command that adds a thousand elements pays for its record at once,
     * and a collection made by one command is in the table without waiting for more writes).
     *
     * @return true when its record should wait (it is big and has not missed enough writes yet)
     */
    boolean postpone(K key, long elements, long touched) {
        if (elements <= SMALL_ELEMENTS) {
            return false;
        }
        long missed = missedWrites.merge(key, Math.max(1, touched), Long::sum);
        if (missed * FRACTION >= elements) {
            missedWrites.remove(key);
            return false;
        }
        return true;
    }

    /** The key's record was written (or the key is gone): nothing of it waits any more. */
    void written(K key) {
        missedWrites.remove(key);
    }

    /** Keys whose record waits; the caller writes them and then calls {@link #clear}. */
    Iterable<K> pending() {
        return missedWrites.keySet();
    }

    boolean isEmpty() {
        return missedWrites.isEmpty();
    }

    int size() {
        return missedWrites.size();
    }

    void clear() {
        missedWrites.clear();
    }
}
