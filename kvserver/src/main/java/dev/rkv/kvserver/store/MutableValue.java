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

    /** Approximate heap bytes, for INFO memory and MEMORY USAGE. */
    public abstract long memoryUsage();
}
