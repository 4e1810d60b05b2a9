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
 * second copy of a key (a move) always has an LSN above O. Owned by the pulling thread.
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
     * Offers a record; {@code tableKey} is the database byte plus the key.
     *
     * @param type  {@link SlotDescriptor#TYPE_STRING} (value = the string) or
     *              {@link SlotDescriptor#TYPE_SERIALIZED} (value = a DUMP payload)
     * @param value a {@code byte[]}, or for a string a {@link RegionString} in the adopted table
     * @return whether it was loaded (false: an older copy, or a database this server lacks)
     * @throws IOException a serialized value that does not restore: the primary's table is corrupt
     */
    boolean offer(byte type, byte[] tableKey, Object value, long expireAtMs, long lsn) throws IOException {
        int db = tableKey.length == 0 ? -1 : tableKey[0] & 0xFF;
        if (db < 0 || db >= into.count()) {
            skippedDatabases++;
            return false;
        }
        Key key = new Key(Arrays.copyOfRange(tableKey, 1, tableKey.length));
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
        long expiry = expireAtMs == SlotDescriptor.NO_EXPIRY ? Entry.NO_EXPIRY : expireAtMs;
        Entry entry;
        if (type == SlotDescriptor.TYPE_STRING) {
            entry = value instanceof RegionString r ? Entry.regionString(r, expiry, 0) : Entry.string((byte[]) value, expiry, 0);
        } else {
            entry = restore(tableKey, (byte[]) value, expiry);
        }
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
