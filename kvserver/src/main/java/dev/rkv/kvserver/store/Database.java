package dev.rkv.kvserver.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * One numbered database: a dictionary split into {@link KeySlot#SLOTS} slot maps ({@link SlotMap}).
 *
 * <p>Owned by the event loop thread. Slot maps are allocated on first use. Every mutation
 * goes through {@link #put} or {@link #remove} so that listeners (WATCH, mirrors,
 * replication) see it. Lookups that go through {@link #lookup} expire keys lazily, as
 * Redis's lookupKey does.
 */
public final class Database {
    private final int index;
    private final KeyspaceListener listener;
    private final SnapshotClock clock;
    private SlotMap[] slots = emptySlots();
    /** Keys with an expiry, per slot, so the active expiry cycle can skip slots without any. */
    private int[] volatileBySlot = new int[KeySlot.SLOTS];
    /**
     * Slot maps that a snapshot may still be reading. Such a map is never modified again: the
     * first write after a snapshot replaces it with a private copy (copy-on-write per slot).
     */
    private boolean[] sharedWithSnapshot = new boolean[KeySlot.SLOTS];
    private long size;
    private long volatileSize;
    private long expiredKeys;
    /** False on a replica: an expired key reads as absent but stays until its primary's DEL. */
    private boolean expireOnAccess = true;
    /** Cursor of the active expiry cycle, a slot index. */
    private int expireCursor;
    /** The most keys {@link #expectKeys} sizes a slot map for: 3,072 (a 4,096-position table), 50 million keys in all. */
    static final int MAX_SLOT_MAP_EXPECTED = 3 << 10;
    /** The keys a slot map is created with room for ({@link #expectKeys}); a small table otherwise. */
    private int slotMapExpected = 0;

    public Database(int index, KeyspaceListener listener) {
        this(index, listener, new SnapshotClock());
    }

    Database(int index, KeyspaceListener listener, SnapshotClock clock) {
        this.index = index;
        this.listener = listener;
        this.clock = clock;
    }

    /** Whether lookups delete keys whose expiry has passed (a primary) or only hide them (a replica). */
    public void expireOnAccess(boolean value) {
        expireOnAccess = value;
    }

    public int index() {
        return index;
    }

    /**
     * Creates slot maps from now on with room for their share of about {@code keys} keys, so that
     * a bulk load (a replica's pull) does not resize each map several times. Only maps created
     * later are sized, each when its first key arrives: a slot never used costs nothing. The size
     * is capped at {@link #MAX_SLOT_MAP_EXPECTED} (beyond it maps grow as usual), so that a hint
     * far above the keys that arrive (a hostile primary's header) costs at most 16,384 such maps.
     */
    public void expectKeys(long keys) {
        double perSlot = Math.max(0, keys) / (double) KeySlot.SLOTS;
        // Keys spread over the slots about evenly: a few standard deviations over the mean rarely resize.
        double room = perSlot + 4 * Math.sqrt(perSlot) + 1;
        slotMapExpected = (int) Math.min(MAX_SLOT_MAP_EXPECTED, Math.max(0, room));
    }

    public long size() {
        return size;
    }

    /** Keys that carry an expiry (INFO keyspace "expires"). */
    public long volatileSize() {
        return volatileSize;
    }

    /** The entry for a key, expiring it first if its time has passed; null when absent. */
    public Entry lookup(Key key, long nowMs) {
        SlotMap m = slots[key.slot()];
        if (m == null) {
            return null;
        }
        Entry e = m.get(key);
        if (e == null) {
            return null;
        }
        if (e.isExpired(nowMs)) {
            if (expireOnAccess) {
                expire(key);
            }
            return null;
        }
        return e;
    }

    /** The entry without expiring it and without touching statistics (for OBJECT, snapshots). */
    public Entry peek(Key key) {
        SlotMap m = slots[key.slot()];
        return m == null ? null : m.get(key);
    }

    /**
     * The entry of a key whose value the caller is about to change in place (a collection), or
     * null when absent. When a live snapshot may still read the value, it is copied first and the
     * copy stored, so that the snapshot keeps the original (at most once per value and snapshot).
     * Call {@link #modified} once the change is made.
     */
    public Entry lookupForWrite(Key key, long nowMs) {
        Entry e = lookup(key, nowMs);
        if (e == null || !(e.value() instanceof MutableValue v) || !clock.mustCopy(v)) {
            return e;
        }
        MutableValue copy = v.copy();
        copy.generation = clock.generation();
        Entry fresh = e.withValue(copy);
        writableSlot(key.slot()).put(key, fresh);
        return fresh;
    }

    /**
     * Signals that a value was changed in place (the one change signal WATCH, the table mirror,
     * keyspace notifications and replication hooks see, as for {@link #put}).
     */
    public void modified(Key key, Entry entry) {
        listener.keyModified(index, key, entry);
    }

    /**
     * Stores the same string somewhere else: if {@code key}'s entry is still {@code expected},
     * it is replaced by one with the same bytes, expiry and statistics held in {@code storage}
     * (a {@code byte[]} or a {@link RegionString} with the same content). No listener hears it,
     * since the value did not change. The primary agent's table mirror points an entry at the
     * slot it just wrote this way, and takes a value back onto the heap before its slot may be
     * reused. A snapshot that holds the old entry keeps it (copy-on-write per slot map).
     *
     * @return whether the entry was replaced
     */
    public boolean relocateString(Key key, Entry expected, Object storage) {
        SlotMap m = slots[key.slot()];
        if (m == null || m.get(key) != expected) {
            return false;
        }
        writableSlot(key.slot()).put(key, expected.withStorage(storage));
        return true;
    }

    /** Stores an entry, replacing any previous one. */
    public void put(Key key, Entry entry) {
        if (entry.value() instanceof MutableValue v && v.generation == 0) {
            // Never stored before: no snapshot taken so far can hold it. A value moved here from
            // another key (RENAME, MOVE) keeps its stamp, since a snapshot may hold it there.
            v.generation = clock.generation();
        }
        int slot = key.slot();
        SlotMap m = writableSlot(slot);
        if (m == null) {
            m = new SlotMap(slotMapExpected);
            slots[slot] = m;
        }
        Entry old = m.put(key, entry);
        if (old == null) {
            size++;
        } else if (old.hasExpiry()) {
            volatileBySlot[slot]--;
            volatileSize--;
        }
        if (entry.hasExpiry()) {
            volatileBySlot[slot]++;
            volatileSize++;
        }
        listener.keyModified(index, key, entry);
        if (old == null) {
            listener.keyAdded(index, key);
        }
    }

    /** Removes a key; true when it existed (expired keys count as absent). */
    public boolean remove(Key key, long nowMs) {
        Entry e = lookup(key, nowMs);
        if (e == null) {
            return false;
        }
        removeEntry(key);
        listener.keyModified(index, key, null);
        return true;
    }

    private Entry removeEntry(Key key) {
        int slot = key.slot();
        SlotMap m = writableSlot(slot);
        Entry old = m == null ? null : m.remove(key);
        if (old != null) {
            size--;
            if (old.hasExpiry()) {
                volatileBySlot[slot]--;
                volatileSize--;
            }
            if (m.isEmpty()) {
                slots[slot] = null;
            }
        }
        return old;
    }

    /** The slot's map, copied first if a snapshot may be reading it; null when the slot is empty. */
    private SlotMap writableSlot(int slot) {
        SlotMap m = slots[slot];
        if (m != null && sharedWithSnapshot[slot]) {
            m = m.copy();
            slots[slot] = m;
            sharedWithSnapshot[slot] = false;
        }
        return m;
    }

    /**
     * A point-in-time view of this database that another thread may read while this one keeps
     * serving writes. Costs one array copy now and one slot-map copy per slot written later.
     */
    public DatabaseSnapshot snapshot() {
        SlotMap[] view = slots.clone();
        for (int s = 0; s < KeySlot.SLOTS; s++) {
            if (view[s] != null) {
                sharedWithSnapshot[s] = true;
            }
        }
        return new DatabaseSnapshot(index, view, size, volatileSize, clock.begin());
    }

    private void expire(Key key) {
        removeEntry(key);
        expiredKeys++;
        listener.keyExpired(index, key);
    }

    /** Keys expired in this database since start (INFO stats expired_keys sums these). */
    public long expiredKeys() {
        return expiredKeys;
    }

    private static SlotMap[] emptySlots() {
        return new SlotMap[KeySlot.SLOTS];
    }

    /** Removes every key. */
    public void clear() {
        listener.databaseReplacing(this, null);
        slots = emptySlots();
        volatileBySlot = new int[KeySlot.SLOTS];
        sharedWithSnapshot = new boolean[KeySlot.SLOTS];
        size = 0;
        volatileSize = 0;
        listener.databaseReplaced(index);
    }

    /** Exchanges the contents of two databases (SWAPDB). */
    public void swapWith(Database other) {
        listener.databaseReplacing(this, other);
        listener.databaseReplacing(other, this);
        SlotMap[] s = slots;
        slots = other.slots;
        other.slots = s;
        boolean[] sh = sharedWithSnapshot;
        sharedWithSnapshot = other.sharedWithSnapshot;
        other.sharedWithSnapshot = sh;
        int[] v = volatileBySlot;
        volatileBySlot = other.volatileBySlot;
        other.volatileBySlot = v;
        long n = size;
        size = other.size;
        other.size = n;
        long vs = volatileSize;
        volatileSize = other.volatileSize;
        other.volatileSize = vs;
        listener.databaseReplaced(index);
        listener.databaseReplaced(other.index);
    }

    /**
     * Takes over the contents of {@code source} (a database filled off-line, such as by loading
     * an RDB) and leaves it empty. Snapshots taken of either before stay valid.
     */
    public void replaceWith(Database source) {
        if (source == this) {
            return;
        }
        listener.databaseReplacing(this, source);
        slots = source.slots;
        sharedWithSnapshot = source.sharedWithSnapshot;
        volatileBySlot = source.volatileBySlot;
        size = source.size;
        volatileSize = source.volatileSize;
        expireCursor = 0;
        source.slots = emptySlots();
        source.sharedWithSnapshot = new boolean[KeySlot.SLOTS];
        source.volatileBySlot = new int[KeySlot.SLOTS];
        source.size = 0;
        source.volatileSize = 0;
        listener.databaseReplaced(index);
    }

    /** Live entries of one slot, in no particular order; expired entries are skipped, not removed. */
    public void forEachInSlot(int slot, long nowMs, BiConsumer<Key, Entry> action) {
        SlotMap m = slots[slot];
        if (m == null) {
            return;
        }
        for (int i = 0; i < m.capacity(); i++) {
            Entry e = m.entryAt(i);
            if (e != null && !e.isExpired(nowMs)) {
                action.accept(m.keyAt(i), e);
            }
        }
    }

    /**
     * One step of SCAN: visits whole slots from {@code fromSlot} on, handing every live entry to
     * {@code action}, until at least {@code count} entries were handed over or the last slot was
     * visited. Because a key never changes slot, a key present for the whole scan is returned
     * exactly once whatever else changes between steps.
     *
     * @return the slot the next step starts from, or 0 when the scan is complete
     */
    public int scan(int fromSlot, long count, long nowMs, BiConsumer<Key, Entry> action) {
        long[] seen = {0};
        BiConsumer<Key, Entry> counting = (k, e) -> {
            seen[0]++;
            action.accept(k, e);
        };
        for (int slot = Math.max(0, fromSlot); slot < KeySlot.SLOTS; slot++) {
            forEachInSlot(slot, nowMs, counting);
            if (seen[0] >= count) {
                return slot + 1 == KeySlot.SLOTS ? 0 : slot + 1;
            }
        }
        return 0;
    }

    /** Whether a slot holds any entry (live or not yet collected). */
    public boolean slotOccupied(int slot) {
        return slots[slot] != null;
    }

    /** Every live key, in no particular order (KEYS). */
    public List<Key> keys(long nowMs) {
        List<Key> out = new ArrayList<>((int) Math.min(size, Integer.MAX_VALUE - 8));
        for (int s = 0; s < KeySlot.SLOTS; s++) {
            forEachInSlot(s, nowMs, (k, e) -> out.add(k));
        }
        return out;
    }

    /** A random live key, or null when empty (RANDOMKEY). */
    public Key randomKey(long nowMs) {
        // Try random slots first; fall back to a scan when the database is sparse.
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 64 && size > 0; attempt++) {
            SlotMap m = slots[rnd.nextInt(KeySlot.SLOTS)];
            if (m != null) {
                Key k = m.randomKey(rnd);
                if (k != null && lookup(k, nowMs) != null) {
                    return k;
                }
            }
        }
        int start = rnd.nextInt(KeySlot.SLOTS);
        for (int i = 0; i < KeySlot.SLOTS && size > 0; i++) {
            SlotMap m = slots[(start + i) & (KeySlot.SLOTS - 1)];
            for (int p = 0; m != null && p < m.capacity(); p++) {
                Entry e = m.entryAt(p);
                if (e != null && !e.isExpired(nowMs)) {
                    return m.keyAt(p);
                }
            }
        }
        return null;
    }

    /**
     * One step of active expiry: visits slots from a cursor, deleting expired keys, until
     * {@code maxSlots} slots holding volatile keys have been visited or the deadline passes.
     *
     * @return keys expired in this step
     */
    public int activeExpireStep(long nowMs, int maxSlots, long deadlineNanos) {
        if (volatileSize == 0) {
            return 0;
        }
        int expired = 0;
        int visited = 0;
        for (int i = 0; i < KeySlot.SLOTS && visited < maxSlots; i++) {
            int slot = expireCursor;
            expireCursor = (expireCursor + 1) & (KeySlot.SLOTS - 1);
            if (volatileBySlot[slot] == 0) {
                continue;
            }
            visited++;
            SlotMap m = slots[slot];
            List<Key> dead = null;
            for (int p = 0; p < m.capacity(); p++) {
                Entry e = m.entryAt(p);
                if (e != null && e.isExpired(nowMs)) {
                    if (dead == null) {
                        dead = new ArrayList<>();
                    }
                    dead.add(m.keyAt(p));
                }
            }
            if (dead != null) {
                for (Key k : dead) {
                    expire(k);
                }
                expired += dead.size();
            }
            if ((visited & 15) == 0 && System.nanoTime() > deadlineNanos) {
                break;
            }
        }
        return expired;
    }
}
