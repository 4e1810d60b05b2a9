package dev.rkv.table.layout;

/**
 * Layout of the overflow area and of one extent in it. The area is an array of
 * {@link #BLOCK_SIZE}-byte blocks; an extent is a run of whole blocks starting with this
 * header and holding one value too large for the largest slot class.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |     Version (seqlock: odd while written; the even value is    |  0
 *  |     unique per extent write and repeated in the slot's ref)   |
 *  +---------------------------------------------------------------+
 *  |                         Value length                          |  8
 *  +---------------------------------------------------------------+
 *  |                            CRC32C                             | 12
 *  +---------------------------------------------------------------+
 *  |  Value bytes (value length) ...                               | 16
 *  +---------------------------------------------------------------+
 *  |  unused up to the end of the last block                       |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The CRC32C covers {@code [0, 12)} (with the final, even version) followed by
 * {@code [16, 16 + value length)}. An extent is at overflow offset + block index x
 * {@link #BLOCK_SIZE}; a slot references it by block index and final version, so a reader
 * that finds another version there knows the extent was freed and reused.
 */
public final class OverflowDescriptor {

    public static final int VERSION_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int CRC_OFFSET = 12;
    public static final int DATA_OFFSET = 16;
    public static final int HEADER_LENGTH = DATA_OFFSET;
    public static final int CRC_PREFIX_LENGTH = CRC_OFFSET;

    /** Allocation unit of the overflow area; extents start on block boundaries. */
    public static final int BLOCK_SIZE = 64;

    private OverflowDescriptor() {
    }

    /** Blocks an extent holding {@code valueLength} bytes occupies. */
    public static long blocksFor(long valueLength) {
        return (HEADER_LENGTH + valueLength + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** Bytes an extent holding {@code valueLength} bytes spans (whole blocks). */
    public static long extentLength(long valueLength) {
        return blocksFor(valueLength) * BLOCK_SIZE;
    }
}
