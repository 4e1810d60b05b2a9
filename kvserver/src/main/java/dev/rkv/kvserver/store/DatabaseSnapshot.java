package dev.rkv.kvserver.store;

import java.util.function.BiConsumer;

/**
 * A frozen view of one database taken by {@link Database#snapshot()}. Its slot maps are never
 * modified after the snapshot, so any thread may iterate it (the hand-off to that thread must
 * be a happens-before edge, such as an executor submission). Entries whose expiry has passed
 * by the time of reading are still present; writers decide whether to skip them.
 */
public final class DatabaseSnapshot {
    private final int index;
    private final SlotMap[] slots;
    private final long size;
    private final long expiresSize;
    private final SnapshotClock.Handle claim;

    DatabaseSnapshot(int index, SlotMap[] slots, long size, long expiresSize, SnapshotClock.Handle claim) {
        this.index = index;
        this.slots = slots;
        this.size = size;
        this.expiresSize = expiresSize;
        this.claim = claim;
    }

    /**
     * The reader is done: collections need no longer be copied before in-place writes on this
     * snapshot's account. Any thread; more than once is harmless. A snapshot never released
     * costs one copy per collection written, never correctness.
     */
    public void release() {
        claim.release();
    }

    /** Releases every database's snapshot of a keyspace snapshot. */
    public static void releaseAll(DatabaseSnapshot[] snapshot) {
        for (DatabaseSnapshot s : snapshot) {
            s.release();
        }
    }

    public int index() {
        return index;
    }

    /** Keys in the database when the snapshot was taken (including not yet collected expired ones). */
    public long size() {
        return size;
    }

    /** Keys with an expiry when the snapshot was taken (an RDB RESIZEDB hint). */
    public long expiresSize() {
        return expiresSize;
    }

    /** Visits every entry, slot by slot. */
    public void forEach(BiConsumer<Key, Entry> action) {
        for (SlotMap m : slots) {
            if (m != null) {
                m.forEach(action);
            }
        }
    }

    /** Entries of one slot (for pulling a slot at a time). */
    public void forEachInSlot(int slot, BiConsumer<Key, Entry> action) {
        SlotMap m = slots[slot];
        if (m != null) {
            m.forEach(action);
        }
    }
}
