package dev.rkv.table;

import dev.rkv.table.layout.IndexDescriptor;
import dev.rkv.table.layout.OverflowCodec;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotCodec;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.nio.ByteBuffer;
import java.util.Objects;

import static dev.rkv.table.layout.LayoutBuffers.getInt;
import static dev.rkv.table.layout.LayoutBuffers.getLong;
import static dev.rkv.table.layout.LayoutBuffers.getUnsignedShort;
import static dev.rkv.table.layout.LayoutBuffers.index;
import static dev.rkv.table.layout.LayoutBuffers.putLong;
import static dev.rkv.table.layout.LayoutBuffers.putLongRelease;

/**
 * The primary's side of a table: the single thread that keeps it current as the server
 * writes. It formats a region, puts, updates and deletes records, keeps the hash index and
 * the header current, and grows the table into a new region (a new epoch).
 *
 * <h2>Order of stores, for concurrent readers</h2>
 * <ul>
 *   <li>New key: overflow extent (if any), then the slot, then the overflow counts of the
 *       buckets the probe passed, then the index entry (release): a reader that finds the
 *       entry finds a complete slot.</li>
 *   <li>Update in the same class: the slot is rewritten in place under its seqlock, unless
 *       freed slots are {@linkplain #holdFreedSlots held}: then it goes to a new slot as an
 *       update into another class does.</li>
 *   <li>Update into another class: the new slot, then the entry switched to it with one
 *       8-byte release store, then the old slot emptied. A pull may see the key in both
 *       slots: the higher LSN wins.</li>
 *   <li>Delete: the entry cleared (release), then the overflow counts, then the slot
 *       emptied (keeping the delete's LSN), then the slot and extent freed for reuse.</li>
 *   <li>The header's replication offset is published by the caller once every write up
 *       to it is applied ({@link #publishReplicationOffset}).</li>
 * </ul>
 *
 * <p>Not thread-safe: one writer thread owns the instance and the region's contents.
 * Status-returning methods are the hot path and leave the table unchanged on failure.
 */
public final class TableWriter {

    /** Default index load limit: entries / (7 x buckets). */
    public static final double DEFAULT_MAX_INDEX_LOAD = 0.85;

    private final ByteBuffer region;
    private final TableGeometry geometry;
    private final long epoch;
    private final double maxIndexLoad;
    private final long indexBase;
    private final long bucketMask;
    private final SlotAllocator[] slots;
    private ExtentAllocator extents;
    private final SlotCodec slotCodec = new SlotCodec();
    private final OverflowCodec overflowCodec = new OverflowCodec();
    private final HeaderCodec headerCodec = new HeaderCodec();
    private final SlotView view = new SlotView();
    private long extentVersion;
    /** The written bounds published in the header: no slot or block at or past them was ever written. */
    private final long[] slotsWritten;
    private long overflowWritten;
    private long keyCount;
    private String replid;
    private long replicationOffset;
    private boolean retired;
    private boolean holding;
    /** Where the last put left its value: class, and offset from the class's first byte; class -1 when not inline. */
    private int lastValueClass = -1;
    private int lastValueOffset;

    private TableWriter(ByteBuffer region, TableGeometry geometry, long epoch, double maxIndexLoad, long firstExtentVersion) {
        this.region = region;
        this.geometry = geometry;
        this.epoch = epoch;
        this.maxIndexLoad = maxIndexLoad;
        this.indexBase = geometry.indexOffset();
        this.bucketMask = geometry.indexBucketCount() - 1;
        this.slots = new SlotAllocator[geometry.classCount()];
        for (int c = 0; c < slots.length; c++) {
            slots[c] = new SlotAllocator(geometry.slotCount(c));
        }
        this.extents = new ExtentAllocator(geometry.overflowBlockCount());
        this.extentVersion = firstExtentVersion;
        this.slotsWritten = new long[geometry.classCount()];
    }

    /**
     * Formats {@code region} as an empty table and returns its writer.
     *
     * @param region a direct buffer (or mapped file) of at least the geometry's table length,
     *               whose slot classes and overflow area are zero (new memory is); the index
     *               is zeroed here
     * @throws TableLayoutException when the region cannot hold the table
     */
    public static TableWriter format(ByteBuffer region, TableGeometry geometry, long epoch, String replid, long replicationOffset) {
        return format(region, geometry, epoch, replid, replicationOffset, DEFAULT_MAX_INDEX_LOAD);
    }

    /** {@link #format(ByteBuffer, TableGeometry, long, String, long)} with an index load limit in (0, 1]. */
    public static TableWriter format(ByteBuffer region, TableGeometry geometry, long epoch, String replid, long replicationOffset,
                                     double maxIndexLoad) {
        return format(region, geometry, epoch, replid, replicationOffset, maxIndexLoad, 0);
    }

    private static TableWriter format(ByteBuffer region, TableGeometry geometry, long epoch, String replid, long replicationOffset,
                                      double maxIndexLoad, long firstExtentVersion) {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(geometry, "geometry");
        HeaderCodec.replidBytes(replid);
        if (!region.isDirect()) {
            throw new TableLayoutException("region must be a direct or mapped buffer (ordered 8-byte stores need an aligned address), was a heap buffer");
        }
        if (geometry.tableLength() > Integer.MAX_VALUE) {
            throw new TableLayoutException("table length must be at most " + Integer.MAX_VALUE + " bytes for one ByteBuffer, was "
                    + geometry.tableLength());
        }
        if (region.capacity() < geometry.tableLength()) {
            throw new TableLayoutException("region must hold the table's " + geometry.tableLength() + " bytes, had " + region.capacity());
        }
        if (!(maxIndexLoad > 0 && maxIndexLoad <= 1)) {
            throw new TableLayoutException("index load limit must be in (0, 1], was " + maxIndexLoad);
        }
        ByteBuffer own = region.duplicate().clear();
        TableWriter writer = new TableWriter(own, geometry, epoch, maxIndexLoad, firstExtentVersion);
        for (long i = 0; i < geometry.indexLength(); i += Long.BYTES) {
            putLong(own, index(geometry.indexOffset() + i), 0);
        }
        writer.replid = replid;
        writer.replicationOffset = replicationOffset;
        writer.headerCodec.write(own, 0, geometry, epoch, replid, replicationOffset, 0);
        return writer;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Publishes higher written bounds before the first write past them, so that a pull that
     * READs only below the bounds of the header it read misses no slot written before that
     * header: one written later is a write after the header's offset, which the stream replays
     * and the pull's index check finds. Bounds rise in steps of a 64th of the class (at least
     * 64 slots), so the header is rewritten at most about 64 times as a class fills, and a pull
     * reads at most that step past the last slot in use.
     */
    private void coverWritten(int classId, long slotIndex, long block, long blocks) {
        boolean raise = false;
        if (slotIndex >= slotsWritten[classId]) {
            long capacity = geometry.slotCount(classId);
            slotsWritten[classId] = Math.min(capacity, Math.max(slotIndex + 1, slotsWritten[classId] + Math.max(64, capacity / 64)));
            raise = true;
        }
        if (block >= 0 && block + blocks > overflowWritten) {
            long capacity = geometry.overflowBlockCount();
            overflowWritten = Math.min(capacity, Math.max(block + blocks, overflowWritten + Math.max(64, capacity / 64)));
            raise = true;
        }
        if (raise) {
            headerCodec.updateWritten(region, 0, slotsWritten, overflowWritten);
        }
    }

    /** Puts a string key-value: {@link #put(byte, byte[], byte[], long, long)} with {@link SlotDescriptor#TYPE_STRING}. */
    public PutStatus put(byte[] key, byte[] value, long expireAtMs, long lsn) {
        return put(SlotDescriptor.TYPE_STRING, key, value, expireAtMs, lsn);
    }

    /**
     * Inserts or replaces {@code key}'s record.
     *
     * @param type       {@link SlotDescriptor#TYPE_STRING} or {@link SlotDescriptor#TYPE_SERIALIZED}
     * @param expireAtMs absolute unix milliseconds, or {@link SlotDescriptor#NO_EXPIRY}
     * @param lsn        the replication offset of this write
     */
    public PutStatus put(byte type, byte[] key, byte[] value, long expireAtMs, long lsn) {
        checkWritable();
        if (type == SlotDescriptor.TYPE_EMPTY || type > SlotDescriptor.MAX_TYPE || type < 0) {
            throw new IllegalArgumentException("type must be between 1 and " + SlotDescriptor.MAX_TYPE + ", was " + type);
        }
        if (key.length > SlotDescriptor.MAX_KEY_LENGTH) {
            return PutStatus.KEY_TOO_LONG;
        }
        int classId = geometry.classFor(key.length, value.length);
        if (classId < 0) {
            return PutStatus.KEY_TOO_LONG;
        }
        boolean inline = geometry.isInline(key.length, value.length);
        long hash = KeyHash.hash(key);
        long position = findEntry(key, hash);
        boolean exists = position >= 0;
        long oldEntry = exists ? getLong(region, entryIndex(position)) : IndexDescriptor.EMPTY_ENTRY;
        int oldClass = IndexDescriptor.classId(oldEntry);
        long oldSlot = IndexDescriptor.slotIndex(oldEntry);
        long insertAt = -1;
        if (!exists) {
            if (keyCount + 1 > (long) (maxIndexLoad * geometry.indexCapacity())) {
                return PutStatus.INDEX_FULL;
            }
            insertAt = findFreeEntry(hash);
            if (insertAt < 0) {
                return PutStatus.INDEX_FULL;
            }
        }
        long block = -1;
        long blocks = 0;
        if (!inline) {
            blocks = OverflowDescriptor.blocksFor(value.length);
            block = extents.allocate(blocks);
            if (block < 0) {
                return PutStatus.NO_OVERFLOW_SPACE;
            }
        }
        boolean inPlace = exists && oldClass == classId && !holding;
        long slotIndex = inPlace ? oldSlot : slots[classId].allocate();
        if (slotIndex < 0) {
            if (block >= 0) {
                extents.release(block, blocks);
            }
            return PutStatus.NO_SLOT;
        }
        coverWritten(classId, slotIndex, block, blocks);
        long oldOverflow = exists ? overflowOf(oldClass, oldSlot) : -1;
        long oldOverflowBlocks = oldOverflow >= 0 ? overflowBlocksOf(oldClass, oldSlot) : 0;

        int slot = slotAt(classId, slotIndex);
        lastValueClass = -1;
        if (inline) {
            slotCodec.writeInline(region, slot, geometry.slotSize(classId), type, key, value, expireAtMs, lsn);
            lastValueClass = classId;
            lastValueOffset = valueOffsetInClass(classId, slotIndex, key.length);
        } else {
            extentVersion += 2;
            overflowCodec.write(region, index(geometry.extentAddress(block)), value, extentVersion);
            slotCodec.writeOverflow(region, slot, geometry.slotSize(classId), type, key, value.length, block, extentVersion, expireAtMs, lsn);
        }
        long entry = IndexDescriptor.packEntry(IndexDescriptor.tagOf(hash), classId, slotIndex);
        if (!exists) {
            publishNewEntry(hash, insertAt, entry);
            keyCount++;
        } else if (!inPlace) {
            // Release: the new slot is complete before the entry names it.
            putLongRelease(region, entryIndex(position), entry);
            slotCodec.writeEmpty(region, slotAt(oldClass, oldSlot), lsn);
            slots[oldClass].release(oldSlot);
        }
        if (oldOverflow >= 0) {
            extents.release(oldOverflow, oldOverflowBlocks);
        }
        return PutStatus.OK;
    }

    /**
     * From now on, slots freed by deletes and updates are set aside instead of reused, and no
     * record is rewritten in place (true); or freed slots are reusable again at once (false),
     * those set aside so far staying so until {@link #releaseHeldSlots}. A freed slot's value
     * bytes stay as they were until it is reused, so whoever still reads a value from a slot
     * whose record was deleted or replaced (a snapshot of the server's keyspace being saved)
     * reads it intact while slots are held. Pulls see such slots as empty.
     */
    public void holdFreedSlots(boolean hold) {
        holding = hold;
        for (SlotAllocator a : slots) {
            a.hold(hold);
        }
    }

    /** Makes every slot set aside by {@link #holdFreedSlots} reusable; returns how many there were. */
    public long releaseHeldSlots() {
        long n = 0;
        for (SlotAllocator a : slots) {
            n += a.releaseHeld();
        }
        return n;
    }

    /** Slots set aside by {@link #holdFreedSlots} and not yet released. */
    public long heldSlots() {
        long n = 0;
        for (SlotAllocator a : slots) {
            n += a.held();
        }
        return n;
    }

    /**
     * The class of the value the last successful {@link #put} wrote inline, or -1 when it went
     * to the overflow area (or nothing was put yet). With {@link #lastValueOffset()}, this is
     * where the value's bytes stay until the key is written again.
     */
    public int lastValueClass() {
        return lastValueClass;
    }

    /** Offset of that value's first byte from the first byte of its class ({@link TableGeometry#classOffset}). */
    public int lastValueOffset() {
        return lastValueOffset;
    }

    /**
     * Finds where {@code key}'s value is, as {@link #lastValueClass()} and {@link #lastValueOffset()}
     * report it after a put (after a growth that moved every record, for instance).
     *
     * @return whether the key is in the table with its value inline
     */
    public boolean locateValue(byte[] key) {
        lastValueClass = -1;
        long position = findEntry(key, KeyHash.hash(key));
        if (position < 0) {
            return false;
        }
        long entry = getLong(region, entryIndex(position));
        int classId = IndexDescriptor.classId(entry);
        long slotIndex = IndexDescriptor.slotIndex(entry);
        if (overflowOf(classId, slotIndex) >= 0) {
            return false;
        }
        lastValueClass = classId;
        lastValueOffset = valueOffsetInClass(classId, slotIndex, key.length);
        return true;
    }

    /**
     * Whether the value at {@code offsetInClass} of class {@code classId} (as {@link #lastValueOffset()}
     * reports it) is the inline value of {@code key}'s live record. Also on a retired writer: after
     * a growth, whoever refers to a value in the old region asks this before following the key
     * to its new place, since a slot freed (or held) there no longer holds the key's record.
     */
    public boolean holdsValueOf(byte[] key, int classId, int offsetInClass) {
        int slotSize = geometry.slotSize(classId);
        long slotIndex = offsetInClass / slotSize;
        if (slotIndex >= geometry.slotCount(classId) || valueOffsetInClass(classId, slotIndex, key.length) != offsetInClass) {
            return false;
        }
        int slot = slotAt(classId, slotIndex);
        return region.get(slot + SlotDescriptor.TYPE_OFFSET) != SlotDescriptor.TYPE_EMPTY
                && (region.get(slot + SlotDescriptor.FLAGS_OFFSET) & SlotDescriptor.FLAG_OVERFLOW) == 0
                && slotKeyEquals(slot, key);
    }

    private int valueOffsetInClass(int classId, long slotIndex, int keyLength) {
        return Math.toIntExact(slotIndex * geometry.slotSize(classId) + SlotDescriptor.KEY_OFFSET + keyLength);
    }

    /** Sets (or, with {@link SlotDescriptor#NO_EXPIRY}, removes) {@code key}'s expiry, as PEXPIREAT and PERSIST do. */
    public PutStatus setExpiry(byte[] key, long expireAtMs, long lsn) {
        checkWritable();
        long position = findEntry(key, KeyHash.hash(key));
        if (position < 0) {
            return PutStatus.NOT_FOUND;
        }
        long entry = getLong(region, entryIndex(position));
        slotCodec.writeExpiry(region, slotAt(IndexDescriptor.classId(entry), IndexDescriptor.slotIndex(entry)), expireAtMs, lsn);
        return PutStatus.OK;
    }

    /** Removes {@code key}; the emptied slot keeps {@code lsn}. */
    public PutStatus delete(byte[] key, long lsn) {
        checkWritable();
        long hash = KeyHash.hash(key);
        long position = findEntry(key, hash);
        if (position < 0) {
            return PutStatus.NOT_FOUND;
        }
        long entry = getLong(region, entryIndex(position));
        int classId = IndexDescriptor.classId(entry);
        long slotIndex = IndexDescriptor.slotIndex(entry);
        long overflow = overflowOf(classId, slotIndex);
        long overflowBlocks = overflow >= 0 ? overflowBlocksOf(classId, slotIndex) : 0;
        // Release: readers stop finding the key before its slot changes.
        putLongRelease(region, entryIndex(position), IndexDescriptor.EMPTY_ENTRY);
        long home = IndexDescriptor.homeBucket(hash, geometry.indexBucketCount());
        for (long b = home; b != position / IndexDescriptor.ENTRIES_PER_BUCKET; b = (b + 1) & bucketMask) {
            addOverflowCount(b, -1);
        }
        slotCodec.writeEmpty(region, slotAt(classId, slotIndex), lsn);
        slots[classId].release(slotIndex);
        if (overflow >= 0) {
            extents.release(overflow, overflowBlocks);
        }
        keyCount--;
        return PutStatus.OK;
    }

    /**
     * Publishes that every write up to {@code offset} is in the table. Call it after
     * applying those writes, not before: a replica continues the stream from here.
     */
    public void publishReplicationOffset(long offset) {
        checkWritable();
        replicationOffset = offset;
        headerCodec.updateReplicationOffset(region, 0, offset);
    }

    /** Publishes a new replication id and offset together (after a failover or a new history). */
    public void publishReplication(String newReplid, long offset) {
        checkWritable();
        headerCodec.update(region, 0, newReplid, offset, 0);
        replid = newReplid;
        replicationOffset = offset;
    }

    /**
     * Rebuilds this table into {@code newRegion} with {@code newGeometry} as epoch + 1, then
     * marks this region's header retired (so replicas pulling it restart) and returns the
     * new writer; this one refuses further writes. Records keep their LSN and expiry.
     *
     * @throws TableLayoutException when the new geometry cannot hold every record
     */
    public TableWriter growInto(ByteBuffer newRegion, TableGeometry newGeometry) {
        checkWritable();
        TableWriter grown = keepsEveryAddress(newGeometry) ? copyInto(newRegion, newGeometry) : reinsertInto(newRegion, newGeometry);
        headerCodec.update(region, 0, replid, replicationOffset, TableHeaderDescriptor.FLAG_RETIRED);
        retired = true;
        return grown;
    }

    /**
     * Whether {@code g} only adds room (more slots in some classes, more overflow blocks, the
     * same slot sizes and index): then every record keeps its class, slot index and extent,
     * every index entry stays valid, and growing is a copy of the used bytes, not a rebuild.
     */
    public boolean keepsEveryAddress(TableGeometry g) {
        if (g.classCount() != geometry.classCount() || g.indexBucketCount() != geometry.indexBucketCount()
                || g.overflowBlockCount() < geometry.overflowBlockCount()) {
            return false;
        }
        for (int c = 0; c < g.classCount(); c++) {
            if (g.slotSize(c) != geometry.slotSize(c) || g.slotCount(c) < geometry.slotCount(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Growth as bulk copies: the index, each class's slots up to its high-water mark, the
     * overflow area up to its own, each to its place in the new geometry, and the allocators'
     * state with them. Bytes past the high-water marks were never written and are zero in both.
     */
    private TableWriter copyInto(ByteBuffer newRegion, TableGeometry g) {
        TableWriter grown = format(newRegion, g, epoch + 1, replid, replicationOffset, maxIndexLoad, extentVersion);
        ByteBuffer to = grown.region;
        to.put(index(g.indexOffset()), region, index(geometry.indexOffset()), index(geometry.indexLength()));
        for (int c = 0; c < slots.length; c++) {
            long used = slots[c].highWater() * geometry.slotSize(c);
            to.put(index(g.classOffset(c)), region, index(geometry.classOffset(c)), index(used));
            grown.slots[c] = slots[c].grownTo(g.slotCount(c));
        }
        long overflowUsed = extents.highWater() * OverflowDescriptor.BLOCK_SIZE;
        to.put(index(g.overflowOffset()), region, index(geometry.overflowOffset()), index(overflowUsed));
        grown.extents = extents.grownTo(g.overflowBlockCount());
        grown.keyCount = keyCount;
        grown.holding = holding;
        System.arraycopy(slotsWritten, 0, grown.slotsWritten, 0, slotsWritten.length);
        grown.overflowWritten = overflowWritten;
        grown.headerCodec.updateWritten(to, 0, grown.slotsWritten, grown.overflowWritten);
        return grown;
    }

    /** Growth by inserting every record again (the index or the classes changed shape). */
    private TableWriter reinsertInto(ByteBuffer newRegion, TableGeometry newGeometry) {
        TableWriter grown = format(newRegion, newGeometry, epoch + 1, replid, replicationOffset, maxIndexLoad, extentVersion);
        for (int c = 0; c < slots.length; c++) {
            for (long i = 0; i < slots[c].highWater(); i++) {
                SlotStatus status = slotCodec.decode(region, slotAt(c, i), geometry.slotSize(c), view);
                if (status == SlotStatus.EMPTY) {
                    continue;
                }
                if (status != SlotStatus.OK) {
                    throw new IllegalStateException("slot " + i + " of class " + c + " decodes as " + status + " in the writer's own region");
                }
                byte[] value = view.isOverflow() ? readExtent(view) : view.value();
                PutStatus put = grown.put(view.type(), view.key(), value, view.expireAtMs(), view.lsn());
                if (put != PutStatus.OK) {
                    throw new TableLayoutException("new geometry must hold every record, " + put + " for a key of " + view.keyLength()
                            + " bytes and a value of " + value.length + " bytes: " + newGeometry);
                }
            }
        }
        return grown;
    }

    /**
     * A geometry for {@link #growInto} after a write of a key and value of these lengths
     * failed with {@code status}: the short part grown by {@code factor} (at least enough for
     * that record), everything else as it is. An index that is full doubles.
     *
     * @throws IllegalArgumentException for a status that is not a {@link PutStatus#isSpaceShortage() space shortage}
     */
    public TableGeometry grownGeometry(PutStatus status, int keyLength, int valueLength, double factor) {
        if (!(factor > 1.0)) {
            throw new TableLayoutException("growth factor must be greater than 1.0, was " + factor);
        }
        switch (status) {
            case NO_SLOT -> {
                int c = geometry.classFor(keyLength, valueLength);
                long count = geometry.slotCount(c);
                return geometry.withSlotCount(c, Math.max((long) Math.ceil(count * factor), count + 1));
            }
            case NO_OVERFLOW_SPACE -> {
                long blocks = geometry.overflowBlockCount();
                return geometry.withOverflowBlocks(Math.max((long) Math.ceil(blocks * factor), blocks + OverflowDescriptor.blocksFor(valueLength)));
            }
            case INDEX_FULL -> {
                return geometry.withIndexBuckets(geometry.indexBucketCount() * 2);
            }
            default -> throw new IllegalArgumentException("status must be a space shortage, was " + status);
        }
    }

    private byte[] readExtent(SlotView slot) {
        byte[] value = new byte[slot.valueLength()];
        region.get(index(geometry.extentAddress(slot.overflowBlock()) + OverflowDescriptor.DATA_OFFSET), value);
        return value;
    }

    private void checkWritable() {
        if (retired) {
            throw new IllegalStateException("table epoch " + epoch + " was retired by growInto; write to the grown table");
        }
    }

    // ------------------------------------------------------------------ index

    /** The entry position (bucket x 7 + entry) holding {@code key}, or -1. */
    private long findEntry(byte[] key, long hash) {
        int tag = IndexDescriptor.tagOf(hash);
        long bucket = IndexDescriptor.homeBucket(hash, geometry.indexBucketCount());
        for (long probed = 0; probed <= bucketMask; probed++) {
            for (int e = 0; e < IndexDescriptor.ENTRIES_PER_BUCKET; e++) {
                long entry = getLong(region, index(indexBase + IndexDescriptor.entryOffset(bucket, e)));
                if (IndexDescriptor.isOccupied(entry) && IndexDescriptor.tag(entry) == tag
                        && slotKeyEquals(slotAt(IndexDescriptor.classId(entry), IndexDescriptor.slotIndex(entry)), key)) {
                    return bucket * IndexDescriptor.ENTRIES_PER_BUCKET + e;
                }
            }
            if (overflowCount(bucket) == 0) {
                return -1;
            }
            bucket = (bucket + 1) & bucketMask;
        }
        return -1;
    }

    /** The first empty entry position on {@code hash}'s probe sequence, or -1 when the index is full. */
    private long findFreeEntry(long hash) {
        long bucket = IndexDescriptor.homeBucket(hash, geometry.indexBucketCount());
        for (long probed = 0; probed <= bucketMask; probed++) {
            for (int e = 0; e < IndexDescriptor.ENTRIES_PER_BUCKET; e++) {
                if (getLong(region, index(indexBase + IndexDescriptor.entryOffset(bucket, e))) == IndexDescriptor.EMPTY_ENTRY) {
                    return bucket * IndexDescriptor.ENTRIES_PER_BUCKET + e;
                }
            }
            bucket = (bucket + 1) & bucketMask;
        }
        return -1;
    }

    private void publishNewEntry(long hash, long position, long entry) {
        long home = IndexDescriptor.homeBucket(hash, geometry.indexBucketCount());
        // Counts first: a reader never stops at a bucket before the entry it looks for.
        for (long b = home; b != position / IndexDescriptor.ENTRIES_PER_BUCKET; b = (b + 1) & bucketMask) {
            addOverflowCount(b, 1);
        }
        // Release: the slot (written before) and the counts are visible before the entry.
        putLongRelease(region, entryIndex(position), entry);
    }

    private long overflowCount(long bucket) {
        return getLong(region, index(indexBase + IndexDescriptor.overflowCountOffset(bucket)));
    }

    private void addOverflowCount(long bucket, long delta) {
        int at = index(indexBase + IndexDescriptor.overflowCountOffset(bucket));
        // Release: one atomic 8-byte store, ordered after the stores before it.
        putLongRelease(region, at, getLong(region, at) + delta);
    }

    private int entryIndex(long position) {
        long bucket = position / IndexDescriptor.ENTRIES_PER_BUCKET;
        int e = (int) (position % IndexDescriptor.ENTRIES_PER_BUCKET);
        return index(indexBase + IndexDescriptor.entryOffset(bucket, e));
    }

    // ------------------------------------------------------------------ slots

    private int slotAt(int classId, long slotIndex) {
        return index(geometry.slotAddress(classId, slotIndex));
    }

    private boolean slotKeyEquals(int slot, byte[] key) {
        if (getUnsignedShort(region, slot + SlotDescriptor.KEY_LENGTH_OFFSET) != key.length) {
            return false;
        }
        int at = slot + SlotDescriptor.KEY_OFFSET;
        for (int i = 0; i < key.length; i++) {
            if (region.get(at + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first overflow block of the slot's value, or -1 when it is inline. */
    private long overflowOf(int classId, long slotIndex) {
        int slot = slotAt(classId, slotIndex);
        if ((region.get(slot + SlotDescriptor.FLAGS_OFFSET) & SlotDescriptor.FLAG_OVERFLOW) == 0) {
            return -1;
        }
        int keyLength = getUnsignedShort(region, slot + SlotDescriptor.KEY_LENGTH_OFFSET);
        return getLong(region, slot + SlotDescriptor.KEY_OFFSET + keyLength + SlotDescriptor.OVERFLOW_REF_BLOCK_OFFSET);
    }

    /** Blocks the overflow extent of the slot's value spans. */
    private long overflowBlocksOf(int classId, long slotIndex) {
        return OverflowDescriptor.blocksFor(getInt(region, slotAt(classId, slotIndex) + SlotDescriptor.VALUE_LENGTH_OFFSET));
    }

    // ------------------------------------------------------------------ state

    public TableGeometry geometry() {
        return geometry;
    }

    public long epoch() {
        return epoch;
    }

    public String replid() {
        return replid;
    }

    public long replicationOffset() {
        return replicationOffset;
    }

    public boolean isRetired() {
        return retired;
    }

    /** Keys in the table. */
    public long keyCount() {
        return keyCount;
    }

    /** Slots in use in class {@code classId}. */
    public long usedSlots(int classId) {
        return slots[classId].used();
    }

    /** Free slots left in class {@code classId}. */
    public long freeSlots(int classId) {
        return slots[classId].capacity() - slots[classId].used();
    }

    /** Overflow blocks in use. */
    public long usedOverflowBlocks() {
        return extents.used();
    }

    /** Longest run of free overflow blocks. */
    public long largestFreeOverflowRun() {
        return extents.largestFree();
    }

    /**
     * Bytes of the region ever written: header, index, each class up to its highest slot
     * used, the overflow area up to its highest block used. With a sparse mapping (an mmap
     * of a new file) this is what the table costs in memory, whatever its geometry reserves.
     */
    public long touchedBytes() {
        long bytes = geometry.indexOffset() + geometry.indexLength();
        for (int c = 0; c < slots.length; c++) {
            bytes += slots[c].highWater() * geometry.slotSize(c);
        }
        return bytes + extents.highWater() * OverflowDescriptor.BLOCK_SIZE;
    }
}
