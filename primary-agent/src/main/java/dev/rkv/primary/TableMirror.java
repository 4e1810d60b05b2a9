package dev.rkv.primary;

import dev.rkv.kvserver.ServerLog;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.persist.DumpPayload;
import dev.rkv.kvserver.repl.PropagationListener;
import dev.rkv.kvserver.repl.Replication;
import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.store.RegionString;
import dev.rkv.kvserver.store.ValueArea;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.rdma.Access;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.table.HeaderCodec;
import dev.rkv.table.PutStatus;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.TableSizing;
import dev.rkv.table.TableWriter;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

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
 * <p>Getting a new region can fail (the provider cannot register more memory, the JVM is out
 * of direct memory). The server's write has happened by then and must not fail because of
 * the mirror: the old table keeps serving, the keys that did not fit wait in
 * {@code deferred}, the header's offset stays where every write is still in the table, and
 * descriptors are refused (replicas use the classic sync) until a later attempt, after an
 * {@link AllocationBackoff}, succeeds and the table catches up.
 *
 * <h2>One copy of each string</h2>
 * Once a string is in its slot, the key's entry is pointed at the slot's bytes
 * ({@link RegionString} in the class's {@link ValueArea}) and its heap copy becomes garbage: the
 * value exists once, in registered memory, and GET replies from there. That is sound because
 * a slot an entry may still read is never rewritten:
 * <ul>
 *   <li>outside snapshots, the only entry that reads a slot is its own key's: an entry moved to
 *       another key (RENAME, MOVE) goes back to the heap as the move reports it, COPY gives the
 *       new key a heap copy ({@link Entry#duplicate}), and an entry whose key cannot be written
 *       now (the table cannot grow yet) goes back to the heap. So a key's slot may be rewritten
 *       in place, or freed and reused, once the key's entry has changed;</li>
 *   <li>while a snapshot of the keyspace is live (BGSAVE, a classic full sync), which may read
 *       any entry it holds, the writer {@linkplain TableWriter#holdFreedSlots holds} freed
 *       slots and rewrites nothing in place; the held slots are released at the end of the
 *       first flush after the last snapshot ended;</li>
 *   <li>a growth that copies the classes moves each class's area to the new region in one
 *       store; one that inserts every record again points each entry at its key's new place;
 *       the retired region is never written again, so entries still in it (a snapshot's) read
 *       what they did;</li>
 *   <li>when the table is turned off or the agent detaches, the retired region is never written
 *       again and entries keep reading it: each goes to the heap when its key is next written.
 *       Copying them all back at once would stop the server for seconds at a detach (most often
 *       a shutdown) and cost as much memory as the region it frees.</li>
 * </ul>
 *
 * <p>Not thread-safe: the event loop owns it. RDMA READs of the region by replicas run
 * concurrently and rely on the table's seqlocks.
 */
final class TableMirror implements KeyspaceListener, PropagationListener {
    private static final int ACCESS = Access.LOCAL_WRITE | Access.REMOTE_READ;
    private static final long MIN_SLOTS = 1024;
    private static final long MIN_BUCKETS = 1024;
    private static final long MIN_BLOCKS = 1024;
    /** Room every slot class gets when a big table is sized from the keyspace (about 5 MB over the 82 default classes). */
    private static final long MIN_CLASS_BYTES = 64 * 1024;

    private record Dirty(int db, Key key) {
    }

    private final ServerContext server;
    private final ServerLog log;
    private final Replication replication;
    private final RdmaDevice device;
    private final PrimaryAgentOptions options;
    /** The event loop, for work that must run after the task that asked for it. */
    private final Executor loop;
    private final List<Dirty> dirty = new ArrayList<>();
    /** Keys changed but not in the table because it could not grow: written again on a later attempt. */
    private final Set<Dirty> deferred = new LinkedHashSet<>();
    /** Big collections whose record waits for more writes before it is rewritten. */
    private final BatchedRewrites<Dirty> batched = new BatchedRewrites<>();
    /** Uncompressed: records are rewritten often, and LZF rarely pays for its time here. */
    private final DumpPayload.Serializer serializer = new DumpPayload.Serializer(false);
    private final AllocationBackoff allocations = new AllocationBackoff();
    private boolean rebuildPending;
    private MemoryRegion region;
    private TableWriter writer;
    /** Per slot class of the current table, where the strings written there are; entries point into them. */
    private ValueArea[] areas;
    private long nextEpoch = 1;
    private String unavailable;
    private long grows;
    private long rebuilds;
    private long writes;

    TableMirror(ServerContext server, ServerLog log, RdmaDevice device, PrimaryAgentOptions options, Executor loop) {
        this.server = server;
        this.loop = loop;
        this.log = log;
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
        if (newEntryOrNull != null && newEntryOrNull.value() instanceof RegionString r && !readsOwnSlot(db, key, r)) {
            // Moved here from another key (RENAME, MOVE): that key's slot is freed at the next flush.
            toHeap(db, key);
        }
    }

    /** Whether {@code r} is {@code key}'s own record in the current table, or in a retired region (never written again). */
    private boolean readsOwnSlot(int db, Key key, RegionString r) {
        int c = indexOf(areas, r.area());
        return c < 0 || writer == null || writer.holdsValueOf(TableKeys.encode(db, key.bytes()), c, r.offset());
    }

    @Override
    public void keyExpired(int db, Key key) {
        dirty.add(new Dirty(db, key));
    }

    @Override
    public void databaseReplaced(int db) {
        if (!rebuildPending) {
            // Rebuilt by the next flush. A write propagates right after a FLUSHALL or SWAPDB, but a
            // replica's full sync is followed by no write of its own: the rebuild then waited for
            // the primary's next write, or ran on the loop when a replica of this server asked for
            // the table (after a promotion, in the middle of a failover). Queued, it runs once the
            // sync's installation (same loop task: replication id and offset) is complete.
            loop.execute(this::flush);
        }
        rebuildPending = true;
    }

    @Override
    public void propagated(int db, byte[][] effect) {
        // About the elements the effect touched (HSET k f v f v: 2; RPUSH k a b c: 1, close enough).
        flush(Math.max(1, (effect.length - 2) / 2));
    }

    /**
     * Applies the pending changes (first those deferred when the table could not grow) with the
     * current replication offset as their LSN, then publishes it: unless some still wait for a
     * bigger table, since the header's offset promises every write up to it is in the table.
     */
    void flush() {
        flush(1);
    }

    /** As {@link #flush()}, for a write that touched about {@code touched} elements of each key it changed. */
    private void flush(long touched) {
        if (writer == null) {
            dirty.clear();
            deferred.clear();
            batched.clear();
            return;
        }
        long lsn = replication.offset();
        if (rebuildPending) {
            dirty.clear();
            batched.clear();
            // A rebuild writes every key anew: nothing deferred is needed once it succeeds.
            if (allocations.mayTry(server.nowMs()) && rebuild(0, 0)) {
                rebuildPending = false;
                deferred.clear();
            }
            return;
        }
        // A snapshot may read any value it holds: its slots must not be reused or rewritten meanwhile.
        writer.holdFreedSlots(server.keyspace().liveSnapshots() > 0);
        List<Dirty> pending = new ArrayList<>();
        if (allocations.mayTry(server.nowMs())) {
            pending.addAll(deferred);
            deferred.clear();
        }
        // Otherwise the deferred keys stay as they are: trying them on every write would cost O(deferred) per write.
        for (Dirty d : dirty) {
            if (!deferred.contains(d)) {
                pending.add(d);
            }
        }
        dirty.clear();
        for (Dirty d : pending) {
            if (writer == null) {
                break;
            }
            Entry e = server.keyspace().db(d.db()).peek(d.key());
            if (e != null && batched.postpone(d, TableRecord.elements(e), touched)) {
                // A big collection whose record waits for more writes (BatchedRewrites).
                continue;
            }
            if (!write(d.db(), d.key(), e, lsn)) {
                deferred.add(d);
                toHeap(d.db(), d.key());
            }
        }
        String replid = replication.replId();
        if (writer != null && !replid.equals(writer.replid())) {
            // A new history: the header's offset must count in it, so every record catches up first.
            writeBatched(lsn);
        }
        if (writer == null) {
            deferred.clear();
            batched.clear();
            return;
        }
        releaseHeldSlots();
        if (!deferred.isEmpty() || !batched.isEmpty()) {
            // The header's offset promises every write up to it is in the table: it stays put.
            return;
        }
        if (allocations.succeeded()) {
            log.notice("rkv primary agent: table caught up with the keyspace after " + allocations.failures()
                + " failed allocation(s); replicas can pull it again");
        }
        if (!replid.equals(writer.replid())) {
            writer.publishReplication(replid, lsn);
        } else if (lsn != writer.replicationOffset()) {
            writer.publishReplicationOffset(lsn);
        }
    }

    /**
     * Makes every record current, the big collections that wait included, and publishes the
     * offset: a replica is about to read the header and pull from it.
     */
    void catchUp() {
        flush();
        if (writer != null && !batched.isEmpty() && !rebuildPending) {
            writeBatched(replication.offset());
            flush();
        }
    }

    private void writeBatched(long lsn) {
        List<Dirty> due = new ArrayList<>();
        batched.pending().forEach(due::add);
        batched.clear();
        for (Dirty d : due) {
            if (writer == null) {
                return;
            }
            if (!write(d.db(), d.key(), lsn)) {
                deferred.add(d);
                toHeap(d.db(), d.key());
            }
        }
    }

    /**
     * Writes a key's current state to the table.
     *
     * @return false when it must wait for a bigger table (the table keeps the key's older record)
     */
    private boolean write(int db, Key key, long lsn) {
        return write(db, key, server.keyspace().db(db).peek(key), lsn);
    }

    /** As {@link #write(int, Key, long)}, with the key's entry already looked up ({@code e}, null when absent). */
    private boolean write(int db, Key key, Entry e, long lsn) {
        writes++;
        if (!batched.isEmpty()) {
            batched.written(new Dirty(db, key));
        }
        byte[] tableKey = TableKeys.encode(db, key.bytes());
        if (e == null) {
            writer.delete(tableKey, lsn);
            return true;
        }
        if (key.length() > TableKeys.MAX_KEY_LENGTH) {
            // A key the table cannot hold: replicas must use the classic sync from now on.
            writer.delete(tableKey, lsn);
            disable("a key of " + key.length() + " bytes cannot go into the table (at most " + TableKeys.MAX_KEY_LENGTH + ")");
            return true;
        }
        TableRecord record = TableRecord.of(e, serializer);
        byte[] value = record.value();
        long expireAt = e.hasExpiry() ? e.expireAtMs() : SlotDescriptor.NO_EXPIRY;
        for (int attempt = 0; attempt < 8; attempt++) {
            PutStatus st = writer.put(record.type(), tableKey, value, expireAt, lsn);
            if (st == PutStatus.OK) {
                if (e.type() == ValueType.STRING) {
                    pointAtSlot(db, key);
                }
                return true;
            }
            if (!st.isSpaceShortage()) {
                disable("table refused a key of " + key.length() + " bytes: " + st);
                return true;
            }
            switch (grow(st, tableKey.length, value.length)) {
                case GROWN -> {
                }
                case NOT_NOW -> {
                    return false;
                }
                case DISABLED -> {
                    return true;
                }
            }
        }
        disable("table still full after growing for a key of " + key.length() + " bytes and a value of " + value.length);
        return true;
    }

    // ------------------------------------------------------------------ one copy of each string

    /**
     * Points {@code key}'s entry at the string {@link TableWriter#put} just wrote for it. The entry
     * is looked up again: a growth during the put may have replaced it by one with the same value.
     */
    private void pointAtSlot(int db, Key key) {
        Entry e = server.keyspace().db(db).peek(key);
        if (e == null || e.type() != ValueType.STRING) {
            return;
        }
        int c = writer.lastValueClass();
        if (c < 0) {
            // In the overflow area (not one contiguous run of bytes): the entry keeps, or takes back, a heap copy.
            toHeap(db, key);
            return;
        }
        int offset = writer.lastValueOffset();
        if (e.value() instanceof RegionString r && r.area() == areas[c] && r.offset() == offset) {
            return;
        }
        server.keyspace().db(db).relocateString(key, e, new RegionString(areas[c], offset, e.stringLength()));
    }

    /** Takes {@code key}'s string back onto the heap if it is in one of this mirror's tables (its slot may be reused). */
    private void toHeap(int db, Key key) {
        Database d = server.keyspace().db(db);
        Entry e = d.peek(key);
        if (e != null && e.value() instanceof RegionString) {
            d.relocateString(key, e, e.bytes());
        }
    }

    /** Slots held while snapshots were live become reusable once none is. */
    private void releaseHeldSlots() {
        if (writer != null && server.keyspace().liveSnapshots() == 0) {
            writer.releaseHeldSlots();
        }
    }

    private ValueArea[] newAreas() {
        TableGeometry g = writer.geometry();
        ValueArea[] a = new ValueArea[g.classCount()];
        for (int c = 0; c < a.length; c++) {
            a[c] = new ValueArea(classBytes(g, c));
        }
        return a;
    }

    /** After a growth by copy: each class's bytes are at the same offsets of its place in the new region. */
    private void moveAreas() {
        TableGeometry g = writer.geometry();
        for (int c = 0; c < areas.length; c++) {
            areas[c].moveTo(classBytes(g, c));
        }
    }

    private ByteBuffer classBytes(TableGeometry g, int c) {
        return region.buffer().slice(Math.toIntExact(g.classOffset(c)), Math.toIntExact(g.classLength(c)));
    }

    /**
     * After a growth that inserted every record again: each entry that read its own key's record
     * in the retired table now reads it at its new place. Any other (one moved from another key,
     * waiting to be written) keeps reading the retired region, which is never written again.
     */
    private void followRecords(TableWriter retired) {
        ValueArea[] old = areas;
        areas = newAreas();
        for (int i = 0; i < server.keyspace().count(); i++) {
            Database db = server.keyspace().db(i);
            int dbIndex = i;
            for (int s = 0; s < KeySlot.SLOTS && db.size() > 0; s++) {
                List<Key> keys = new ArrayList<>();
                List<Entry> entries = new ArrayList<>();
                db.forEachInSlot(s, Long.MIN_VALUE, (k, e) -> {
                    if (e.value() instanceof RegionString) {
                        keys.add(k);
                        entries.add(e);
                    }
                });
                for (int j = 0; j < keys.size(); j++) {
                    Key k = keys.get(j);
                    Entry e = entries.get(j);
                    RegionString r = (RegionString) e.value();
                    int c = indexOf(old, r.area());
                    byte[] tableKey = TableKeys.encode(dbIndex, k.bytes());
                    if (c >= 0 && retired.holdsValueOf(tableKey, c, r.offset()) && writer.locateValue(tableKey)) {
                        db.relocateString(k, e, new RegionString(areas[writer.lastValueClass()], writer.lastValueOffset(), r.length()));
                    }
                }
            }
        }
    }

    private static int indexOf(ValueArea[] areas, ValueArea a) {
        if (areas != null) {
            for (int c = 0; c < areas.length; c++) {
                if (areas[c] == a) {
                    return c;
                }
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ growth and rebuild

    /** What became of a grow: the table has a bigger region, or cannot have one now, or was disabled. */
    private enum Growth { GROWN, NOT_NOW, DISABLED }

    private Growth grow(PutStatus status, int keyLength, int valueLength) {
        if (!allocations.mayTry(server.nowMs())) {
            return Growth.NOT_NOW;
        }
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
            return Growth.DISABLED;
        }
        TableGeometry roomier = withRoomWhereNearlyFull(next, factor);
        if (roomier.tableLength() <= Integer.MAX_VALUE) {
            next = roomier;
        }
        long t0 = System.nanoTime();
        boolean copied = writer.keepsEveryAddress(next);
        MemoryRegion bigger = allocate(next, "growing the table");
        if (bigger == null) {
            return Growth.NOT_NOW;
        }
        TableWriter grown;
        try {
            grown = writer.growInto(bigger.buffer(), next);
        } catch (OutOfMemoryError e) {
            // Copying overflow values needs heap; the old table is retired only at the end of growInto, so it still serves.
            bigger.deregister();
            allocationFailed("growing the table", next, e);
            return Growth.NOT_NOW;
        }
        MemoryRegion old = region;
        TableWriter retired = writer;
        region = bigger;
        writer = grown;
        nextEpoch = grown.epoch() + 1;
        grown.holdFreedSlots(server.keyspace().liveSnapshots() > 0);
        if (copied) {
            moveAreas();
        } else {
            followRecords(retired);
        }
        old.deregister();
        grows++;
        // Growth copies every record on the event loop (it is not incremental yet): say how long the server stood still.
        log.notice("rkv primary agent: table grown to " + (next.tableLength() >> 20) + " MB (epoch " + grown.epoch() + ", "
            + grown.keyCount() + " records, " + (copied ? "copied" : "rebuilt") + ") in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return Growth.GROWN;
    }

    /**
     * {@code next} with every other class, and the overflow area, that is more than three
     * quarters full grown by {@code factor} too. A growth copies the whole table and starts a
     * new epoch (a pull under way starts over), and under a mix of value sizes the classes fill
     * one after another: growing them one per epoch made 186 epochs of a 100,000-key mixed load.
     */
    private TableGeometry withRoomWhereNearlyFull(TableGeometry next, double factor) {
        TableGeometry g = writer.geometry();
        TableGeometry out = next;
        for (int c = 0; c < g.classCount(); c++) {
            long count = g.slotCount(c);
            if (next.slotCount(c) == count && writer.usedSlots(c) * 4 > count * 3) {
                out = out.withSlotCount(c, Math.max(MIN_SLOTS, (long) Math.ceil(count * factor)));
            }
        }
        long blocks = g.overflowBlockCount();
        if (next.overflowBlockCount() == blocks && writer.usedOverflowBlocks() * 4 > blocks * 3) {
            out = out.withOverflowBlocks(Math.max(MIN_BLOCKS, (long) Math.ceil(blocks * factor)));
        }
        return out;
    }

    /** A new registered region for {@code g}, or null (logged once per run of failures, counted) when none can be had now. */
    private MemoryRegion allocate(TableGeometry g, String what) {
        try {
            return device.allocate(g.tableLength(), ACCESS);
        } catch (RdmaException | OutOfMemoryError e) {
            allocationFailed(what, g, e);
            return null;
        }
    }

    private void allocationFailed(String what, TableGeometry g, Throwable e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (allocations.failed(why, server.nowMs())) {
            log.warning("rkv primary agent: " + what + " failed: a region of " + g.tableLength() + " bytes could not be had (" + why
                + "); the server's writes go on, the table keeps its epoch " + writer.epoch()
                + " and replicas use the classic sync until a later attempt succeeds");
        }
    }

    /**
     * Formats a new region (a new epoch) holding every key of the keyspace, stamped with the
     * current offset: the table then holds every write up to it.
     *
     * @return false when no region could be had now: the old table keeps serving, try again later
     */
    private boolean rebuild(long extraKeys, int extraValueBytes) {
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
                    if (k.length() > TableKeys.MAX_KEY_LENGTH) {
                        fits[0] = false;
                    } else {
                        sizing.add(k.length() + 1, recordLengthEstimate(e));
                    }
                });
            }
        }
        if (extraKeys > 0) {
            sizing.add(17, extraValueBytes, extraKeys);
        }
        TableGeometry g = withRoomInEveryClass(sizing.build(options.headroom(), 0.75));
        if (g.indexBucketCount() < MIN_BUCKETS) {
            g = g.withIndexBuckets(MIN_BUCKETS);
        }
        if (g.tableLength() > Integer.MAX_VALUE) {
            disable("the keyspace needs a table of " + g.tableLength() + " bytes, more than one region holds (" + Integer.MAX_VALUE + ")");
            return true;
        }
        MemoryRegion fresh;
        if (writer == null) {
            // The first table (or one after the agent was disabled): nothing serves meanwhile, so failing is the caller's to report.
            fresh = device.allocate(g.tableLength(), ACCESS);
        } else {
            fresh = allocate(g, "rebuilding the table");
            if (fresh == null) {
                return false;
            }
        }
        TableWriter w = TableWriter.format(fresh.buffer(), g, nextEpoch++, replication.replId(), lsn);
        retireCurrent();
        region = fresh;
        writer = w;
        w.holdFreedSlots(server.keyspace().liveSnapshots() > 0);
        areas = newAreas();
        unavailable = fits[0] ? null : "the keyspace holds a key the table cannot (over " + TableKeys.MAX_KEY_LENGTH + " bytes)";
        rebuilds++;
        for (int i = 0; i < server.keyspace().count(); i++) {
            Database db = server.keyspace().db(i);
            if (db.size() == 0) {
                continue;
            }
            for (int s = 0; s < KeySlot.SLOTS && writer != null; s++) {
                db.forEachInSlot(s, now, (k, e) -> {
                    if (writer != null && k.length() <= TableKeys.MAX_KEY_LENGTH) {
                        write(db.index(), k, e, lsn);
                    }
                });
            }
        }
        if (writer != null) {
            writer.publishReplicationOffset(lsn);
        }
        if (allocations.succeeded()) {
            log.notice("rkv primary agent: table caught up with the keyspace (rebuilt) after " + allocations.failures()
                + " failed allocation(s); replicas can pull it again");
        }
        return true;
    }

    /**
     * {@code g} with room in every slot class: {@link #MIN_CLASS_BYTES}, or 1/4096 of the table
     * when that is less. Sized from the keyspace alone, a class no key used had no slots, so the
     * first write of a new size grew the table, and with it every class that was nearly full: a
     * copy of every record on the event loop (4-5 s for 937,000 keys of 1,000 B on this
     * project's machine), at the first write after a replica's promotion, in the middle of a
     * failover. A small table grows cheaply and gets little room (at least one slot a class):
     * the room costs at most about 2% of the table.
     */
    private static TableGeometry withRoomInEveryClass(TableGeometry g) {
        long bytes = Math.min(MIN_CLASS_BYTES, g.tableLength() / 4096);
        TableGeometry out = g;
        for (int c = 0; c < g.classCount(); c++) {
            long floor = Math.max(1, bytes / g.slotSize(c));
            if (g.slotCount(c) < floor) {
                out = out.withSlotCount(c, floor);
            }
        }
        return out;
    }

    /**
     * The bytes a key's record will take, for sizing a new table: exact for strings and small
     * collections; for a big one its heap footprint, an upper bound that spares serializing it
     * twice (the table grows if a guess falls short).
     */
    private long recordLengthEstimate(Entry e) {
        if (e.type() == ValueType.STRING) {
            return e.stringLength();
        }
        long elements = TableRecord.elements(e);
        return elements <= BatchedRewrites.SMALL_ELEMENTS ? TableRecord.of(e, serializer).value().length : e.memoryUsage();
    }

    /** Marks the current region retired (replicas pulling it start over) and releases it. */
    private void retireCurrent() {
        // The provider may have deregistered it already (its own exit hook runs beside ours on a signal): nothing to mark then.
        if (writer != null && !writer.isRetired() && region.isRegistered()) {
            new HeaderCodec().update(region.buffer(), 0, writer.replid(), writer.replicationOffset(), TableHeaderDescriptor.FLAG_RETIRED);
        }
        if (region != null) {
            region.deregister();
        }
        region = null;
        writer = null;
    }

    private void disable(String reason) {
        if (unavailable == null || !unavailable.equals(reason)) {
            // Said once: from now on replicas that ask for RDMA get the classic sync instead.
            log.warning("rkv primary agent: the table is off, replicas will use the classic sync: " + reason);
        }
        unavailable = reason;
        retireCurrent();
        areas = null;
    }

    /** Forces a new epoch now (tests: an epoch change under a pull). */
    void rebuildNow() {
        flush();
        if (!rebuild(0, 0)) {
            rebuildPending = true;
        }
    }

    // ------------------------------------------------------------------ state (event loop)

    /** Why replicas cannot sync from the table, or null when they can. */
    String unavailable() {
        if (unavailable == null && allocations.failing() && (rebuildPending || !deferred.isEmpty())) {
            return "the table could not grow and is behind the keyspace (" + allocations.reason() + "); next attempt within "
                + allocations.waitMs() + " ms";
        }
        return unavailable;
    }

    /** Whether no change waits to be written: no rebuild pending (a database replaced), nothing deferred or batched. */
    boolean current() {
        return !rebuildPending && deferred.isEmpty() && batched.isEmpty() && dirty.isEmpty();
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

    /** Allocations of a new region that failed (the table kept serving the old one). */
    long growFailures() {
        return allocations.failures();
    }

    long rebuilds() {
        return rebuilds;
    }

    long writes() {
        return writes;
    }

    /** Big collections whose record waits for more writes (INFO, tests). */
    int batchedPending() {
        return batched.size();
    }

    void close() {
        dirty.clear();
        deferred.clear();
        batched.clear();
        retireCurrent();
        areas = null;
    }
}
