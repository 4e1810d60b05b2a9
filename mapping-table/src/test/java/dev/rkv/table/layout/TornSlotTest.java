package dev.rkv.table.layout;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer thread rewrites slots and extents as fast as it can while a reader copies and
 * decodes them, both under the seqlock ({@link SlotCodec#copyStable}) and as one plain pass
 * (what an RDMA READ delivers, checked by the CRC alone). Every record is derived from its
 * LSN, so the reader can tell a consistent record from a torn one it wrongly accepted: it
 * must never accept one. Counts, not time, bound the test.
 */
class TornSlotTest {

    private static final int SLOT_SIZE = 512;
    private static final int SLOTS = 4;
    private static final int READS = 200_000;

    /** The record the writer stores at {@code lsn}: key, value and expiry all follow from it. */
    static byte[] keyFor(long lsn) {
        return ("key-" + (lsn % 13)).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] valueFor(long lsn, int max) {
        Random r = new Random(lsn);
        byte[] v = new byte[r.nextInt(max + 1)];
        r.nextBytes(v);
        return v;
    }

    static long expiryFor(long lsn) {
        return lsn * 3 + 1;
    }

    @Test
    void aReaderNeverAcceptsATornSlotUnderTheSeqlockNorFromAPlainCopy() throws Exception {
        ByteBuffer region = ByteBuffer.allocateDirect(SLOT_SIZE * SLOTS);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            SlotCodec codec = new SlotCodec();
            ByteBuffer own = region.duplicate();
            long lsn = 1;
            try {
                while (!done.get()) {
                    int slot = (int) (lsn % SLOTS) * SLOT_SIZE;
                    byte[] key = keyFor(lsn);
                    if (lsn % 17 == 0) {
                        codec.writeEmpty(own, slot, lsn);
                    } else {
                        codec.writeInline(own, slot, SLOT_SIZE, SlotDescriptor.TYPE_STRING, key,
                                valueFor(lsn, SLOT_SIZE - SlotDescriptor.HEADER_LENGTH - key.length), expiryFor(lsn), lsn);
                    }
                    lsn++;
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "torn-slot-writer");
        writer.start();
        SlotCodec codec = new SlotCodec();
        SlotView view = new SlotView();
        ByteBuffer live = region.duplicate();
        ByteBuffer copy = ByteBuffer.allocateDirect(SLOT_SIZE);
        int[] stable = new int[SlotStatus.values().length];
        int[] plain = new int[SlotStatus.values().length];
        try {
            for (int i = 0; i < READS; i++) {
                int slot = (i % SLOTS) * SLOT_SIZE;
                SlotStatus s = codec.readStable(live, slot, SLOT_SIZE, copy, 0, view);
                stable[s.ordinal()]++;
                if (s == SlotStatus.OK) {
                    assertConsistent(view);
                }
                copy.put(0, live, slot, SLOT_SIZE);
                SlotStatus p = codec.decode(copy, 0, SLOT_SIZE, view);
                plain[p.ordinal()]++;
                if (p == SlotStatus.OK) {
                    assertConsistent(view);
                }
            }
        } finally {
            done.set(true);
            writer.join();
        }
        assertNull(failure.get());
        System.out.println("seqlock copies " + Arrays.toString(SlotStatus.values()) + " = " + Arrays.toString(stable) + "; plain copies = "
                + Arrays.toString(plain));
        assertTrue(stable[SlotStatus.OK.ordinal()] > 0, "some stable copies decode");
        assertEquals(0, stable[SlotStatus.CORRUPT.ordinal()], "a stable copy is never corrupt");
    }

    @Test
    void aReaderNeverAcceptsATornOverflowExtent() throws Exception {
        int extentLength = 8192;
        ByteBuffer region = ByteBuffer.allocateDirect(extentLength);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<long[]> published = new AtomicReference<>(new long[] {0, 0});
        Thread writer = new Thread(() -> {
            OverflowCodec codec = new OverflowCodec();
            ByteBuffer own = region.duplicate();
            for (long lsn = 1; !done.get(); lsn++) {
                byte[] value = valueFor(lsn, extentLength - OverflowDescriptor.HEADER_LENGTH);
                codec.write(own, 0, value, lsn * 2);
                published.set(new long[] {lsn * 2, value.length});
            }
        }, "torn-extent-writer");
        writer.start();
        OverflowCodec codec = new OverflowCodec();
        ByteBuffer copy = ByteBuffer.allocate(extentLength);
        int[] counts = new int[ExtentStatus.values().length];
        try {
            for (int i = 0; i < 50_000; i++) {
                long[] ref = published.get();
                if (ref[0] == 0) {
                    continue;
                }
                copy.put(0, region, 0, extentLength);
                ExtentStatus s = codec.verify(copy, 0, ref[0], (int) ref[1]);
                counts[s.ordinal()]++;
                if (s == ExtentStatus.OK) {
                    byte[] value = new byte[(int) ref[1]];
                    copy.get(OverflowDescriptor.DATA_OFFSET, value);
                    assertArrayEquals(valueFor(ref[0] / 2, extentLength - OverflowDescriptor.HEADER_LENGTH), value);
                }
            }
        } finally {
            done.set(true);
            writer.join();
        }
        System.out.println("extent copies " + Arrays.toString(ExtentStatus.values()) + " = " + Arrays.toString(counts));
    }

    private static void assertConsistent(SlotView view) {
        long lsn = view.lsn();
        byte[] key = keyFor(lsn);
        assertArrayEquals(key, view.key(), "key of lsn " + lsn);
        assertEquals(expiryFor(lsn), view.expireAtMs(), "expiry of lsn " + lsn);
        assertArrayEquals(valueFor(lsn, SLOT_SIZE - SlotDescriptor.HEADER_LENGTH - key.length), view.value(), "value of lsn " + lsn);
    }
}
