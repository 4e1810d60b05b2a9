package dev.rkv.primary;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Keeps rewriting collections in the table O(1) amortized per write. A collection's record
 * is its whole serialization, so rewriting it on every HSET into a million-field hash would
 * cost a million fields per write (and a hundred for a hundred-field hash). Instead a
 * collection's record waits (the table keeps its older, consistent record with that record's
 * LSN, and the header's offset stays where every key was current, so a pull starting from the
 * header replays the missed writes from the stream) until one of:
 * <ul>
 * <li>the writes it missed reach {@code 1/FRACTION} of its size: a hot key pays for itself;</li>
 * <li>the writes propagated since earned enough credit: every propagated argument earns
 *     {@code FRACTION} elements of serialization, spent on the oldest waiting records, so
 *     waiting records drain while the server works (a collection made by one RPUSH of a
 *     thousand elements pays for its own record) and none waits long for a key never written
 *     again;</li>
 * <li>a replica asks for the descriptor: every waiting record is made current first.</li>
 * </ul>
 * Either way the serialization done stays within {@code FRACTION} elements per propagated
 * argument, plus what the descriptor requests catch up.
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
    /** A big collection is rewritten once it missed {@code elements / FRACTION} writes. */
    static final long FRACTION = 4;
    /**
     * Credit saved up beyond this is lost, so the rewrites one write triggers stay within a few
     * milliseconds; a record bigger than this waits for its own writes or a descriptor request.
     */
    static final long MAX_CREDIT = 1 << 16;

    /** Waiting keys, oldest first, with the writes each missed. */
    private final Map<K, Long> missedWrites = new LinkedHashMap<>();
    /** Elements of serialization the propagated writes paid for and no rewrite used yet. */
    private long credit;

    /**
     * Counts a write to {@code key}, a collection of {@code elements}.
     *
     * @return true when its record should wait (it is big and has not missed enough writes yet)
     */
    boolean postpone(K key, long elements) {
        if (elements <= SMALL_ELEMENTS) {
            return false;
        }
        long missed = missedWrites.merge(key, 1L, Long::sum);
        if (missed * FRACTION >= elements) {
            missedWrites.remove(key);
            return false;
        }
        return true;
    }

    /** A write of {@code arguments} arguments was propagated: credit for rewriting waiting records. */
    void earn(int arguments) {
        // Saved only while records wait: a quiet stretch of other writes does not bank a burst.
        credit = Math.min((missedWrites.isEmpty() ? 0 : credit) + FRACTION * arguments, MAX_CREDIT);
    }

    /**
     * The oldest waiting keys the credit pays for, taken off the waiting list; the caller
     * writes them. {@code elements} says what a key's rewrite costs now (0 for a key gone).
     */
    java.util.List<K> due(ToLongFunction<K> elements) {
        java.util.List<K> out = new java.util.ArrayList<>();
        for (Iterator<K> it = missedWrites.keySet().iterator(); it.hasNext() && credit > 0; ) {
            K key = it.next();
            long cost = elements.applyAsLong(key);
            if (cost > credit) {
                break;
            }
            credit -= cost;
            it.remove();
            out.add(key);
        }
        if (missedWrites.isEmpty()) {
            credit = 0;
        }
        return out;
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
