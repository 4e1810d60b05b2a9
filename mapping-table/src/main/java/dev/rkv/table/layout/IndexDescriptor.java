package dev.rkv.table.layout;

/**
 * Layout of the hash index: a power-of-two array of 64-byte buckets (one cache line, one
 * small READ), each with an overflow count and seven 8-byte entries.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Overflow count: keys whose probe passed this bucket full,    |  0
 *  |  so lookups must go on to the next bucket (64-bit)            |
 *  +---------------------------------------------------------------+
 *  |                      Entry 0 .. Entry 6                       |  8
 *  |                       (7 x 8 bytes)                           |
 *  +---------------------------------------------------------------+
 *
 *  Entry (64-bit little-endian word, 0 = empty):
 *   63            48 47       41  40  39                              0
 *  +----------------+-----------+---+--------------------------------+
 *  |   hash tag     | class id  | 1 |          slot index            |
 *  +----------------+-----------+---+--------------------------------+
 * </pre>
 *
 * Key hash: XXH64 of the key bytes with seed 0. Home bucket = hash AND (bucket count - 1);
 * tag = hash &gt;&gt;&gt; 48. A lookup scans the home bucket's entries for the tag, reads the
 * slot each names and compares the key; if the key is not there and the bucket's overflow
 * count is non-zero it goes on with the next bucket (wrapping at the end), otherwise the key
 * is absent. Each entry and each control word is a single aligned 8-byte store, so a reader
 * never sees half of one.
 */
public final class IndexDescriptor {

    public static final int BUCKET_SIZE = 64;
    public static final int OVERFLOW_COUNT_OFFSET = 0;
    public static final int FIRST_ENTRY_OFFSET = 8;
    public static final int ENTRY_SIZE = 8;
    public static final int ENTRIES_PER_BUCKET = 7;

    public static final int TAG_SHIFT = 48;
    public static final int CLASS_SHIFT = 41;
    public static final long CLASS_MASK = 0x7F;
    public static final long OCCUPIED_BIT = 1L << 40;
    public static final long SLOT_INDEX_MASK = (1L << 40) - 1;
    /** Largest slot index an entry can name. */
    public static final long MAX_SLOT_INDEX = SLOT_INDEX_MASK;
    public static final long EMPTY_ENTRY = 0;

    private IndexDescriptor() {
    }

    /** Index-region offset of bucket {@code bucket}'s overflow count. */
    public static long overflowCountOffset(long bucket) {
        return bucket * BUCKET_SIZE + OVERFLOW_COUNT_OFFSET;
    }

    /** Index-region offset of entry {@code entry} of bucket {@code bucket}. */
    public static long entryOffset(long bucket, int entry) {
        return bucket * BUCKET_SIZE + FIRST_ENTRY_OFFSET + (long) entry * ENTRY_SIZE;
    }

    public static long packEntry(int tag, int classId, long slotIndex) {
        return ((long) (tag & 0xFFFF) << TAG_SHIFT) | ((classId & CLASS_MASK) << CLASS_SHIFT) | OCCUPIED_BIT
                | (slotIndex & SLOT_INDEX_MASK);
    }

    public static boolean isOccupied(long entry) {
        return (entry & OCCUPIED_BIT) != 0;
    }

    public static int tag(long entry) {
        return (int) (entry >>> TAG_SHIFT);
    }

    public static int classId(long entry) {
        return (int) ((entry >>> CLASS_SHIFT) & CLASS_MASK);
    }

    public static long slotIndex(long entry) {
        return entry & SLOT_INDEX_MASK;
    }

    /** The tag a key hash files under. */
    public static int tagOf(long hash) {
        return (int) (hash >>> TAG_SHIFT);
    }

    /** The home bucket of a key hash. */
    public static long homeBucket(long hash, long bucketCount) {
        return hash & (bucketCount - 1);
    }
}
