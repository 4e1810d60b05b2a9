package dev.rkv.table.layout;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins every layout constant: changing one is a layout version change, not a refactor. */
class DescriptorTest {

    @Test
    void slotLayoutIsPinned() {
        assertEquals(0, SlotDescriptor.VERSION_OFFSET);
        assertEquals(8, SlotDescriptor.LSN_OFFSET);
        assertEquals(16, SlotDescriptor.EXPIRE_AT_OFFSET);
        assertEquals(24, SlotDescriptor.CRC_OFFSET);
        assertEquals(28, SlotDescriptor.KEY_LENGTH_OFFSET);
        assertEquals(30, SlotDescriptor.TYPE_OFFSET);
        assertEquals(31, SlotDescriptor.FLAGS_OFFSET);
        assertEquals(32, SlotDescriptor.VALUE_LENGTH_OFFSET);
        assertEquals(36, SlotDescriptor.KEY_OFFSET);
        assertEquals(36, SlotDescriptor.HEADER_LENGTH);
        assertEquals(24, SlotDescriptor.CRC_PREFIX_LENGTH);
        assertEquals(28, SlotDescriptor.CRC_RESUME_OFFSET);
        assertEquals(8, SlotDescriptor.SLOT_ALIGNMENT);
        assertEquals(40, SlotDescriptor.MIN_SLOT_SIZE);
        assertEquals(1 << 20, SlotDescriptor.MAX_SLOT_SIZE);
        assertEquals(65535, SlotDescriptor.MAX_KEY_LENGTH);
        assertEquals(16, SlotDescriptor.OVERFLOW_REF_LENGTH);
        assertEquals(0, SlotDescriptor.OVERFLOW_REF_BLOCK_OFFSET);
        assertEquals(8, SlotDescriptor.OVERFLOW_REF_VERSION_OFFSET);
        assertEquals(0, SlotDescriptor.TYPE_EMPTY);
        assertEquals(1, SlotDescriptor.TYPE_STRING);
        assertEquals(2, SlotDescriptor.TYPE_SERIALIZED);
        assertEquals(1, SlotDescriptor.FLAG_OVERFLOW);
        assertEquals(0, SlotDescriptor.NO_EXPIRY);
        assertEquals(0, SlotDescriptor.MIN_SLOT_SIZE % SlotDescriptor.SLOT_ALIGNMENT);
        assertEquals(0, SlotDescriptor.VERSION_OFFSET % 8, "version word must be 8-byte aligned for atomic access");
    }

    @Test
    void overflowLayoutIsPinned() {
        assertEquals(0, OverflowDescriptor.VERSION_OFFSET);
        assertEquals(8, OverflowDescriptor.LENGTH_OFFSET);
        assertEquals(12, OverflowDescriptor.CRC_OFFSET);
        assertEquals(16, OverflowDescriptor.DATA_OFFSET);
        assertEquals(16, OverflowDescriptor.HEADER_LENGTH);
        assertEquals(64, OverflowDescriptor.BLOCK_SIZE);
        assertEquals(1, OverflowDescriptor.blocksFor(0));
        assertEquals(1, OverflowDescriptor.blocksFor(48));
        assertEquals(2, OverflowDescriptor.blocksFor(49));
        assertEquals(128, OverflowDescriptor.extentLength(112));
    }

    @Test
    void indexLayoutIsPinned() {
        assertEquals(64, IndexDescriptor.BUCKET_SIZE);
        assertEquals(0, IndexDescriptor.OVERFLOW_COUNT_OFFSET);
        assertEquals(8, IndexDescriptor.FIRST_ENTRY_OFFSET);
        assertEquals(8, IndexDescriptor.ENTRY_SIZE);
        assertEquals(7, IndexDescriptor.ENTRIES_PER_BUCKET);
        assertEquals(IndexDescriptor.BUCKET_SIZE,
                IndexDescriptor.FIRST_ENTRY_OFFSET + IndexDescriptor.ENTRIES_PER_BUCKET * IndexDescriptor.ENTRY_SIZE);
        assertEquals(48, IndexDescriptor.TAG_SHIFT);
        assertEquals(41, IndexDescriptor.CLASS_SHIFT);
        assertEquals(1L << 40, IndexDescriptor.OCCUPIED_BIT);
        assertEquals((1L << 40) - 1, IndexDescriptor.MAX_SLOT_INDEX);
        assertEquals(8 + 3 * 8 + 5 * 64, IndexDescriptor.entryOffset(5, 3));
        assertEquals(5 * 64, IndexDescriptor.overflowCountOffset(5));
    }

    @Test
    void indexEntryPacksAndUnpacksAtEveryFieldLimit() {
        long[] indexes = {0, 1, IndexDescriptor.MAX_SLOT_INDEX};
        int[] tags = {0, 1, 0xFFFF};
        int[] classes = {0, 1, 127};
        for (long i : indexes) {
            for (int t : tags) {
                for (int c : classes) {
                    long e = IndexDescriptor.packEntry(t, c, i);
                    assertTrue(IndexDescriptor.isOccupied(e));
                    assertEquals(t, IndexDescriptor.tag(e));
                    assertEquals(c, IndexDescriptor.classId(e));
                    assertEquals(i, IndexDescriptor.slotIndex(e));
                }
            }
        }
        assertEquals(0xABCDL << 48 | 5L << 41 | 1L << 40 | 77, IndexDescriptor.packEntry(0xABCD, 5, 77));
    }

    @Test
    void headerLayoutIsPinned() {
        assertEquals(0, TableHeaderDescriptor.MAGIC_OFFSET);
        assertEquals(8, TableHeaderDescriptor.VERSION_OFFSET);
        assertEquals(16, TableHeaderDescriptor.LAYOUT_VERSION_OFFSET);
        assertEquals(20, TableHeaderDescriptor.HEADER_LENGTH_OFFSET);
        assertEquals(24, TableHeaderDescriptor.EPOCH_OFFSET);
        assertEquals(32, TableHeaderDescriptor.REPLICATION_OFFSET_OFFSET);
        assertEquals(40, TableHeaderDescriptor.REPLID_OFFSET);
        assertEquals(40, TableHeaderDescriptor.REPLID_LENGTH);
        assertEquals(80, TableHeaderDescriptor.CRC_OFFSET);
        assertEquals(84, TableHeaderDescriptor.FLAGS_OFFSET);
        assertEquals(88, TableHeaderDescriptor.CLASS_COUNT_OFFSET);
        assertEquals(92, TableHeaderDescriptor.OVERFLOW_BLOCK_SIZE_OFFSET);
        assertEquals(96, TableHeaderDescriptor.TABLE_LENGTH_OFFSET);
        assertEquals(104, TableHeaderDescriptor.INDEX_OFFSET_OFFSET);
        assertEquals(112, TableHeaderDescriptor.INDEX_BUCKET_COUNT_OFFSET);
        assertEquals(120, TableHeaderDescriptor.OVERFLOW_OFFSET_OFFSET);
        assertEquals(128, TableHeaderDescriptor.OVERFLOW_BLOCK_COUNT_OFFSET);
        assertEquals(136, TableHeaderDescriptor.OVERFLOW_WRITTEN_OFFSET);
        assertEquals(144, TableHeaderDescriptor.RESERVED_OFFSET);
        assertEquals(4, TableHeaderDescriptor.CLASS_SLOTS_WRITTEN_OFFSET);
        assertEquals(192, TableHeaderDescriptor.CLASS_TABLE_OFFSET);
        assertEquals(24, TableHeaderDescriptor.CLASS_ENTRY_LENGTH);
        assertEquals(0, TableHeaderDescriptor.CLASS_SLOT_SIZE_OFFSET);
        assertEquals(8, TableHeaderDescriptor.CLASS_SLOT_COUNT_OFFSET);
        assertEquals(16, TableHeaderDescriptor.CLASS_BASE_OFFSET);
        assertEquals(128, TableHeaderDescriptor.MAX_CLASSES);
        assertEquals(4096, TableHeaderDescriptor.HEADER_LENGTH);
        assertEquals(64, TableHeaderDescriptor.REGION_ALIGNMENT);
        assertEquals(2, TableHeaderDescriptor.LAYOUT_VERSION);
        assertEquals(1, TableHeaderDescriptor.FLAG_RETIRED);
        assertTrue(TableHeaderDescriptor.checksummedEnd(TableHeaderDescriptor.MAX_CLASSES) <= TableHeaderDescriptor.HEADER_LENGTH,
                "the class table of the most classes fits the header");
        assertEquals(0, TableHeaderDescriptor.HEADER_LENGTH % TableHeaderDescriptor.REGION_ALIGNMENT);
        assertEquals(IndexDescriptor.CLASS_MASK + 1, TableHeaderDescriptor.MAX_CLASSES, "class ids fit the index entry");
    }

    @Test
    void magicIsTheAsciiBytesRkvtableReadLittleEndian() {
        byte[] bytes = "RKVTABLE".getBytes(StandardCharsets.US_ASCII);
        long little = 0;
        for (int i = 7; i >= 0; i--) {
            little = little << 8 | (bytes[i] & 0xFF);
        }
        assertEquals(little, TableHeaderDescriptor.MAGIC);
        assertArrayEquals(bytes, TableHeaderDescriptor.magicBytes());
    }
}
