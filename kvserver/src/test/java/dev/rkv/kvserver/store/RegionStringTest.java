package dev.rkv.kvserver.store;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A string kept in a region behaves exactly as the same bytes on the heap. */
class RegionStringTest {
    private static final long NOW = 1_000;

    /** {@code s} placed at offset 7 of a direct buffer full of other bytes. */
    private static RegionString inRegion(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer region = ByteBuffer.allocateDirect(b.length + 20);
        for (int i = 0; i < region.capacity(); i++) {
            region.put(i, (byte) '#');
        }
        region.put(7, b);
        return new RegionString(region, 7, b.length);
    }

    @Test
    void encodingLengthAndBytesMatchAHeapString() {
        for (String s : new String[] {"", "0", "-1", "007", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "12345678901234567890", "x".repeat(44), "x".repeat(45), "y".repeat(1000), " 1", "1.5"}) {
            Entry heap = Entry.string(s.getBytes(StandardCharsets.ISO_8859_1), Entry.NO_EXPIRY, NOW);
            Entry region = Entry.regionString(inRegion(s), Entry.NO_EXPIRY, NOW);
            assertEquals(heap.encoding(), region.encoding(), s);
            assertEquals(heap.stringLength(), region.stringLength(), s);
            assertArrayEquals(heap.bytes(), region.bytes(), s);
            assertEquals(ValueType.STRING, region.type());
            assertEquals(heap.memoryUsage(), region.memoryUsage(), s);
        }
    }

    @Test
    void everyReadIsAFreshCopySoCallersCannotChangeTheRegion() {
        Entry e = Entry.regionString(inRegion("abc"), Entry.NO_EXPIRY, NOW);
        byte[] first = e.bytes();
        first[0] = 'z';
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), e.bytes());
        assertNotSame(first, e.bytes());
    }

    @Test
    void expiryKeepsTheRegionValueWhileADuplicateTakesAHeapCopy() {
        Entry e = Entry.regionString(inRegion("value"), Entry.NO_EXPIRY, NOW);
        assertSame(e.value(), e.withExpiry(NOW + 5).value());
        // A duplicate (COPY, a snapshot's copy-on-write) must outlive the slot it came from.
        Entry copy = e.duplicate();
        assertInstanceOf(byte[].class, copy.value());
        assertArrayEquals(e.bytes(), copy.bytes());
        assertEquals(e.encoding(), copy.encoding());
    }

    @Test
    void digestIsTheSameAsForHeapBytes() {
        Keyspace heap = new Keyspace(1, new KeyspaceListener() { });
        Keyspace region = new Keyspace(1, new KeyspaceListener() { });
        for (int i = 0; i < 50; i++) {
            String v = "v".repeat(i) + i;
            heap.db(0).put(Key.of("k" + i), Entry.string(v.getBytes(StandardCharsets.ISO_8859_1), Entry.NO_EXPIRY, NOW));
            region.db(0).put(Key.of("k" + i), Entry.regionString(inRegion(v), Entry.NO_EXPIRY, NOW));
        }
        assertEquals(DatasetDigest.of(heap, NOW), DatasetDigest.of(region, NOW));
    }

    @Test
    void aRangeOutsideTheRegionIsRefused() {
        ByteBuffer region = ByteBuffer.allocateDirect(10);
        assertThrows(IndexOutOfBoundsException.class, () -> new RegionString(region, 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> new RegionString(region, -1, 2));
        RegionString ok = new RegionString(region, 5, 5);
        assertThrows(IndexOutOfBoundsException.class, () -> ok.byteAt(5));
    }
}
