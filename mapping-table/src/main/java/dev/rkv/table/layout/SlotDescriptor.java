package dev.rkv.table.layout;

/**
 * Layout of one slot: a fixed-size cell of a slot class holding one key and its value (or a
 * reference to an overflow extent). All fields little-endian; slots are 8-byte aligned.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Version (seqlock: odd while written)          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            LSN (replication offset of the last write)         |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Expire at (unix ms, 0 = no expiry)                 | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           CRC32C                              | 24
 *  +-------------------------------+---------------+---------------+
 *  |          Key length           |     Type      |     Flags     | 28
 *  +-------------------------------+---------------+---------------+
 *  |                         Value length                          | 32
 *  +---------------------------------------------------------------+
 *  |  Key bytes (key length) ...                                   | 36
 *  +---------------------------------------------------------------+
 *  |  Value bytes (value length), or with FLAG_OVERFLOW the        |
 *  |  16-byte overflow reference:                                  |
 *  |    extent block index (8) | extent version (8)               |
 *  +---------------------------------------------------------------+
 *  |  unused up to the slot size (any bytes, not checksummed)      |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The CRC32C covers bytes {@code [0, 24)} (with the final, even version) followed by
 * {@code [28, 36 + key length + stored value length)}, where the stored value length is the
 * value length, or {@link #OVERFLOW_REF_LENGTH} with {@link #FLAG_OVERFLOW}. A slot whose 36
 * header bytes are all zero was never written and is empty (no CRC to check); version 0 with
 * any other header byte set is a first write caught in flight, to be read again.
 */
public final class SlotDescriptor {

    public static final int VERSION_OFFSET = 0;
    public static final int LSN_OFFSET = 8;
    public static final int EXPIRE_AT_OFFSET = 16;
    public static final int CRC_OFFSET = 24;
    public static final int KEY_LENGTH_OFFSET = 28;
    public static final int TYPE_OFFSET = 30;
    public static final int FLAGS_OFFSET = 31;
    public static final int VALUE_LENGTH_OFFSET = 32;
    /** Where the key starts; the fixed slot header's length. */
    public static final int KEY_OFFSET = 36;
    public static final int HEADER_LENGTH = KEY_OFFSET;

    /** Bytes covered by the CRC before the CRC field: version, LSN, expiry. */
    public static final int CRC_PREFIX_LENGTH = CRC_OFFSET;
    /** Where the checksummed bytes resume after the CRC field. */
    public static final int CRC_RESUME_OFFSET = CRC_OFFSET + 4;

    /** Slot sizes are multiples of this, so every slot (and its version word) is 8-byte aligned. */
    public static final int SLOT_ALIGNMENT = 8;
    /** Smallest slot: the header plus an empty key and a 4-byte value. */
    public static final int MIN_SLOT_SIZE = 40;
    /** Largest slot: 1 MiB. Larger values go to overflow extents. */
    public static final int MAX_SLOT_SIZE = 1 << 20;
    /** The key length is an unsigned 16-bit field. */
    public static final int MAX_KEY_LENGTH = 0xFFFF;
    /** Value lengths are non-negative 32-bit; Redis caps strings at 512 MiB. */
    public static final int MAX_VALUE_LENGTH = Integer.MAX_VALUE;

    /** The overflow reference stored in place of the value with {@link #FLAG_OVERFLOW}. */
    public static final int OVERFLOW_REF_LENGTH = 16;
    public static final int OVERFLOW_REF_BLOCK_OFFSET = 0;
    public static final int OVERFLOW_REF_VERSION_OFFSET = 8;

    /** Type 0: the slot holds no key (never written, or deleted). */
    public static final byte TYPE_EMPTY = 0;
    /** A Redis string: the value bytes are the string. */
    public static final byte TYPE_STRING = 1;
    /** Any other Redis type: the value bytes are its DUMP (RDB) serialization. */
    public static final byte TYPE_SERIALIZED = 2;
    /** Highest type this layout version defines. */
    public static final byte MAX_TYPE = TYPE_SERIALIZED;

    /** The value lives in an overflow extent; the slot holds the reference. */
    public static final byte FLAG_OVERFLOW = 1;
    /** Flags this layout version defines; any other bit set means corrupt. */
    public static final byte KNOWN_FLAGS = FLAG_OVERFLOW;

    /** Expire-at value meaning "no expiry". */
    public static final long NO_EXPIRY = 0;

    private SlotDescriptor() {
    }

    /** Bytes a slot needs for an inline key and value. */
    public static long inlineLength(int keyLength, long valueLength) {
        return HEADER_LENGTH + (long) keyLength + valueLength;
    }

    /** Bytes a slot needs for a key whose value is in an overflow extent. */
    public static long overflowLength(int keyLength) {
        return HEADER_LENGTH + (long) keyLength + OVERFLOW_REF_LENGTH;
    }

    /** Payload bytes (key plus stored value) a slot of {@code slotSize} holds. */
    public static int payloadCapacity(int slotSize) {
        return slotSize - HEADER_LENGTH;
    }
}
