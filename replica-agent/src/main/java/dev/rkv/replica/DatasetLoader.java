package dev.rkv.replica;

import dev.rkv.kvserver.persist.DumpPayload;
import dev.rkv.kvserver.persist.RdbFormatException;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.RegionString;
import dev.rkv.table.layout.SlotDescriptor;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads pulled records into a fresh keyspace, keeping per key the copy with the highest LSN
 * (a key that moved between slot classes during the pull can show up twice).
 *
 * <p>Only LSNs above the pull's start offset O are remembered: every effect the replica will
 * replay is after O, so a key loaded with an LSN up to O never filters anything, and a
 * second copy of a key (a move) always has an LSN above O.
 *
 * <p>Loading a record is two steps so that a pipeline can split them across threads:
 * {@link #prepare} (any thread: the key and entry objects, a collection's restore) and
 * {@link #put} (the thread that owns the keyspace: the LSN check and the map insert, which is
 * what a pull of many small records waits for). {@link #offer} does both.
 */
final class DatasetLoader {
    private final Keyspace into;
    private final long startOffset;
    private final Map<Key, Long>[] lsns;
    private long loaded;
    private long skippedDatabases;
    private long maxLsn;

    @SuppressWarnings("unchecked")
    DatasetLoader(Keyspace into, long startOffset) {
        this.into = into;
        this.startOffset = startOffset;
        this.lsns = new Map[into.count()];
        this.maxLsn = startOffset;
    }

    /**
     * Sizes the keyspace's maps for about {@code keys} keys before the first is put, so that none
     * is resized while the pull loads (an upper bound is fine: the table's written slots).
     */
    void expectKeys(long keys) {
        for (int db = 0; db < into.count(); db++) {
            into.db(db).expectKeys(keys);
        }
    }

    /** Offers a record: {@link #prepare} then {@link #put}. */
    boolean offer(byte type, byte[] tableKey, Object value, long expireAtMs, long lsn) throws IOException {
        Records one = new Records(1);
        prepare(one, type, tableKey, value, expireAtMs, lsn);
        return put(one, 0);
    }

    /**
     * Makes a record ready for {@link #put} and appends it to {@code to}; reads nothing the owner
     * changes, so any thread may call it. {@code tableKey} is the database byte plus the key.
     *
     * @param type  {@link SlotDescriptor#TYPE_STRING} (value = the string) or
     *              {@link SlotDescriptor#TYPE_SERIALIZED} (value = a DUMP payload)
     * @param value a {@code byte[]}, or for a string a {@link RegionString} in the adopted table
     * @throws IOException a serialized value that does not restore: the primary's table is corrupt
     */
    void prepare(Records to, byte type, byte[] tableKey, Object value, long expireAtMs, long lsn) throws IOException {
        int db = tableKey.length == 0 ? -1 : tableKey[0] & 0xFF;
        if (db < 0 || db >= into.count()) {
            to.add(-1, null, null, lsn);
            return;
        }
        Key key = new Key(Arrays.copyOfRange(tableKey, 1, tableKey.length));
        // The cluster slot, computed here rather than by the owner's put.
        key.slot();
        long expiry = expireAtMs == SlotDescriptor.NO_EXPIRY ? Entry.NO_EXPIRY : expireAtMs;
        Entry entry;
        if (type == SlotDescriptor.TYPE_STRING) {
            entry = value instanceof RegionString r ? Entry.regionString(r, expiry, 0) : Entry.string((byte[]) value, expiry, 0);
        } else {
            entry = restore(tableKey, (byte[]) value, expiry);
        }
        to.add(db, key, entry, lsn);
    }

    /**
     * Puts record {@code i} of {@code records} into the keyspace; on the thread that owns it.
     *
     * @return whether it was loaded (false: an older copy, or a database this server lacks)
     */
    boolean put(Records records, int i) {
        int db = records.db[i];
        if (db < 0) {
            skippedDatabases++;
            return false;
        }
        Key key = records.keys[i];
        long lsn = records.lsns[i];
        Map<Key, Long> m = lsns[db];
        if (lsn > startOffset) {
            if (m == null) {
                m = new HashMap<>();
                lsns[db] = m;
            }
            Long prev = m.get(key);
            if (prev != null && prev >= lsn) {
                return false;
            }
            m.put(key, lsn);
            maxLsn = Math.max(maxLsn, lsn);
        } else if (m != null && m.containsKey(key)) {
            return false;
        }
        Entry entry = records.entries[i];
        if (entry == null) {
            // An empty collection is no key (Redis never keeps one); the stream brings its later state.
            into.db(db).remove(key, 0);
            return true;
        }
        into.db(db).put(key, entry);
        loaded++;
        return true;
    }

    private static Entry restore(byte[] tableKey, byte[] payload, long expiry) throws IOException {
        if (!DumpPayload.verify(payload)) {
            throw new IOException("the primary's table holds a serialized value that fails its checksum (key of " + (tableKey.length - 1)
                + " bytes, " + payload.length + " bytes of payload)");
        }
        try {
            Entry e = DumpPayload.restore(payload);
            return e == null ? null : e.withExpiry(expiry);
        } catch (RdbFormatException e) {
            throw new IOException("the primary's table holds a serialized value that does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * Records made ready by {@link #prepare}, in parallel arrays rather than an object each: a
     * batch the decoding thread hands to the loading thread. An entry of null is an empty
     * collection (no key); a database of -1 one this server lacks.
     */
    static final class Records {
        final int[] db;
        final Key[] keys;
        final Entry[] entries;
        final long[] lsns;
        private int size;

        Records(int capacity) {
            db = new int[capacity];
            keys = new Key[capacity];
            entries = new Entry[capacity];
            lsns = new long[capacity];
        }

        int size() {
            return size;
        }

        boolean isFull() {
            return size == db.length;
        }

        private void add(int database, Key key, Entry entry, long lsn) {
            db[size] = database;
            keys[size] = key;
            entries[size] = entry;
            lsns[size] = lsn;
            size++;
        }
    }

    /** Records offered and kept (a key kept twice counts twice). */
    long loaded() {
        return loaded;
    }

    long skippedDatabases() {
        return skippedDatabases;
    }

    /** The filter the stream goes through from the start offset on. */
    LsnFilter filter() {
        return new LsnFilter(lsns, maxLsn);
    }

    /** Forgets everything loaded (the pull starts over). */
    void reset() {
        into.flushAll();
        Arrays.fill(lsns, null);
        loaded = 0;
        maxLsn = startOffset;
    }
}
