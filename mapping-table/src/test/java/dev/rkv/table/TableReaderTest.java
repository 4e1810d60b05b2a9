package dev.rkv.table;

import dev.rkv.table.layout.ExtentStatus;
import dev.rkv.table.layout.LayoutBuffers;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;
import dev.rkv.table.layout.TableHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.rkv.table.TableFixtures.REPLID;
import static dev.rkv.table.TableFixtures.ascii;
import static dev.rkv.table.TableFixtures.pull;
import static dev.rkv.table.TableFixtures.readerOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableReaderTest {

    private final TableGeometry g = TableGeometry.of(new int[] {64, 96}, new long[] {5, 5}, 4, 50);
    private final ByteBuffer region = ByteBuffer.allocateDirect((int) g.tableLength());
    private final TableWriter w = TableWriter.format(region, g, 1, REPLID, 0);

    @Test
    void decodeRangeVisitsExactlyTheWholeSlotsInsideTheRange() {
        for (int i = 0; i < 5; i++) {
            w.put(ascii("a" + i), new byte[1], 0, i + 1);
            w.put(ascii("b" + i), new byte[40], 0, i + 10);
        }
        TableReader reader = new TableReader(g);
        ByteBuffer whole = pull(region, g.tableLength());
        long from = g.slotAddress(0, 2) + 3;
        long to = g.slotAddress(1, 2) + 10;
        ByteBuffer copy = ByteBuffer.allocate((int) (to - from));
        copy.put(0, whole, (int) from, copy.capacity());
        List<String> seen = new ArrayList<>();
        int retry = reader.decodeRange(copy, from, (c, i, status, view) -> seen.add(c + ":" + i + ":" + status));
        assertEquals(0, retry);
        assertEquals(List.of("0:3:OK", "0:4:OK", "1:0:OK", "1:1:OK"), seen, "partial slots at both edges are skipped");
        seen.clear();
        reader.decodeRange(whole, 0, (c, i, status, view) -> seen.add(c + ":" + i));
        assertEquals(10, seen.size(), "the whole table: header, index and overflow are not slots");
    }

    @Test
    void decodeRangeCountsTornAndCorruptSlotsToReadAgain() {
        w.put(ascii("x"), new byte[1], 0, 1);
        w.put(ascii("y"), new byte[1], 0, 2);
        ByteBuffer whole = pull(region, g.tableLength());
        int first = (int) g.slotAddress(0, 0);
        int second = (int) g.slotAddress(0, 1);
        LayoutBuffers.putLong(whole, first, LayoutBuffers.getLong(whole, first) + 1);
        whole.put(second + SlotDescriptor.KEY_OFFSET, (byte) 'z');
        List<SlotStatus> statuses = new ArrayList<>();
        assertEquals(2, new TableReader(g).decodeRange(whole, 0, (c, i, status, view) -> statuses.add(status)));
        assertEquals(List.of(SlotStatus.TORN, SlotStatus.CORRUPT, SlotStatus.EMPTY, SlotStatus.EMPTY, SlotStatus.EMPTY,
                SlotStatus.EMPTY, SlotStatus.EMPTY, SlotStatus.EMPTY, SlotStatus.EMPTY, SlotStatus.EMPTY), statuses);
    }

    @Test
    void overflowExtentsVerifyAgainstTheSlotAndReportStaleCorruptAndIncomplete() {
        byte[] big = new byte[500];
        big[499] = 7;
        w.put(ascii("big"), big, 0, 1);
        TableReader reader = new TableReader(g);
        ByteBuffer whole = pull(region, g.tableLength());
        SlotView view = new SlotView();
        assertEquals(SlotStatus.OK, reader.decodeSlot(whole, (int) g.slotAddress(0, 0), 0, view));
        assertTrue(view.isOverflow());
        assertEquals(ExtentStatus.OK, reader.verifyExtent(whole, 0, view));
        assertEquals(7, whole.get(reader.extentValueIndex(0, view) + 499));
        ByteBuffer overflowOnly = ByteBuffer.allocate((int) g.overflowLength());
        overflowOnly.put(0, whole, (int) g.overflowOffset(), overflowOnly.capacity());
        assertEquals(ExtentStatus.OK, reader.verifyExtent(overflowOnly, g.overflowOffset(), view), "a copy of just the overflow area");
        assertEquals(ExtentStatus.INCOMPLETE, reader.verifyExtent(ByteBuffer.allocate(100), g.overflowOffset(), view));
        assertEquals(ExtentStatus.INCOMPLETE, reader.verifyExtent(overflowOnly, g.overflowOffset() + 64, view));

        w.put(ascii("big"), new byte[600], 0, 2);
        w.delete(ascii("big"), 3);
        w.put(ascii("other"), new byte[500], 0, 4);
        ByteBuffer later = pull(region, g.tableLength());
        assertEquals(ExtentStatus.STALE, reader.verifyExtent(later, 0, view), "the old slot copy names a reused extent");

        long[] extentOfOther = {-1};
        reader.decodeRange(later, 0, (c, i, status, v) -> {
            if (status == SlotStatus.OK && v.isOverflow()) {
                extentOfOther[0] = reader.extentAddress(v);
            }
        });
        int extent = (int) extentOfOther[0];
        ByteBuffer damaged = pull(region, g.tableLength());
        damaged.put(extent + OverflowDescriptor.DATA_OFFSET + 10, (byte) 1);
        int[] checked = {0};
        reader.decodeRange(damaged, 0, (c, i, status, v) -> {
            if (status == SlotStatus.OK && v.isOverflow()) {
                assertEquals(ExtentStatus.CORRUPT, reader.verifyExtent(damaged, 0, v));
                checked[0]++;
            }
        });
        assertEquals(1, checked[0]);
    }

    @Test
    void lookupReportsUnstableWhenASlotStaysTorn() {
        w.put(ascii("k"), new byte[3], 0, 1);
        ByteBuffer broken = pull(region, g.tableLength());
        int slot = (int) g.slotAddress(0, 0);
        LayoutBuffers.putLong(broken, slot, 3);
        int[] reads = {0};
        RegionReader counting = (offset, length) -> {
            reads[0]++;
            return readerOf(broken).read(offset, length);
        };
        Lookup l = new TableReader(g).lookup(ascii("k"), counting, 3);
        assertEquals(Lookup.Status.UNSTABLE, l.status());
        assertEquals(1 + 3, reads[0], "one bucket read and three slot attempts");
        reads[0] = 0;
        assertEquals(Lookup.Status.FOUND, new TableReader(g).lookup(ascii("k"), (o, n) -> {
            reads[0]++;
            return readerOf(region).read(o, n);
        }, 3).status());
        assertEquals(2, reads[0], "two READs: bucket, then slot");
        assertEquals(g.bucketAddress(IndexHome.of(ascii("k"), g)), new TableReader(g).homeBucketAddress(ascii("k")));
    }

    @Test
    void headersWithOffsetsOtherThanTheComputedOnesOrAnotherLayoutAreRefused() {
        ByteBuffer copy = pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        HeaderCodec codec = new HeaderCodec();
        LayoutBuffers.putLong(copy, TableHeaderDescriptor.classEntryOffset(1) + TableHeaderDescriptor.CLASS_BASE_OFFSET, 12345);
        codec.update(copy, 0, REPLID, 0, 0);
        HeaderRead read = TableReader.readHeader(copy);
        assertEquals(HeaderStatus.INVALID, read.status());
        assertEquals("base of class 1 must be " + g.classOffset(1) + " as the layout computes it, was 12345", read.detail());

        copy = pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        for (int other : new int[] {1, 3}) {
            // Version 1 had no written bounds (zeros in their place): reading it as 2 would pull nothing.
            LayoutBuffers.putInt(copy, TableHeaderDescriptor.LAYOUT_VERSION_OFFSET, other);
            codec.update(copy, 0, REPLID, 0, 0);
            assertEquals(HeaderStatus.UNSUPPORTED_VERSION, TableReader.readHeader(copy).status(), "layout " + other);
        }

        copy = pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        codec.update(copy, 0, REPLID, 0, 4);
        assertEquals(HeaderStatus.UNSUPPORTED_VERSION, TableReader.readHeader(copy).status(), "unknown flag");

        copy = pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        LayoutBuffers.putInt(copy, TableHeaderDescriptor.classEntryOffset(0), 65);
        codec.update(copy, 0, REPLID, 0, 0);
        HeaderRead bad = TableReader.readHeader(copy);
        assertEquals(HeaderStatus.INVALID, bad.status());
        assertEquals("slot size of class 0 must be a multiple of 8, was 65", bad.detail());

        copy = pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        LayoutBuffers.putInt(copy, TableHeaderDescriptor.CLASS_COUNT_OFFSET, 500);
        assertEquals(HeaderStatus.CORRUPT, TableReader.readHeader(copy).status());
    }

    /** The home bucket, computed from the README's rule rather than the code's helper. */
    private static final class IndexHome {
        static long of(byte[] key, TableGeometry g) {
            return KeyHash.hash(key) & (g.indexBucketCount() - 1);
        }
    }
}
