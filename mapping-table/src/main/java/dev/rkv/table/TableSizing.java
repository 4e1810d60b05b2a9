package dev.rkv.table;

import dev.rkv.table.layout.IndexDescriptor;
import dev.rkv.table.layout.OverflowDescriptor;

/**
 * Sizes a geometry for a data set: add every record's key and value length (or counts of
 * records of one shape), then build with some headroom. The agent uses it to size a table
 * for a server's keyspace, and again, with the live counts, to grow it.
 */
public final class TableSizing {

    private final int[] slotSizes;
    private final long[] slotCounts;
    private final TableGeometry probe;
    private long keys;
    private long overflowBlocks;

    /** Sizing over {@link TableGeometry#defaultSlotSizes()}. */
    public TableSizing() {
        this(TableGeometry.defaultSlotSizes());
    }

    public TableSizing(int[] slotSizes) {
        this.slotSizes = slotSizes.clone();
        this.slotCounts = new long[slotSizes.length];
        this.probe = TableGeometry.of(slotSizes, new long[slotSizes.length], 1, 0);
    }

    /**
     * Counts {@code n} records with a key of {@code keyLength} and a value of
     * {@code valueLength} bytes.
     *
     * @throws TableLayoutException when the key is too long for any class
     */
    public TableSizing add(int keyLength, long valueLength, long n) {
        int c = probe.classFor(keyLength, valueLength);
        if (c < 0) {
            throw new TableLayoutException("key length must fit the largest class (" + slotSizes[slotSizes.length - 1] + "-byte slots) with an overflow reference, was " + keyLength);
        }
        slotCounts[c] += n;
        if (!probe.isInline(keyLength, valueLength)) {
            overflowBlocks += n * OverflowDescriptor.blocksFor(valueLength);
        }
        keys += n;
        return this;
    }

    /** Counts one record. */
    public TableSizing add(int keyLength, long valueLength) {
        return add(keyLength, valueLength, 1);
    }

    public long keys() {
        return keys;
    }

    /**
     * A geometry holding {@code headroom} times the records added (at least 1.0), with
     * an index whose load stays at most {@code indexLoad} with that many keys.
     */
    public TableGeometry build(double headroom, double indexLoad) {
        if (!(headroom >= 1.0)) {
            throw new TableLayoutException("headroom must be at least 1.0, was " + headroom);
        }
        if (!(indexLoad > 0 && indexLoad <= 1)) {
            throw new TableLayoutException("index load must be in (0, 1], was " + indexLoad);
        }
        long[] counts = new long[slotCounts.length];
        for (int c = 0; c < counts.length; c++) {
            counts[c] = (long) Math.ceil(slotCounts[c] * headroom);
        }
        long entries = (long) Math.ceil(Math.max(1, keys) * headroom / indexLoad);
        long buckets = Math.max(1, Long.highestOneBit((entries + IndexDescriptor.ENTRIES_PER_BUCKET - 1) / IndexDescriptor.ENTRIES_PER_BUCKET));
        if (buckets * IndexDescriptor.ENTRIES_PER_BUCKET < entries) {
            buckets <<= 1;
        }
        return TableGeometry.of(slotSizes, counts, buckets, (long) Math.ceil(overflowBlocks * headroom));
    }
}
