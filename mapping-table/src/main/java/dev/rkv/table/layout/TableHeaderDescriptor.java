package dev.rkv.table.layout;

import java.nio.charset.StandardCharsets;

/**
 * Layout of the table header: the first {@link #HEADER_LENGTH} bytes of the region. A
 * replica reads it first (one READ) and computes every other address from it. All fields
 * little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Magic "RKVTABLE" (ASCII bytes)                |   0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Version (seqlock: odd while written)             |   8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Layout version (1)                     |  16
 *  +---------------------------------------------------------------+
 *  |                   Header length (4096)                        |  20
 *  +---------------------------------------------------------------+
 *  |                            Epoch                              |  24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Replication offset: every write up to it is in the table    |  32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Replication id (40 ASCII characters)               |  40
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 *  |                            CRC32C                             |  80
 *  +---------------------------------------------------------------+
 *  |                 Flags (bit 0: RETIRED)                        |  84
 *  +---------------------------------------------------------------+
 *  |                        Class count                            |  88
 *  +---------------------------------------------------------------+
 *  |                Overflow block size (64)                       |  92
 *  +---------------------------------------------------------------+
 *  |              Table length (bytes of the whole region)         |  96
 *  +---------------------------------------------------------------+
 *  |                        Index offset                           | 104
 *  +---------------------------------------------------------------+
 *  |               Index bucket count (power of two)               | 112
 *  +---------------------------------------------------------------+
 *  |                       Overflow offset                         | 120
 *  +---------------------------------------------------------------+
 *  |                     Overflow block count                      | 128
 *  +---------------------------------------------------------------+
 *  |     Overflow blocks written: no block at or past it ever was  | 136
 *  +---------------------------------------------------------------+
 *  |                      Reserved (zero)                          | 144..191
 *  +---------------------------------------------------------------+
 *  |  Class table: class count entries of 24 bytes, smallest       | 192
 *  |  slot size first:                                             |
 *  | slot size (4) | slots written (4) | slot count (8) | base (8) |
 *  +---------------------------------------------------------------+
 *  |                 Zero up to the header length                  |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * (The 8-byte fields from offset 96 on are drawn one row each.) The CRC32C covers
 * {@code [0, 80)} (with the final, even version) followed by
 * {@code [84, 192 + 24 x class count)}. Regions follow the header in this order, each
 * starting at a multiple of {@link #REGION_ALIGNMENT}: the index, class 0, class 1, ...,
 * the overflow area; the offsets stored are exactly those the rule gives, and readers reject
 * a header whose offsets differ.
 */
public final class TableHeaderDescriptor {

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int LAYOUT_VERSION_OFFSET = 16;
    public static final int HEADER_LENGTH_OFFSET = 20;
    public static final int EPOCH_OFFSET = 24;
    public static final int REPLICATION_OFFSET_OFFSET = 32;
    public static final int REPLID_OFFSET = 40;
    public static final int REPLID_LENGTH = 40;
    public static final int CRC_OFFSET = 80;
    public static final int FLAGS_OFFSET = 84;
    public static final int CLASS_COUNT_OFFSET = 88;
    public static final int OVERFLOW_BLOCK_SIZE_OFFSET = 92;
    public static final int TABLE_LENGTH_OFFSET = 96;
    public static final int INDEX_OFFSET_OFFSET = 104;
    public static final int INDEX_BUCKET_COUNT_OFFSET = 112;
    public static final int OVERFLOW_OFFSET_OFFSET = 120;
    public static final int OVERFLOW_BLOCK_COUNT_OFFSET = 128;
    /** u64: no overflow block at or past this one was ever written (a pull reads the area up to here). */
    public static final int OVERFLOW_WRITTEN_OFFSET = 136;
    public static final int RESERVED_OFFSET = 144;
    public static final int CLASS_TABLE_OFFSET = 192;

    public static final int CLASS_ENTRY_LENGTH = 24;
    public static final int CLASS_SLOT_SIZE_OFFSET = 0;
    /**
     * u32: no slot of the class at or past this index was ever written, so a pull reads the
     * slots below it only; {@link #WRITTEN_ALL} when the index does not fit (read every slot).
     */
    public static final int CLASS_SLOTS_WRITTEN_OFFSET = 4;
    public static final long WRITTEN_ALL = 0xFFFF_FFFFL;
    public static final int CLASS_SLOT_COUNT_OFFSET = 8;
    public static final int CLASS_BASE_OFFSET = 16;

    public static final int CRC_PREFIX_LENGTH = CRC_OFFSET;
    public static final int CRC_RESUME_OFFSET = CRC_OFFSET + 4;

    /** Up to 128 classes: the index entry's class field has 7 bits. */
    public static final int MAX_CLASSES = 128;
    public static final int HEADER_LENGTH = 4096;
    public static final int REGION_ALIGNMENT = 64;

    /** "RKVTABLE" as bytes 0..7, read as a little-endian long. */
    public static final long MAGIC = 0x454C4241_54564B52L;
    /** 2: the written bounds (version 1 had zeros in their place). */
    public static final int LAYOUT_VERSION = 2;

    /** Flag: the writer moved to a new region (a new epoch); readers must restart. */
    public static final int FLAG_RETIRED = 1;
    public static final int KNOWN_FLAGS = FLAG_RETIRED;

    /** The replication id before the first one is set: forty '0's, as Redis shows it. */
    public static final String NO_REPLID = "0".repeat(REPLID_LENGTH);

    private TableHeaderDescriptor() {
    }

    /** Header offset of class {@code classId}'s table entry. */
    public static int classEntryOffset(int classId) {
        return CLASS_TABLE_OFFSET + classId * CLASS_ENTRY_LENGTH;
    }

    /** End of the checksummed header bytes for {@code classCount} classes. */
    public static int checksummedEnd(int classCount) {
        return classEntryOffset(classCount);
    }

    /** The magic's bytes, for implementations that compare bytes. */
    public static byte[] magicBytes() {
        return "RKVTABLE".getBytes(StandardCharsets.US_ASCII);
    }
}
