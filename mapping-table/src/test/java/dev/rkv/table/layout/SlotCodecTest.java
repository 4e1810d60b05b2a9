package dev.rkv.table.layout;

import dev.rkv.table.TableGeometry;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Property tests of the slot codec: seeded random records at every size boundary of every default class. */
class SlotCodecTest {

    private static final long SEED = 0x5107C0DEL;
    private final SlotCodec codec = new SlotCodec();
    private final SlotView view = new SlotView();

    @Test
    void inlineRecordsRoundTripAtEveryBoundaryOfEveryDefaultClass() {
        Random random = new Random(SEED);
        int records = 0;
        for (int slotSize : TableGeometry.defaultSlotSizes()) {
            int capacity = SlotDescriptor.payloadCapacity(slotSize);
            ByteBuffer region = ByteBuffer.allocateDirect(slotSize * 2);
            for (int payload : new int[] {0, 1, capacity - 1, capacity}) {
                for (int keyLength : keySplits(random, payload)) {
                    byte[] key = bytes(random, keyLength);
                    byte[] value = bytes(random, payload - keyLength);
                    long lsn = random.nextLong() & Long.MAX_VALUE;
                    long expireAt = random.nextBoolean() ? SlotDescriptor.NO_EXPIRY : random.nextLong() & Long.MAX_VALUE;
                    byte type = random.nextBoolean() ? SlotDescriptor.TYPE_STRING : SlotDescriptor.TYPE_SERIALIZED;
                    int slot = random.nextBoolean() ? 0 : slotSize;
                    long version = codec.writeInline(region, slot, slotSize, type, key, value, expireAt, lsn);
                    assertEquals(SlotStatus.OK, codec.decode(copyOf(region), slot, slotSize, view), "slot size " + slotSize + ", payload " + payload);
                    assertEquals(version, view.version());
                    assertTrue(version > 0 && version % 2 == 0);
                    assertEquals(type, view.type());
                    assertFalse(view.isOverflow());
                    assertArrayEquals(key, view.key());
                    assertTrue(view.keyEquals(key));
                    assertArrayEquals(value, view.value());
                    assertEquals(lsn, view.lsn());
                    assertEquals(expireAt, view.expireAtMs());
                    records++;
                }
                if (payload <= capacity) {
                    byte[] tooLong = new byte[capacity + 1 - Math.min(payload, capacity)];
                    assertThrows(IllegalArgumentException.class,
                            () -> codec.writeInline(region, 0, slotSize, SlotDescriptor.TYPE_STRING, new byte[Math.min(payload, capacity)], tooLong, 0, 1),
                            "capacity + 1 does not fit slot size " + slotSize);
                }
            }
        }
        assertTrue(records > 500, "records checked: " + records);
    }

    @Test
    void overflowReferencesRoundTripWithTheLongestKey() {
        Random random = new Random(SEED + 1);
        int slotSize = (int) LayoutBuffers.align(SlotDescriptor.overflowLength(SlotDescriptor.MAX_KEY_LENGTH), 8);
        ByteBuffer region = ByteBuffer.allocateDirect(slotSize);
        for (int keyLength : new int[] {0, 1, 16, SlotDescriptor.MAX_KEY_LENGTH}) {
            byte[] key = bytes(random, keyLength);
            long block = random.nextLong() & IndexDescriptor.MAX_SLOT_INDEX;
            long extentVersion = (random.nextLong() & Long.MAX_VALUE) & ~1L;
            codec.writeOverflow(region, 0, slotSize, SlotDescriptor.TYPE_STRING, key, Integer.MAX_VALUE, block, extentVersion, 42, 7);
            assertEquals(SlotStatus.OK, codec.decode(copyOf(region), 0, slotSize, view));
            assertTrue(view.isOverflow());
            assertArrayEquals(key, view.key());
            assertEquals(Integer.MAX_VALUE, view.valueLength());
            assertEquals(block, view.overflowBlock());
            assertEquals(extentVersion, view.overflowVersion());
            assertThrows(IllegalStateException.class, view::value);
        }
        assertThrows(IllegalArgumentException.class, () -> codec.writeOverflow(region, 0, slotSize, SlotDescriptor.TYPE_STRING,
                new byte[SlotDescriptor.MAX_KEY_LENGTH + 1], 1, 0, 2, 0, 0));
    }

    @Test
    void neverWrittenSlotIsEmptyAndDeletedSlotIsAVerifiedEmptyRecordKeepingItsLsn() {
        ByteBuffer region = ByteBuffer.allocateDirect(64);
        assertEquals(SlotStatus.EMPTY, codec.decode(copyOf(region), 0, 64, view));
        codec.writeInline(region, 0, 64, SlotDescriptor.TYPE_STRING, new byte[] {1}, new byte[] {2}, 0, 5);
        long version = codec.writeEmpty(region, 0, 9);
        assertEquals(4, version, "two writes: 0 -> 1 -> 2, then 3 -> 4");
        assertEquals(SlotStatus.EMPTY, codec.decode(copyOf(region), 0, 64, view));
        assertEquals(9, LayoutBuffers.getLong(region, SlotDescriptor.LSN_OFFSET));
        region.put(SlotDescriptor.KEY_OFFSET, (byte) 1);
        assertEquals(SlotStatus.EMPTY, codec.decode(copyOf(region), 0, 64, view), "bytes past an empty record's payload are not checked");
        region.put(SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_STRING);
        assertEquals(SlotStatus.CORRUPT, codec.decode(copyOf(region), 0, 64, view));
    }

    @Test
    void versionZeroWithFieldsSetIsAFirstWriteInFlightNotEmpty() {
        ByteBuffer region = ByteBuffer.allocateDirect(64);
        codec.writeInline(region, 0, 64, SlotDescriptor.TYPE_STRING, new byte[] {1}, new byte[] {2}, 0, 5);
        LayoutBuffers.putLong(region, SlotDescriptor.VERSION_OFFSET, 0);
        assertEquals(SlotStatus.TORN, codec.decode(copyOf(region), 0, 64, view));
        ByteBuffer zero = ByteBuffer.allocateDirect(64);
        zero.put(63, (byte) 1);
        assertEquals(SlotStatus.EMPTY, codec.decode(copyOf(zero), 0, 64, view), "bytes past the header do not matter");
    }

    @Test
    void expiryRewriteKeepsKeyAndValueAndBumpsTheVersion() {
        ByteBuffer region = ByteBuffer.allocateDirect(128);
        byte[] key = {1, 2, 3};
        byte[] value = {4, 5, 6, 7};
        long v1 = codec.writeInline(region, 0, 128, SlotDescriptor.TYPE_STRING, key, value, 0, 10);
        long v2 = codec.writeExpiry(region, 0, 123456789, 11);
        assertEquals(v1 + 2, v2);
        assertEquals(SlotStatus.OK, codec.decode(copyOf(region), 0, 128, view));
        assertArrayEquals(key, view.key());
        assertArrayEquals(value, view.value());
        assertEquals(123456789, view.expireAtMs());
        assertEquals(11, view.lsn());
    }

    @Test
    void everySingleBitFlipInTheChecksummedBytesIsDetected() {
        Random random = new Random(SEED + 2);
        int slotSize = 128;
        ByteBuffer region = ByteBuffer.allocateDirect(slotSize);
        byte[] key = bytes(random, 20);
        byte[] value = bytes(random, 50);
        codec.writeInline(region, 0, slotSize, SlotDescriptor.TYPE_STRING, key, value, 99, 1234);
        int end = SlotDescriptor.KEY_OFFSET + key.length + value.length;
        for (int i = 0; i < end; i++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer copy = copyOf(region);
                copy.put(i, (byte) (copy.get(i) ^ (1 << bit)));
                SlotStatus status = codec.decode(copy, 0, slotSize, view);
                if (i == SlotDescriptor.VERSION_OFFSET && bit == 0) {
                    assertEquals(SlotStatus.TORN, status, "the version's low bit makes it odd");
                } else if (i < Long.BYTES) {
                    assertTrue(status.shouldRetry(), "flip of bit " + bit + " of the version gave " + status);
                } else {
                    assertEquals(SlotStatus.CORRUPT, status, "flip of bit " + bit + " of byte " + i);
                }
            }
        }
        for (int i = end; i < slotSize; i++) {
            ByteBuffer copy = copyOf(region);
            copy.put(i, (byte) ~copy.get(i));
            assertEquals(SlotStatus.OK, codec.decode(copy, 0, slotSize, view), "unused byte " + i);
        }
    }

    @Test
    void randomCorruptionIsNeverAcceptedAsAnotherRecord() {
        Random random = new Random(SEED + 3);
        int slotSize = 256;
        ByteBuffer region = ByteBuffer.allocateDirect(slotSize);
        for (int round = 0; round < 2000; round++) {
            byte[] key = bytes(random, random.nextInt(40));
            byte[] value = bytes(random, random.nextInt(slotSize - 36 - key.length + 1));
            codec.writeInline(region, 0, slotSize, SlotDescriptor.TYPE_STRING, key, value, 0, round);
            ByteBuffer copy = copyOf(region);
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(SlotDescriptor.KEY_OFFSET + key.length + value.length);
                copy.put(at, (byte) (copy.get(at) ^ (1 + random.nextInt(255))));
            }
            SlotStatus status = codec.decode(copy, 0, slotSize, view);
            assertTrue(status.shouldRetry(), "corruption accepted as " + status + " in round " + round);
        }
    }

    @Test
    void lengthsBeyondTheSlotAreCorruptNotAnOutOfBoundsRead() {
        ByteBuffer region = ByteBuffer.allocateDirect(64);
        codec.writeInline(region, 0, 64, SlotDescriptor.TYPE_STRING, new byte[4], new byte[4], 0, 1);
        ByteBuffer copy = copyOf(region);
        LayoutBuffers.putShort(copy, SlotDescriptor.KEY_LENGTH_OFFSET, 0xFFFF);
        assertEquals(SlotStatus.CORRUPT, codec.decode(copy, 0, 64, view));
        copy = copyOf(region);
        LayoutBuffers.putInt(copy, SlotDescriptor.VALUE_LENGTH_OFFSET, -5);
        assertEquals(SlotStatus.CORRUPT, codec.decode(copy, 0, 64, view));
        copy = copyOf(region);
        LayoutBuffers.putInt(copy, SlotDescriptor.VALUE_LENGTH_OFFSET, 29);
        assertEquals(SlotStatus.CORRUPT, codec.decode(copy, 0, 64, view));
    }

    @Test
    void unknownTypeOrFlagWithAMatchingChecksumIsCorrupt() {
        ByteBuffer region = ByteBuffer.allocateDirect(64);
        codec.writeInline(region, 0, 64, (byte) 3, new byte[1], new byte[1], 0, 1);
        assertEquals(SlotStatus.CORRUPT, codec.decode(copyOf(region), 0, 64, view));
    }

    @Test
    void copyStableRefusesAnOddVersion() {
        ByteBuffer live = ByteBuffer.allocateDirect(64);
        ByteBuffer copy = ByteBuffer.allocateDirect(64);
        codec.writeInline(live, 0, 64, SlotDescriptor.TYPE_STRING, new byte[1], new byte[1], 0, 1);
        assertEquals(SlotStatus.OK, codec.readStable(live, 0, 64, copy, 0, view));
        LayoutBuffers.putLong(live, 0, 3);
        assertEquals(SlotStatus.TORN, codec.readStable(live, 0, 64, copy, 0, view));
        assertEquals(SlotStatus.TORN, codec.decode(copyOf(live), 0, 64, view));
    }

    @Test
    void heapCopiesDecodeToo() {
        ByteBuffer region = ByteBuffer.allocateDirect(64);
        codec.writeInline(region, 0, 64, SlotDescriptor.TYPE_STRING, new byte[] {9}, new byte[] {8}, 0, 1);
        ByteBuffer heap = ByteBuffer.allocate(70);
        heap.put(3, region, 0, 64);
        assertEquals(SlotStatus.OK, codec.decode(heap, 3, 64, view));
        assertTrue(view.keyEquals(new byte[] {9}));
        assertFalse(view.keyEquals(new byte[] {8}));
        assertArrayEquals(new byte[] {8}, view.value());
    }

    /** Key lengths splitting {@code payload}: all key, all value, and a random split. */
    private static int[] keySplits(Random random, int payload) {
        int cap = Math.min(payload, SlotDescriptor.MAX_KEY_LENGTH);
        return Arrays.stream(new int[] {0, cap, random.nextInt(cap + 1)}).distinct().toArray();
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static ByteBuffer copyOf(ByteBuffer region) {
        ByteBuffer copy = ByteBuffer.allocate(region.capacity());
        copy.put(0, region, 0, region.capacity());
        return copy;
    }
}
