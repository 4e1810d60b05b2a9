package dev.rkv.table;

import dev.rkv.table.layout.IndexDescriptor;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.TableHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableGeometryTest {

    private static final int[] SIZES = {64, 128, 200};

    @Test
    void regionsFollowTheHeaderInOrderEach64ByteAligned() {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {3, 0, 5}, 4, 10);
        assertEquals(4096, g.indexOffset());
        assertEquals(4 * 64, g.indexLength());
        assertEquals(4096 + 256, g.classOffset(0));
        assertEquals(4096 + 256 + 192, g.classOffset(1));
        assertEquals(g.classOffset(1), g.classOffset(2), "an empty class takes no bytes");
        assertEquals(LayoutAlign.up(g.classOffset(2) + 1000), g.overflowOffset());
        assertEquals(g.overflowOffset() + 640, g.tableLength());
        for (int c = 0; c < g.classCount(); c++) {
            assertEquals(0, g.classOffset(c) % TableHeaderDescriptor.REGION_ALIGNMENT);
        }
        assertEquals(0, g.overflowOffset() % TableHeaderDescriptor.REGION_ALIGNMENT);
    }

    @Test
    void slotAddressIsClassBasePlusIndexTimesSlotSize() {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {3, 7, 5}, 4, 0);
        for (int c = 0; c < g.classCount(); c++) {
            for (long i = 0; i < g.slotCount(c); i++) {
                assertEquals(g.classOffset(c) + i * SIZES[c], g.slotAddress(c, i));
                assertEquals(0, g.slotAddress(c, i) % 8);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> g.slotAddress(0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> g.slotAddress(0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> g.slotAddress(3, 0));
        assertEquals(4096 + 3 * 64, g.bucketAddress(3));
        assertThrows(IndexOutOfBoundsException.class, () -> g.bucketAddress(4));
    }

    @Test
    void classForPicksTheSmallestHoldingClassAtEveryBoundary() {
        TableGeometry g = TableGeometry.of(SIZES, new long[3], 1, 0);
        int cap0 = 64 - SlotDescriptor.HEADER_LENGTH;
        assertEquals(0, g.classFor(0, 0));
        assertEquals(0, g.classFor(0, cap0));
        assertEquals(0, g.classFor(cap0, 0));
        assertEquals(1, g.classFor(0, cap0 + 1));
        assertEquals(1, g.classFor(10, 128 - 36 - 10));
        assertEquals(2, g.classFor(10, 128 - 36 - 9));
        assertTrue(g.isInline(10, 200 - 36 - 10));
        assertFalse(g.isInline(10, 200 - 36 - 9));
        assertEquals(0, g.classFor(10, 200 - 36 - 9), "overflow: key plus 16-byte reference fits the first class");
        assertEquals(2, g.classFor(200 - 36 - 16, 1 << 20));
        assertEquals(-1, g.classFor(200 - 36 - 15, 1 << 20));
    }

    @Test
    void defaultSlotSizesAre8PerDoublingUpToTheLongestKeyWithAReference() {
        int[] sizes = TableGeometry.defaultSlotSizes();
        assertEquals(64, sizes[0]);
        assertEquals(73728, sizes[sizes.length - 1]);
        assertEquals(82, sizes.length);
        for (int i = 1; i < sizes.length; i++) {
            assertEquals(0, sizes[i] % 8);
            assertTrue(sizes[i] <= sizes[i - 1] * 1.125 + 0.001, "spacing at most 12.5%: " + sizes[i - 1] + " -> " + sizes[i]);
        }
        TableGeometry g = TableGeometry.of(sizes, new long[sizes.length], 1, 0);
        assertTrue(g.classFor(SlotDescriptor.MAX_KEY_LENGTH, 1 << 29) >= 0, "the longest key fits with an overflow reference");
        assertEquals(1152, sizes[g.classFor(16, 1000)], "the benchmark record (16 + 1000 bytes) goes to 1152-byte slots");
    }

    @Test
    void validationNamesTheLimitAndTheValue() {
        assertMessage("class count must be between 1 and 128, was 0", () -> TableGeometry.of(new int[0], new long[0], 1, 0));
        assertMessage("class count must be between 1 and 128, was 129", () -> TableGeometry.of(new int[129], new long[129], 1, 0));
        assertMessage("slot counts must be given for each of the 1 classes, were 2", () -> TableGeometry.of(new int[] {64}, new long[2], 1, 0));
        assertMessage("slot size of class 0 must be between 40 and 1048576, was 32", () -> TableGeometry.of(new int[] {32}, new long[1], 1, 0));
        assertMessage("slot size of class 0 must be between 40 and 1048576, was 1048584",
                () -> TableGeometry.of(new int[] {(1 << 20) + 8}, new long[1], 1, 0));
        assertMessage("slot size of class 0 must be a multiple of 8, was 100", () -> TableGeometry.of(new int[] {100}, new long[1], 1, 0));
        assertMessage("slot size of class 1 must be greater than class 0's 64, was 64",
                () -> TableGeometry.of(new int[] {64, 64}, new long[2], 1, 0));
        assertMessage("slot count of class 0 must be between 0 and 1099511627776, was -1",
                () -> TableGeometry.of(new int[] {64}, new long[] {-1}, 1, 0));
        assertMessage("index bucket count must be a power of two between 1 and 68719476736, was 3",
                () -> TableGeometry.of(new int[] {64}, new long[1], 3, 0));
        assertMessage("index bucket count must be a power of two between 1 and 68719476736, was 0",
                () -> TableGeometry.of(new int[] {64}, new long[1], 0, 0));
        assertMessage("overflow block count must be between 0 and 1099511627776, was -1",
                () -> TableGeometry.of(new int[] {64}, new long[1], 1, -1));
        TableLayoutException tooLong = assertThrows(TableLayoutException.class,
                () -> TableGeometry.of(new int[] {1 << 19, 1 << 20}, new long[] {1L << 40, 1L << 40}, 1, 0));
        assertTrue(tooLong.getMessage().startsWith("table length must be at most 70368744177664 bytes"), tooLong.getMessage());
    }

    @Test
    void pullPlanCoversEveryClassInWholeSlotsAndTheOverflowArea() {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {10, 0, 7}, 4, 100);
        List<TableGeometry.PullRange> plan = g.pullPlan(450);
        long[] covered = new long[3];
        long overflow = 0;
        for (TableGeometry.PullRange r : plan) {
            assertTrue(r.length() <= 450);
            if (r.isOverflow()) {
                assertEquals(g.overflowOffset() + overflow, r.offset());
                overflow += r.length();
            } else {
                assertEquals(g.slotAddress(r.classId(), r.firstSlot()), r.offset());
                assertEquals(r.slotCount() * SIZES[r.classId()], r.length());
                assertEquals(covered[r.classId()], r.firstSlot());
                covered[r.classId()] += r.slotCount();
            }
        }
        assertArrayEquals(new long[] {10, 0, 7}, covered);
        assertEquals(100 * OverflowDescriptor.BLOCK_SIZE, overflow);
        assertEquals(1, TableGeometry.of(SIZES, new long[] {0, 0, 1}, 1, 0).pullPlan(8).size(), "a slot larger than the range size gets its own range");
    }

    @Test
    void boundedPullPlanStopsAtTheWrittenBoundsWithTheSameRangeStarts() {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {10, 4, 7}, 4, 100);
        List<TableGeometry.PullRange> full = g.pullPlan(450);
        List<TableGeometry.PullRange> bounded = g.pullPlan(450, new long[] {5, 0, 99}, 3);
        long[] covered = new long[3];
        long overflow = 0;
        for (TableGeometry.PullRange r : bounded) {
            if (r.isOverflow()) {
                overflow += r.length();
            } else {
                assertTrue(full.stream().anyMatch(f -> f.classId() == r.classId() && f.firstSlot() == r.firstSlot()),
                    "a bounded range starts where a full one does: " + r);
                covered[r.classId()] += r.slotCount();
            }
        }
        assertArrayEquals(new long[] {5, 0, 7}, covered, "bounds past a class's end read the whole class");
        assertEquals(3 * OverflowDescriptor.BLOCK_SIZE, overflow);
        assertThrows(TableLayoutException.class, () -> g.pullPlan(450, new long[] {1, 2}, 0));
    }

    @Test
    void derivedGeometriesChangeOnlyWhatTheyName() {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {1, 2, 3}, 4, 5);
        TableGeometry grown = g.withSlotCount(1, 20).withIndexBuckets(8).withOverflowBlocks(50);
        assertArrayEquals(new long[] {1, 20, 3}, grown.slotCounts());
        assertEquals(8, grown.indexBucketCount());
        assertEquals(50, grown.overflowBlockCount());
        assertEquals(g, TableGeometry.of(SIZES, new long[] {1, 2, 3}, 4, 5));
        assertEquals(g.hashCode(), TableGeometry.of(SIZES, new long[] {1, 2, 3}, 4, 5).hashCode());
        assertEquals(IndexDescriptor.ENTRIES_PER_BUCKET * 8L, grown.indexCapacity());
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable build) {
        assertEquals(message, assertThrows(TableLayoutException.class, build).getMessage());
    }

    /** 64-byte alignment, spelled out independently of the code under test. */
    private static final class LayoutAlign {
        static long up(long v) {
            return (v + 63) / 64 * 64;
        }
    }
}
