package dev.rkv.kvserver.store;

/**
 * Snapshot generations of one keyspace: each snapshot starts a new generation, and counts as
 * live until released. A {@link MutableValue} stamped before the current generation may be read
 * by a live snapshot and must be copied before it is changed. Owned by the event loop thread,
 * except {@link #release}, which a snapshot's reader calls when done.
 */
public final class SnapshotClock {
    /** Starts at 1: a value's stamp of 0 means it was never stored. */
    private long generation = 1;
    private final java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();

    long generation() {
        return generation;
    }

    /** A snapshot is being taken: values stored from now on are not part of it. */
    Handle begin() {
        generation++;
        live.incrementAndGet();
        return new Handle();
    }

    /** Snapshots taken and not yet released. */
    public int live() {
        return live.get();
    }

    /** Whether changing {@code v} in place could change what a live snapshot reads. */
    boolean mustCopy(MutableValue v) {
        return v.generation < generation && live.get() > 0;
    }

    /** One snapshot's claim; releasing it more than once has no further effect. */
    final class Handle {
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        void release() {
            if (released.compareAndSet(false, true)) {
                live.decrementAndGet();
            }
        }
    }
}
