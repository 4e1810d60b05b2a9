package dev.rkv.primary;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.repl.PropagationListener;
import dev.rkv.kvserver.repl.Replication;
import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.rdma.Access;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.table.HeaderCodec;
import dev.rkv.table.PutStatus;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.TableSizing;
import dev.rkv.table.TableWriter;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a mapping table equal to the server's keyspace, on the event loop thread.
 *
 * <p>A write reaches it twice: the keyspace reports the keys it changed
 * ({@link KeyspaceListener}), then the server reports the write propagated
 * ({@link PropagationListener}); by then the replication offset counts the write, so the keys
 * changed since the last propagation are written to the table with that offset as their LSN,
 * and the header's replication offset is published after them. A whole database replaced
 * (FLUSHDB, FLUSHALL, SWAPDB, a full sync) rebuilds the table as a new epoch; a table that
 * runs out of room grows into a new region (a new epoch too).
 *
 * <p>Not thread-safe: the event loop owns it. RDMA READs of the region by replicas run
 * concurrently and rely on the table's seqlocks.
 */
final class TableMirror implements KeyspaceListener, PropagationListener {
    private static final int ACCESS = Access.LOCAL_WRITE | Access.REMOTE_READ;
    private static final long MIN_SLOTS = 1024;
    private static final long MIN_BUCKETS = 1024;
    private static final long MIN_BLOCKS = 1024;

    private record Dirty(int db, Key key) {
    }

    private final ServerContext server;
    private final Replication replication;
    private final RdmaDevice device;
    private final PrimaryAgentOptions options;
    private final List<Dirty> dirty = new ArrayList<>();
    private boolean rebuildPending;
    private MemoryRegion region;
    private TableWriter writer;
    private long nextEpoch = 1;
    private String unavailable;
    private long grows;
    private long rebuilds;
    private long writes;

    TableMirror(ServerContext server, RdmaDevice device, PrimaryAgentOptions options) {
        this.server = server;
        this.replication = server.replication();
        this.device = device;
        this.options = options;
    }

    /** Builds the first table from the keyspace as it is now. */
    void start() {
        if (server.keyspace().count() > TableKeys.MAX_DATABASES) {
            unavailable = "the table tells at most " + TableKeys.MAX_DATABASES + " databases apart, the server has "
                + server.keyspace().count();
            return;
        }
        rebuild(options.expectedKeys(), options.expectedValueBytes());
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public void keyModified(int db, Key key, Entry newEntryOrNull) {
        dirty.add(new Dirty(db, key));
    }

    @Override
    public void keyExpired(int db, Key key) {
        dirty.add(new Dirty(db, key));
    }

    @Override
    public void databaseReplaced(int db) {
        rebuildPending = true;
    }

    @Override
    public void propagated(int db, byte[][] effect) {
        flush();
    }

    /** Applies the pending changes with the current replication offset as their LSN, then publishes it. */
    void flush() {
        if (writer == null) {
            dirty.clear();
            return;
        }
        long lsn = replication.offset();
        if (rebuildPending) {
            rebuildPending = false;
            dirty.clear();
            rebuild(0, 0);
            return;
        }
        for (Dirty d : dirty) {
            write(d.db(), d.key(), lsn);
            if (writer == null) {
                break;
            }
        }
        dirty.clear();
        if (writer == null) {
            return;
        }
        String replid = replication.replId();
        if (!replid.equals(writer.replid())) {
            writer.publishReplication(replid, lsn);
        } else if (lsn != writer.replicationOffset()) {
            writer.publishReplicationOffset(lsn);
        }
    }

    private void write(int db, Key key, long lsn) {
        writes++;
        byte[] tableKey = TableKeys.encode(db, key.bytes());
        Entry e = server.keyspace().db(db).peek(key);
        if (e == null) {
            writer.delete(tableKey, lsn);
            return;
        }
        if (e.type() != ValueType.STRING || key.length() > TableKeys.MAX_KEY_LENGTH) {
            // A value the table cannot hold: replicas must use the classic sync from now on.
            writer.delete(tableKey, lsn);
            disable("key of " + key.length() + " bytes with a " + e.type().typeName() + " value cannot go into the table");
            return;
        }
        byte[] value = e.bytes();
        long expireAt = e.hasExpiry() ? e.expireAtMs() : SlotDescriptor.NO_EXPIRY;
        for (int attempt = 0; attempt < 8; attempt++) {
            PutStatus st = writer.put(tableKey, value, expireAt, lsn);
            if (st == PutStatus.OK) {
                return;
            }
            if (!st.isSpaceShortage()) {
                disable("table refused a key of " + key.length() + " bytes: " + st);
                return;
            }
            if (!grow(st, tableKey.length, value.length)) {
                return;
            }
        }
        disable("table still full after growing for a key of " + key.length() + " bytes and a value of " + value.length);
    }

    // ------------------------------------------------------------------ growth and rebuild

    private boolean grow(PutStatus status, int keyLength, int valueLength) {
        TableGeometry g = writer.geometry();
        double factor = g.tableLength() < (256L << 20) ? 2.0 : 1.25;
        TableGeometry next;
        switch (status) {
            case NO_SLOT -> {
                int c = g.classFor(keyLength, valueLength);
                next = g.withSlotCount(c, Math.max(MIN_SLOTS, (long) Math.ceil(g.slotCount(c) * factor)));
            }
            case INDEX_FULL -> next = g.withIndexBuckets(Math.max(MIN_BUCKETS, g.indexBucketCount() * 2));
            default -> next = g.withOverflowBlocks(Math.max(MIN_BLOCKS + 4 * OverflowDescriptor.blocksFor(valueLength),
                (long) Math.ceil(g.overflowBlockCount() * factor) + OverflowDescriptor.blocksFor(valueLength)));
        }
        if (next.tableLength() > Integer.MAX_VALUE) {
            disable("table would grow to " + next.tableLength() + " bytes, more than one region holds (" + Integer.MAX_VALUE + ")");
            return false;
        }
        MemoryRegion bigger = device.allocate(next.tableLength(), ACCESS);
        TableWriter grown = writer.growInto(bigger.buffer(), next);
        MemoryRegion old = region;
        region = bigger;
        writer = grown;
        nextEpoch = grown.epoch() + 1;
        old.deregister();
        grows++;
        return true;
    }

    /**
     * Formats a new region (a new epoch) holding every key of the keyspace, stamped with the
     * current offset: the table then holds every write up to it.
     */
    private void rebuild(long extraKeys, int extraValueBytes) {
        long lsn = replication.offset();
        TableSizing sizing = new TableSizing();
        long now = Long.MIN_VALUE;
        boolean[] fits = {true};
        for (int i = 0; i < server.keyspace().count(); i++) {
            Database db = server.keyspace().db(i);
            if (db.size() == 0) {
                continue;
            }
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                db.forEachInSlot(s, now, (k, e) -> {
                    if (e.type() != ValueType.STRING || k.length() > TableKeys.MAX_KEY_LENGTH) {
                        fits[0] = false;
                    } else {
                        sizing.add(k.length() + 1, e.bytes().length);
                    }
                });
            }
        }
        if (extraKeys > 0) {
            sizing.add(17, extraValueBytes, extraKeys);
        }
        TableGeometry g = sizing.build(options.headroom(), 0.75);
        if (g.indexBucketCount() < MIN_BUCKETS) {
            g = g.withIndexBuckets(MIN_BUCKETS);
        }
        if (g.tableLength() > Integer.MAX_VALUE) {
            disable("the keyspace needs a table of " + g.tableLength() + " bytes, more than one region holds (" + Integer.MAX_VALUE + ")");
            return;
        }
        MemoryRegion fresh = device.allocate(g.tableLength(), ACCESS);
        TableWriter w = TableWriter.format(fresh.buffer(), g, nextEpoch++, replication.replId(), lsn);
        retireCurrent();
        region = fresh;
        writer = w;
        unavailable = fits[0] ? null : "the keyspace holds values the table cannot (non-string or key over "
            + TableKeys.MAX_KEY_LENGTH + " bytes)";
        rebuilds++;
        for (int i = 0; i < server.keyspace().count(); i++) {
            Database db = server.keyspace().db(i);
            if (db.size() == 0) {
                continue;
            }
            for (int s = 0; s < KeySlot.SLOTS && writer != null; s++) {
                db.forEachInSlot(s, now, (k, e) -> {
                    if (writer != null && e.type() == ValueType.STRING && k.length() <= TableKeys.MAX_KEY_LENGTH) {
                        write(db.index(), k, lsn);
                    }
                });
            }
        }
        if (writer != null) {
            writer.publishReplicationOffset(lsn);
        }
    }

    /** Marks the current region retired (replicas pulling it start over) and releases it. */
    private void retireCurrent() {
        if (writer != null && !writer.isRetired()) {
            new HeaderCodec().update(region.buffer(), 0, writer.replid(), writer.replicationOffset(), TableHeaderDescriptor.FLAG_RETIRED);
        }
        if (region != null) {
            region.deregister();
        }
        region = null;
        writer = null;
    }

    private void disable(String reason) {
        unavailable = reason;
        retireCurrent();
    }

    /** Forces a new epoch now (tests: an epoch change under a pull). */
    void rebuildNow() {
        flush();
        rebuild(0, 0);
    }

    // ------------------------------------------------------------------ state (event loop)

    /** Why replicas cannot sync from the table, or null when they can. */
    String unavailable() {
        return unavailable;
    }

    MemoryRegion region() {
        return region;
    }

    TableWriter writer() {
        return writer;
    }

    long grows() {
        return grows;
    }

    long rebuilds() {
        return rebuilds;
    }

    long writes() {
        return writes;
    }

    void close() {
        dirty.clear();
        retireCurrent();
    }
}
