package dev.rkv.table;

import dev.rkv.table.layout.ExtentStatus;
import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rkv.table.TableFixtures.REPLID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer keeps putting (inline and overflow, moving keys between classes) and deleting
 * while a reader pulls plain copies of the region and looks keys up through the index. Each
 * value follows from its key and LSN, so whatever the reader accepts can be checked.
 */
class ConcurrentTableTest {

    private static final int KEYS = 40;

    static byte[] key(int i) {
        return ("ckey:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] valueFor(byte[] key, long lsn) {
        Random r = new Random(lsn * 31 + Arrays.hashCode(key));
        int length = r.nextInt(4) == 0 ? 300 + r.nextInt(900) : r.nextInt(200);
        byte[] v = new byte[length];
        r.nextBytes(v);
        return v;
    }

    @Test
    void pullsAndLookupsDuringWritesOnlyEverAcceptRecordsTheWriterWrote() throws Exception {
        TableGeometry g = TableGeometry.of(new int[] {64, 128, 256}, new long[] {KEYS, KEYS, KEYS}, 16, 2000);
        ByteBuffer region = ByteBuffer.allocateDirect((int) g.tableLength());
        TableWriter w = TableWriter.format(region, g, 1, REPLID, 0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random random = new Random(11);
            try {
                for (long lsn = 1; !done.get(); lsn++) {
                    byte[] k = key(random.nextInt(KEYS));
                    PutStatus s = random.nextInt(5) == 0 ? w.delete(k, lsn) : w.put(k, valueFor(k, lsn), lsn, lsn);
                    if (s != PutStatus.OK && s != PutStatus.NOT_FOUND) {
                        throw new AssertionError("write " + lsn + ": " + s);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "table-writer");
        writer.start();
        TableReader reader = new TableReader(g);
        ByteBuffer live = region.duplicate();
        ByteBuffer copy = ByteBuffer.allocate((int) g.tableLength());
        int[] slots = new int[SlotStatus.values().length];
        int[] extents = new int[ExtentStatus.values().length];
        int[] lookups = new int[Lookup.Status.values().length];
        try {
            for (int round = 0; round < 400 && failure.get() == null; round++) {
                copy.put(0, live, 0, copy.capacity());
                reader.decodeRange(copy, 0, (c, i, status, view) -> {
                    slots[status.ordinal()]++;
                    if (status == SlotStatus.OK) {
                        checkRecord(reader, copy, view, extents);
                    }
                });
                for (int i = 0; i < KEYS; i++) {
                    Lookup l = reader.lookup(key(i), TableFixtures.readerOf(live), 4);
                    lookups[l.status().ordinal()]++;
                    if (l.found()) {
                        assertArrayEquals(valueFor(key(i), l.lsn()), l.value(), "lookup of key " + i + " at lsn " + l.lsn());
                        assertEquals(l.lsn(), l.expireAtMs());
                    }
                }
            }
        } finally {
            done.set(true);
            writer.join();
        }
        assertNull(failure.get());
        System.out.println("slots " + Arrays.toString(slots) + ", extents " + Arrays.toString(extents) + ", lookups "
                + Arrays.toString(lookups));
        assertTrue(slots[SlotStatus.OK.ordinal()] > 0);
        assertTrue(lookups[Lookup.Status.FOUND.ordinal()] > 0);
    }

    @Test
    void aKeyThatExistsThroughoutIsNeverReportedMissingWhileItMovesBetweenClasses() throws Exception {
        TableGeometry g = TableGeometry.of(new int[] {64, 128, 256, 512}, new long[] {8, 8, 8, 8}, 4, 0);
        ByteBuffer region = ByteBuffer.allocateDirect((int) g.tableLength());
        TableWriter w = TableWriter.format(region, g, 1, REPLID, 0);
        int keys = 6;
        for (int i = 0; i < keys; i++) {
            assertEquals(PutStatus.OK, w.put(key(i), new byte[1], 0, 1));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            int[] lengths = {1, 60, 150, 400, 20, 300};
            try {
                for (long lsn = 2; !done.get(); lsn++) {
                    byte[] k = key((int) (lsn % keys));
                    PutStatus s = w.put(k, new byte[lengths[(int) (lsn / keys % lengths.length)]], 0, lsn);
                    if (s != PutStatus.OK) {
                        throw new AssertionError("write " + lsn + ": " + s);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "moving-writer");
        writer.start();
        TableReader reader = new TableReader(g);
        ByteBuffer live = region.duplicate();
        int[] lookups = new int[Lookup.Status.values().length];
        try {
            for (int round = 0; round < 20_000 && failure.get() == null; round++) {
                Lookup l = reader.lookup(key(round % keys), TableFixtures.readerOf(live), 8);
                lookups[l.status().ordinal()]++;
            }
        } finally {
            done.set(true);
            writer.join();
        }
        assertNull(failure.get());
        System.out.println("lookups of always-present keys " + Arrays.toString(Lookup.Status.values()) + " = " + Arrays.toString(lookups));
        assertEquals(0, lookups[Lookup.Status.NOT_FOUND.ordinal()]);
    }

    @Test
    void aKeyThatMovesAwayAndBackIntoTheSameSlotDuringALookupIsStillFound() {
        // One slot per class: a key that moves to the big class and back lands in the very slot
        // (and index entry) it left, so the entry reads the same before and after (ABA).
        TableGeometry g = TableGeometry.of(new int[] {64, 512}, new long[] {1, 1}, 4, 0);
        ByteBuffer region = ByteBuffer.allocateDirect((int) g.tableLength());
        TableWriter w = TableWriter.format(region, g, 1, REPLID, 0);
        byte[] k = key(0);
        assertEquals(PutStatus.OK, w.put(k, new byte[] {1}, 0, 1));
        long slotOffset = g.slotAddress(0, 0);
        RegionReader racing = new RegionReader() {
            private boolean raced;

            @Override
            public ByteBuffer read(long offset, int length) {
                boolean race = offset == slotOffset && !raced;
                if (race) {
                    raced = true;
                    assertEquals(PutStatus.OK, w.put(k, new byte[300], 0, 2));
                }
                ByteBuffer copy = TableFixtures.readerOf(region).read(offset, length);
                if (race) {
                    assertEquals(PutStatus.OK, w.put(k, new byte[] {3}, 0, 3));
                }
                return copy;
            }
        };
        Lookup l = new TableReader(g).lookup(k, racing, 4);
        assertEquals(Lookup.Status.FOUND, l.status());
        assertArrayEquals(new byte[] {3}, l.value());
        assertEquals(3, l.lsn());
    }

    private static void checkRecord(TableReader reader, ByteBuffer copy, SlotView view, int[] extents) {
        byte[] k = view.key();
        assertEquals(view.lsn(), view.expireAtMs());
        byte[] expected = valueFor(k, view.lsn());
        assertEquals(expected.length, view.valueLength());
        if (!view.isOverflow()) {
            assertArrayEquals(expected, view.value());
            return;
        }
        ExtentStatus s = reader.verifyExtent(copy, 0, view);
        extents[s.ordinal()]++;
        if (s == ExtentStatus.OK) {
            byte[] value = new byte[view.valueLength()];
            copy.get(reader.extentValueIndex(0, view), value);
            assertArrayEquals(expected, value);
        }
    }
}
