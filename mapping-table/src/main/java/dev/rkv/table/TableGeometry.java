package dev.rkv.table;

import dev.rkv.table.layout.IndexDescriptor;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.rkv.table.layout.LayoutBuffers.align;

/**
 * Where everything is in a table: the slot classes (slot size and count), the index size and
 * the overflow area size, and the offsets derived from them. Immutable and validated on
 * construction; the same for the writer and every reader of an epoch, since readers rebuild
 * it from the header.
 *
 * <p>Offsets here are byte offsets from the start of the region; a remote address is the
 * region's base address plus the offset. Regions follow the header in this order, each at a
 * multiple of {@value TableHeaderDescriptor#REGION_ALIGNMENT}: index, class 0 .. class n-1,
 * overflow area.
 */
public final class TableGeometry {

    /** Most bytes a table may span: slot offsets must fit the index entry and a long. */
    public static final long MAX_TABLE_LENGTH = 1L << 46;
    /** Most index buckets (2^36 buckets = 4 TiB of index). */
    public static final long MAX_INDEX_BUCKETS = 1L << 36;

    private final int[] slotSizes;
    private final long[] slotCounts;
    private final long[] classOffsets;
    private final long indexBucketCount;
    private final long overflowBlockCount;
    private final long overflowOffset;
    private final long tableLength;

    private TableGeometry(int[] slotSizes, long[] slotCounts, long indexBucketCount, long overflowBlockCount) {
        validate(slotSizes, slotCounts, indexBucketCount, overflowBlockCount);
        this.slotSizes = slotSizes.clone();
        this.slotCounts = slotCounts.clone();
        this.indexBucketCount = indexBucketCount;
        this.overflowBlockCount = overflowBlockCount;
        this.classOffsets = new long[slotSizes.length];
        long next = align(indexOffset() + indexBucketCount * IndexDescriptor.BUCKET_SIZE, TableHeaderDescriptor.REGION_ALIGNMENT);
        for (int c = 0; c < slotSizes.length; c++) {
            classOffsets[c] = next;
            next = align(next + slotSizes[c] * slotCounts[c], TableHeaderDescriptor.REGION_ALIGNMENT);
            if (next > MAX_TABLE_LENGTH) {
                throw new TableLayoutException("table length must be at most " + MAX_TABLE_LENGTH + " bytes, was at least " + next
                        + " by the end of class " + c);
            }
        }
        this.overflowOffset = next;
        this.tableLength = overflowOffset + overflowBlockCount * OverflowDescriptor.BLOCK_SIZE;
        if (tableLength > MAX_TABLE_LENGTH) {
            throw new TableLayoutException("table length must be at most " + MAX_TABLE_LENGTH + " bytes, was " + tableLength);
        }
    }

    /**
     * A geometry with the given classes (slot sizes ascending), slots per class, index buckets
     * and overflow blocks.
     *
     * @throws TableLayoutException naming the limit and the value when one is broken
     */
    public static TableGeometry of(int[] slotSizes, long[] slotCounts, long indexBucketCount, long overflowBlockCount) {
        return new TableGeometry(slotSizes, slotCounts, indexBucketCount, overflowBlockCount);
    }

    private static void validate(int[] sizes, long[] counts, long buckets, long blocks) {
        if (sizes.length < 1 || sizes.length > TableHeaderDescriptor.MAX_CLASSES) {
            throw new TableLayoutException("class count must be between 1 and " + TableHeaderDescriptor.MAX_CLASSES + ", was " + sizes.length);
        }
        if (counts.length != sizes.length) {
            throw new TableLayoutException("slot counts must be given for each of the " + sizes.length + " classes, were " + counts.length);
        }
        for (int c = 0; c < sizes.length; c++) {
            int size = sizes[c];
            if (size < SlotDescriptor.MIN_SLOT_SIZE || size > SlotDescriptor.MAX_SLOT_SIZE) {
                throw new TableLayoutException("slot size of class " + c + " must be between " + SlotDescriptor.MIN_SLOT_SIZE + " and "
                        + SlotDescriptor.MAX_SLOT_SIZE + ", was " + size);
            }
            if (size % SlotDescriptor.SLOT_ALIGNMENT != 0) {
                throw new TableLayoutException("slot size of class " + c + " must be a multiple of " + SlotDescriptor.SLOT_ALIGNMENT + ", was " + size);
            }
            if (c > 0 && size <= sizes[c - 1]) {
                throw new TableLayoutException("slot size of class " + c + " must be greater than class " + (c - 1) + "'s " + sizes[c - 1]
                        + ", was " + size);
            }
            if (counts[c] < 0 || counts[c] > IndexDescriptor.MAX_SLOT_INDEX + 1) {
                throw new TableLayoutException("slot count of class " + c + " must be between 0 and " + (IndexDescriptor.MAX_SLOT_INDEX + 1)
                        + ", was " + counts[c]);
            }
        }
        if (buckets < 1 || buckets > MAX_INDEX_BUCKETS || Long.bitCount(buckets) != 1) {
            throw new TableLayoutException("index bucket count must be a power of two between 1 and " + MAX_INDEX_BUCKETS + ", was " + buckets);
        }
        if (blocks < 0 || blocks > MAX_TABLE_LENGTH / OverflowDescriptor.BLOCK_SIZE) {
            throw new TableLayoutException("overflow block count must be between 0 and " + MAX_TABLE_LENGTH / OverflowDescriptor.BLOCK_SIZE
                    + ", was " + blocks);
        }
    }

    /**
     * Default slot sizes: 8 classes per doubling from 64 bytes (spacing at most 12.5%, so an
     * inline record wastes at most ~11% of its slot) up to 73,728 bytes, the first class
     * holding the longest key (65,535 bytes) with an overflow reference.
     */
    public static int[] defaultSlotSizes() {
        List<Integer> sizes = new ArrayList<>();
        int size = 64;
        while (size < SlotDescriptor.overflowLength(SlotDescriptor.MAX_KEY_LENGTH)) {
            sizes.add(size);
            size += Integer.highestOneBit(size) / 8;
        }
        sizes.add(size);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---- classes

    public int classCount() {
        return slotSizes.length;
    }

    public int slotSize(int classId) {
        return slotSizes[checkClass(classId)];
    }

    public long slotCount(int classId) {
        return slotCounts[checkClass(classId)];
    }

    /** Key plus stored value bytes a slot of the class holds. */
    public int payloadCapacity(int classId) {
        return SlotDescriptor.payloadCapacity(slotSize(classId));
    }

    /** Offset of the class's first slot. */
    public long classOffset(int classId) {
        return classOffsets[checkClass(classId)];
    }

    /** Bytes the class's slots span (slot size x slot count, without alignment padding). */
    public long classLength(int classId) {
        return (long) slotSize(classId) * slotCount(classId);
    }

    /** Offset of slot {@code slotIndex} of class {@code classId}: class offset + index x slot size. */
    public long slotAddress(int classId, long slotIndex) {
        checkClass(classId);
        if (slotIndex < 0 || slotIndex >= slotCounts[classId]) {
            throw new IndexOutOfBoundsException("slot index of class " + classId + " must be below " + slotCounts[classId] + ", was " + slotIndex);
        }
        return classOffsets[classId] + slotIndex * slotSizes[classId];
    }

    /**
     * The class a record goes to: the smallest whose payload holds the key and the value
     * inline; if none does, the smallest that holds the key and an overflow reference
     * (the value then goes to an extent); -1 if the key is too long even for that.
     */
    public int classFor(int keyLength, long valueLength) {
        int c = smallestClassHolding(SlotDescriptor.inlineLength(keyLength, valueLength));
        return c >= 0 ? c : smallestClassHolding(SlotDescriptor.overflowLength(keyLength));
    }

    /** Whether a record of these lengths goes inline (true) or to an overflow extent. */
    public boolean isInline(int keyLength, long valueLength) {
        return SlotDescriptor.inlineLength(keyLength, valueLength) <= slotSizes[slotSizes.length - 1];
    }

    private int smallestClassHolding(long slotBytes) {
        if (slotBytes > slotSizes[slotSizes.length - 1]) {
            return -1;
        }
        int i = Arrays.binarySearch(slotSizes, (int) slotBytes);
        return i >= 0 ? i : -i - 1;
    }

    private int checkClass(int classId) {
        if (classId < 0 || classId >= slotSizes.length) {
            throw new IndexOutOfBoundsException("class id must be below " + slotSizes.length + ", was " + classId);
        }
        return classId;
    }

    // ---- index

    public long indexOffset() {
        return TableHeaderDescriptor.HEADER_LENGTH;
    }

    public long indexBucketCount() {
        return indexBucketCount;
    }

    public long indexLength() {
        return indexBucketCount * IndexDescriptor.BUCKET_SIZE;
    }

    /** Offset of index bucket {@code bucket}. */
    public long bucketAddress(long bucket) {
        if (bucket < 0 || bucket >= indexBucketCount) {
            throw new IndexOutOfBoundsException("bucket must be below " + indexBucketCount + ", was " + bucket);
        }
        return indexOffset() + bucket * IndexDescriptor.BUCKET_SIZE;
    }

    /** Index entries in all (7 per bucket). */
    public long indexCapacity() {
        return indexBucketCount * IndexDescriptor.ENTRIES_PER_BUCKET;
    }

    // ---- overflow

    public long overflowOffset() {
        return overflowOffset;
    }

    public long overflowBlockCount() {
        return overflowBlockCount;
    }

    public long overflowLength() {
        return overflowBlockCount * OverflowDescriptor.BLOCK_SIZE;
    }

    /** Offset of the extent starting at block {@code block}. */
    public long extentAddress(long block) {
        if (block < 0 || block >= overflowBlockCount) {
            throw new IndexOutOfBoundsException("overflow block must be below " + overflowBlockCount + ", was " + block);
        }
        return overflowOffset + block * OverflowDescriptor.BLOCK_SIZE;
    }

    // ---- whole table

    /** Bytes of the whole region: header, index, classes, overflow. */
    public long tableLength() {
        return tableLength;
    }

    /**
     * The region cut into ranges of at most {@code maxBytes} for a bulk pull: each class in
     * whole slots (so each range decodes on its own), then the overflow area. Empty classes
     * and an empty overflow area give no range; a slot larger than {@code maxBytes} gets a
     * range of its own.
     */
    public List<PullRange> pullPlan(int maxBytes) {
        return pullPlan(maxBytes, slotCounts, overflowBlockCount);
    }

    /**
     * {@link #pullPlan(int)} for only the first {@code slotLimits[c]} slots of each class and the
     * first {@code overflowBlocks} blocks of the overflow area (the header's written bounds:
     * nothing past them was ever written). A range never spans two classes, and the ranges of
     * a class start at multiples of the same slot count as in the full plan.
     */
    public List<PullRange> pullPlan(int maxBytes, long[] slotLimits, long overflowBlocks) {
        if (maxBytes < 1) {
            throw new TableLayoutException("pull range size must be positive, was " + maxBytes);
        }
        if (slotLimits.length != slotSizes.length) {
            throw new TableLayoutException(slotLimits.length + " slot limits for " + slotSizes.length + " classes");
        }
        List<PullRange> plan = new ArrayList<>();
        for (int c = 0; c < slotSizes.length; c++) {
            long perRange = Math.max(1, maxBytes / slotSizes[c]);
            long limit = Math.min(slotCounts[c], Math.max(0, slotLimits[c]));
            for (long first = 0; first < limit; first += perRange) {
                long n = Math.min(perRange, limit - first);
                plan.add(new PullRange(classOffsets[c] + first * slotSizes[c], n * slotSizes[c], c, first, n));
            }
        }
        long overflowLength = Math.min(overflowBlockCount, Math.max(0, overflowBlocks)) * OverflowDescriptor.BLOCK_SIZE;
        for (long at = 0; at < overflowLength; at += maxBytes) {
            plan.add(new PullRange(overflowOffset + at, Math.min(maxBytes, overflowLength - at), PullRange.OVERFLOW, 0, 0));
        }
        return plan;
    }

    // ---- derived geometries (growth starts a new epoch)

    public TableGeometry withSlotCount(int classId, long slotCount) {
        long[] counts = slotCounts.clone();
        counts[checkClass(classId)] = slotCount;
        return new TableGeometry(slotSizes, counts, indexBucketCount, overflowBlockCount);
    }

    public TableGeometry withIndexBuckets(long bucketCount) {
        return new TableGeometry(slotSizes, slotCounts, bucketCount, overflowBlockCount);
    }

    public TableGeometry withOverflowBlocks(long blockCount) {
        return new TableGeometry(slotSizes, slotCounts, indexBucketCount, blockCount);
    }

    public int[] slotSizes() {
        return slotSizes.clone();
    }

    public long[] slotCounts() {
        return slotCounts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableGeometry g && Arrays.equals(slotSizes, g.slotSizes) && Arrays.equals(slotCounts, g.slotCounts)
                && indexBucketCount == g.indexBucketCount && overflowBlockCount == g.overflowBlockCount;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(slotSizes) + Arrays.hashCode(slotCounts)) + Long.hashCode(indexBucketCount * 31 + overflowBlockCount);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TableGeometry{length=").append(tableLength).append(", indexBuckets=").append(indexBucketCount)
                .append(", overflowBlocks=").append(overflowBlockCount).append(", classes=[");
        boolean first = true;
        for (int c = 0; c < slotSizes.length; c++) {
            if (slotCounts[c] > 0) {
                sb.append(first ? "" : ", ").append(slotSizes[c]).append('x').append(slotCounts[c]);
                first = false;
            }
        }
        return sb.append("]}").toString();
    }

    /**
     * One range of a pull plan: {@code length} bytes at {@code offset}; for a class range,
     * slots {@code [firstSlot, firstSlot + slotCount)} of {@code classId}; for the overflow
     * area, {@code classId == OVERFLOW}.
     */
    public record PullRange(long offset, long length, int classId, long firstSlot, long slotCount) {
        public static final int OVERFLOW = -1;

        public boolean isOverflow() {
            return classId == OVERFLOW;
        }
    }
}
