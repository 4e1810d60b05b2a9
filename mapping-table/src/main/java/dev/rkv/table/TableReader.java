package dev.rkv.table;

import dev.rkv.table.layout.ExtentStatus;
import dev.rkv.table.layout.IndexDescriptor;
import dev.rkv.table.layout.OverflowCodec;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotCodec;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;

import java.nio.ByteBuffer;

import static dev.rkv.table.layout.LayoutBuffers.getLong;

/**
 * The replica's side of a table: pure functions over buffers the caller filled (with RDMA
 * READ, or a copy). It decodes the header into a geometry, decodes and verifies every slot
 * of a pulled range, verifies overflow extents, and looks single keys up through the index.
 *
 * <p>Protocol for a full pull: read the header (offset O, epoch E); pull the ranges of
 * {@link TableGeometry#pullPlan}; decode them, reading again each slot that is
 * {@link SlotStatus#shouldRetry() torn or corrupt}; resolve overflow values; keep, per key,
 * the record with the highest LSN (a key moving between classes may show twice); read the
 * header again and restart if it {@link TableHeader#invalidates invalidates} the first one;
 * then replay the stream from O, skipping an effect on a key at offset o when o is at most
 * that key's loaded LSN.
 *
 * <p>An instance holds codecs with CRC state: one per thread.
 */
public final class TableReader {

    private final TableGeometry geometry;
    private final SlotCodec slotCodec = new SlotCodec();
    private final OverflowCodec overflowCodec = new OverflowCodec();
    private final SlotView view = new SlotView();
    /** Version word of the slot {@link #readCandidate} last found empty or holding another key. */
    private long missedSlotVersion;

    public TableReader(TableGeometry geometry) {
        this.geometry = geometry;
    }

    /** Decodes a header copy (its first {@link dev.rkv.table.layout.TableHeaderDescriptor#HEADER_LENGTH} bytes). */
    public static HeaderRead readHeader(ByteBuffer copy) {
        return new HeaderCodec().decode(copy, 0);
    }

    public TableGeometry geometry() {
        return geometry;
    }

    // ------------------------------------------------------------------ bulk

    /**
     * Decodes every slot lying wholly inside {@code copy}, which holds the table bytes from
     * {@code regionOffset} on (its capacity is the length), and hands each to
     * {@code visitor} in address order. Bytes of the header, the index, the overflow area,
     * alignment padding and partial slots at the edges are skipped.
     *
     * @return how many slots were torn or corrupt (to read again)
     */
    public int decodeRange(ByteBuffer copy, long regionOffset, SlotVisitor visitor) {
        long end = regionOffset + copy.capacity();
        int retry = 0;
        for (int c = 0; c < geometry.classCount(); c++) {
            long base = geometry.classOffset(c);
            int size = geometry.slotSize(c);
            long classEnd = base + geometry.classLength(c);
            if (classEnd <= regionOffset || base >= end) {
                continue;
            }
            long first = Math.max(0, ceilDiv(regionOffset - base, size));
            long last = (Math.min(end, classEnd) - base) / size;
            for (long i = first; i < last; i++) {
                int at = (int) (base + i * size - regionOffset);
                SlotStatus status = slotCodec.decode(copy, at, size, view);
                if (status.shouldRetry()) {
                    retry++;
                }
                visitor.onSlot(c, i, status, view);
            }
        }
        return retry;
    }

    /** Decodes one slot of class {@code classId} at {@code at} of a copy. */
    public SlotStatus decodeSlot(ByteBuffer copy, int at, int classId, SlotView into) {
        return slotCodec.decode(copy, at, geometry.slotSize(classId), into);
    }

    /**
     * Verifies the overflow extent a decoded slot refers to, in a copy holding the table
     * bytes from {@code regionOffset} on. On {@link ExtentStatus#OK} the value is at
     * {@link #extentValueIndex}. {@link ExtentStatus#STALE} means the slot copy is older
     * than the extent: read the slot again.
     */
    public ExtentStatus verifyExtent(ByteBuffer copy, long regionOffset, SlotView slot) {
        long address = extentAddress(slot);
        if (address < 0) {
            return ExtentStatus.CORRUPT;
        }
        long extent = address - regionOffset;
        if (extent < 0 || extent > Integer.MAX_VALUE) {
            return ExtentStatus.INCOMPLETE;
        }
        return overflowCodec.verify(copy, (int) extent, slot.overflowVersion(), slot.valueLength());
    }

    /** Index in a copy from {@code regionOffset} of the value of the extent {@code slot} names. */
    public int extentValueIndex(long regionOffset, SlotView slot) {
        return (int) (extentAddress(slot) - regionOffset + OverflowDescriptor.DATA_OFFSET);
    }

    /**
     * Table offset of the overflow extent a decoded slot names (for reading just that
     * extent), or -1 when the reference lies outside the overflow area.
     */
    public long extentAddress(SlotView slot) {
        long block = slot.overflowBlock();
        if (block < 0 || block + OverflowDescriptor.blocksFor(slot.valueLength()) > geometry.overflowBlockCount()) {
            return -1;
        }
        return geometry.extentAddress(block);
    }

    // ------------------------------------------------------------------ single key

    /** Table offset of {@code key}'s home bucket: the first READ of a lookup. */
    public long homeBucketAddress(byte[] key) {
        return geometry.bucketAddress(IndexDescriptor.homeBucket(KeyHash.hash(key), geometry.indexBucketCount()));
    }

    /**
     * Looks {@code key} up with the reads {@code reads} performs: its home bucket, then the
     * slot each matching entry names (and the extent of an overflow value), then further
     * buckets only while the bucket's overflow count says the key may lie beyond. A torn,
     * corrupt or stale slot or extent is read again, up to {@code attempts} times.
     *
     * <p>When a named slot turns out empty or holds another key, the entry is read again: if
     * it changed meanwhile (the key moved to another class, or was deleted and re-added) the
     * lookup starts over, at most {@code attempts} times, so a key that exists throughout is
     * never reported missing because it moved during the lookup.
     */
    public Lookup lookup(byte[] key, RegionReader reads, int attempts) {
        long hash = KeyHash.hash(key);
        for (int restart = 0; restart < attempts; restart++) {
            Lookup found = probe(key, hash, reads, attempts);
            if (found != RESTART) {
                return found;
            }
        }
        return Lookup.UNSTABLE;
    }

    /** Marks a probe that saw its entry change under it. */
    private static final Lookup RESTART = new Lookup(Lookup.Status.UNSTABLE, (byte) 0, null, 0, 0);

    private Lookup probe(byte[] key, long hash, RegionReader reads, int attempts) {
        int tag = IndexDescriptor.tagOf(hash);
        long mask = geometry.indexBucketCount() - 1;
        long bucket = IndexDescriptor.homeBucket(hash, geometry.indexBucketCount());
        for (long probed = 0; probed <= mask; probed++) {
            long bucketAddress = geometry.bucketAddress(bucket);
            ByteBuffer b = reads.read(bucketAddress, IndexDescriptor.BUCKET_SIZE);
            // The next read may reuse b: keep the words the probe still needs.
            long overflowCount = getLong(b, IndexDescriptor.OVERFLOW_COUNT_OFFSET);
            long[] entries = new long[IndexDescriptor.ENTRIES_PER_BUCKET];
            for (int e = 0; e < entries.length; e++) {
                entries[e] = getLong(b, IndexDescriptor.FIRST_ENTRY_OFFSET + e * IndexDescriptor.ENTRY_SIZE);
            }
            for (int e = 0; e < entries.length; e++) {
                long entry = entries[e];
                if (!IndexDescriptor.isOccupied(entry) || IndexDescriptor.tag(entry) != tag) {
                    continue;
                }
                int c = IndexDescriptor.classId(entry);
                long slotIndex = IndexDescriptor.slotIndex(entry);
                if (c >= geometry.classCount() || slotIndex >= geometry.slotCount(c)) {
                    continue;
                }
                Lookup found = readCandidate(key, c, slotIndex, reads, attempts);
                if (found != Lookup.NOT_FOUND) {
                    return found;
                }
                long missedVersion = missedSlotVersion;
                long entryAddress = bucketAddress + IndexDescriptor.FIRST_ENTRY_OFFSET + (long) e * IndexDescriptor.ENTRY_SIZE;
                if (getLong(reads.read(entryAddress, IndexDescriptor.ENTRY_SIZE), 0) != entry) {
                    return RESTART;
                }
                // The entry alone can be ABA: the key moved to another class and back into the
                // same slot between the slot read and the entry read. The slot's version only
                // grows, so an unchanged version proves the slot was never rewritten in between;
                // since a slot is complete before an entry names it, the key really is not here.
                long slotAddress = geometry.slotAddress(c, slotIndex) + SlotDescriptor.VERSION_OFFSET;
                if (getLong(reads.read(slotAddress, Long.BYTES), 0) != missedVersion) {
                    return RESTART;
                }
            }
            if (overflowCount == 0) {
                return Lookup.NOT_FOUND;
            }
            bucket = (bucket + 1) & mask;
        }
        return Lookup.NOT_FOUND;
    }

    private Lookup readCandidate(byte[] key, int classId, long slotIndex, RegionReader reads, int attempts) {
        int size = geometry.slotSize(classId);
        for (int attempt = 0; attempt < attempts; attempt++) {
            ByteBuffer slot = reads.read(geometry.slotAddress(classId, slotIndex), size);
            long version = getLong(slot, SlotDescriptor.VERSION_OFFSET);
            SlotStatus status = slotCodec.decode(slot, 0, size, view);
            if (status == SlotStatus.EMPTY || (status == SlotStatus.OK && !view.keyEquals(key))) {
                missedSlotVersion = version;
                return Lookup.NOT_FOUND;
            }
            if (status != SlotStatus.OK) {
                continue;
            }
            if (!view.isOverflow()) {
                return new Lookup(Lookup.Status.FOUND, view.type(), view.value(), view.expireAtMs(), view.lsn());
            }
            long extent = extentAddress(view);
            if (extent < 0) {
                continue;
            }
            // The next read may reuse the slot's buffer: keep what the extent is checked against.
            byte type = view.type();
            long expireAtMs = view.expireAtMs();
            long lsn = view.lsn();
            long extentVersion = view.overflowVersion();
            int valueLength = view.valueLength();
            ByteBuffer copy = reads.read(extent, (int) OverflowDescriptor.extentLength(valueLength));
            if (overflowCodec.verify(copy, 0, extentVersion, valueLength) == ExtentStatus.OK) {
                byte[] value = new byte[valueLength];
                copy.get(OverflowDescriptor.DATA_OFFSET, value);
                return new Lookup(Lookup.Status.FOUND, type, value, expireAtMs, lsn);
            }
        }
        return Lookup.UNSTABLE;
    }

    private static long ceilDiv(long a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
