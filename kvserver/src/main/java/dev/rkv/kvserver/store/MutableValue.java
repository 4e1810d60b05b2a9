package dev.rkv.kvserver.store;

/**
 * A value that commands change in place: the collections (hash, list, set, sorted set).
 *
 * <p>In-place writes keep HSET on a big hash O(1), but a snapshot (BGSAVE, a full sync) must
 * keep seeing the value as it was. The rule, enforced by {@link Database#lookupForWrite}: a
 * value stamped with an older {@link SnapshotClock} generation than the current one may be
 * shared with a live snapshot, so the first write after a snapshot copies it (once: the copy
 * carries the new generation) and the snapshot keeps the original. With no live snapshot,
 * nothing is copied.
 *
 * <p>Owned by the event loop thread; a snapshot's thread reads only originals no one writes.
 */
public abstract class MutableValue implements EncodedValue {
    /** The clock generation in which this object became a live value; set by the database. */
    long generation;

    /** A copy that shares nothing mutable with this one (element byte arrays may be shared: they never change). */
    public abstract MutableValue copy();

    /** Elements (fields, members, list items), for MEMORY USAGE estimates and the RDB length hints. */
    public abstract long size();

    /** Approximate heap bytes, counting every element. */
    public abstract long memoryUsage();

    /**
     * Approximate heap bytes from at most about {@code samples} elements (0: all), scaled to the
     * whole value, as Redis's objectComputeSize samples big collections so that MEMORY USAGE stays
     * cheap on them. Compact encodings are small enough to count whole.
     */
    public abstract long memoryUsage(long samples);

    /** {@code fixed} plus the bytes of the elements seen, scaled from {@code seen} elements to all of them. */
    static long scaled(long fixed, long seenBytes, long seen, long size) {
        return seen == 0 ? fixed : fixed + (long) ((double) seenBytes / seen * size);
    }

    /** Whether a sampled estimate would count every element anyway. */
    boolean samplesAll(long samples) {
        return samples <= 0 || samples >= size();
    }
}
