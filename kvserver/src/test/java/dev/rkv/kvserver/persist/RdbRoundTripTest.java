package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdbRoundTripTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void randomDatasetsSurviveWriteThenLoad() throws Exception {
        for (int seed = 0; seed < 12; seed++) {
            boolean compress = seed % 2 == 0;
            Keyspace original = Datasets.random(seed, 16, 150, NOW);
            byte[] rdb = Datasets.write(original, compress, seed % 3 == 0 ? null : new RdbAux("a".repeat(40), seed), NOW);
            Keyspace loaded = Datasets.empty(16);
            RdbLoadResult r = Datasets.load(rdb, loaded, NOW);
            Map<String, String> expected = Datasets.contents(original, NOW);
            assertEquals(expected, Datasets.contents(loaded, NOW), "seed " + seed);
            assertEquals(expected.size(), r.keys());
            assertEquals(0, r.expiredSkipped(), "the writer skips expired keys itself");
            assertEquals(10, r.rdbVersion());
        }
    }

    @Test
    void replicationAuxFieldsComeBack() throws Exception {
        String id = "0123456789abcdef0123456789abcdef01234567";
        RdbAux aux = new RdbAux(id, 123_456_789_012L, 5);
        byte[] rdb = Datasets.write(Datasets.empty(16), true, aux, NOW);
        RdbLoadResult r = Datasets.load(rdb, Datasets.empty(16), NOW);
        assertEquals(id, r.replId());
        assertEquals(123_456_789_012L, r.replOffset());
        assertEquals(5, r.replStreamDb());
        assertEquals(aux, r.replication());
        RdbLoadResult none = Datasets.load(Datasets.write(Datasets.empty(16), true, null, NOW), Datasets.empty(16), NOW);
        assertNull(none.replId());
        assertEquals(-1, none.replOffset());
        assertEquals(-1, none.replStreamDb());
        assertNull(none.replication(), "a restart resumes only from a file with all three fields");
    }

    @Test
    void integersUseRedisEncodingsOnlyWhenCanonicalAndIn32Bits() throws Exception {
        assertArrayEquals(new byte[] {(byte) 0xC0, (byte) 0xFF}, encode("-1"));
        assertArrayEquals(new byte[] {(byte) 0xC0, 127}, encode("127"));
        assertArrayEquals(new byte[] {(byte) 0xC1, (byte) 0x80, 0}, encode("128"));
        assertArrayEquals(new byte[] {(byte) 0xC2, 0, (byte) 0x80, 0, 0}, encode("32768"));
        assertArrayEquals(new byte[] {(byte) 0xC2, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}, encode("2147483647"));
        assertArrayEquals(raw("2147483648"), encode("2147483648"));
        assertArrayEquals(raw("007"), encode("007"));
        assertArrayEquals(raw("-0"), encode("-0"));
        assertArrayEquals(raw("+1"), encode("+1"));
        assertArrayEquals(new byte[] {0}, encode(""));
    }

    private static byte[] raw(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length + 1];
        out[0] = (byte) b.length;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    private static byte[] encode(String s) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        RdbOutput o = new RdbOutput(bytes);
        new RdbWriter(true).writeString(o, s.getBytes(StandardCharsets.US_ASCII));
        o.flush();
        return bytes.toByteArray();
    }

    @Test
    void lengthsUseTheShortestOfTheFourForms() throws IOException {
        assertArrayEquals(new byte[] {63}, length(63));
        assertArrayEquals(new byte[] {0x40, 64}, length(64));
        assertArrayEquals(new byte[] {0x7F, (byte) 0xFF}, length(16383));
        assertArrayEquals(new byte[] {(byte) 0x80, 0, 0, 0x40, 0}, length(16384));
        assertArrayEquals(new byte[] {(byte) 0x80, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, length(0xFFFF_FFFFL));
        assertArrayEquals(new byte[] {(byte) 0x81, 0, 0, 0, 1, 0, 0, 0, 0}, length(0x1_0000_0000L));
    }

    private static byte[] length(long len) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        RdbOutput o = new RdbOutput(bytes);
        RdbWriter.writeLength(o, len);
        o.flush();
        return bytes.toByteArray();
    }

    @Test
    void compressibleStringsAreWrittenWithLzfOnlyWhenCompressionIsOn() throws Exception {
        Keyspace ks = Datasets.empty(1);
        byte[] value = "compressible ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        ks.db(0).put(Key.of("k"), Entry.string(value, Entry.NO_EXPIRY, NOW));
        byte[] compressed = Datasets.write(ks, true, null, NOW);
        byte[] plain = Datasets.write(ks, false, null, NOW);
        assertTrue(compressed.length < 500, "LZF file is " + compressed.length + " bytes");
        assertTrue(plain.length > value.length, "plain file is " + plain.length + " bytes");
        for (byte[] rdb : Arrays.asList(compressed, plain)) {
            Keyspace back = Datasets.empty(1);
            Datasets.load(rdb, back, NOW);
            assertArrayEquals(value, back.db(0).peek(Key.of("k")).bytes());
        }
    }

    @Test
    void expiredEntriesAreSkippedByTheWriterAndCountedByTheLoader() throws Exception {
        Keyspace ks = Datasets.empty(2);
        ks.db(1).put(Key.of("past"), Entry.string(new byte[] {1}, NOW, NOW - 10));
        ks.db(1).put(Key.of("future"), Entry.string(new byte[] {2}, NOW + 1000, NOW));
        Keyspace back = Datasets.empty(2);
        RdbLoadResult r = Datasets.load(Datasets.write(ks, true, null, NOW), back, NOW);
        assertEquals(1, r.keys());
        assertNull(back.db(1).peek(Key.of("past")));
        assertEquals(NOW + 1000, back.db(1).peek(Key.of("future")).expireAtMs());

        Keyspace later = Datasets.empty(2);
        RdbLoadResult r2 = Datasets.load(Datasets.write(ks, true, null, NOW - 100), later, NOW + 1000);
        assertEquals(0, r2.keys());
        assertEquals(2, r2.expiredSkipped());
        assertEquals(0, later.totalKeys());

        Keyspace replica = Datasets.empty(2);
        assertEquals(2, Datasets.load(Datasets.write(ks, true, null, NOW - 100), replica, Long.MIN_VALUE).keys());
    }

    @Test
    void loaderReadsNothingPastTheChecksum() throws Exception {
        Keyspace ks = Datasets.random(5, 4, 50, NOW);
        byte[] rdb = Datasets.write(ks, true, null, NOW);
        byte[] stream = Arrays.copyOf(rdb, rdb.length + 5);
        System.arraycopy("*1\r\n".getBytes(StandardCharsets.US_ASCII), 0, stream, rdb.length, 4);
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        RdbLoader.load(in, Datasets.empty(4), NOW);
        assertEquals(5, in.available());
        assertEquals('*', in.read());
    }

    @Test
    void aStreamThatDeliversOneByteAtATimeLoadsTheSame() throws Exception {
        Keyspace ks = Datasets.random(21, 3, 60, NOW);
        byte[] rdb = Datasets.write(ks, true, null, NOW);
        java.io.InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(rdb)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        Keyspace back = Datasets.empty(3);
        RdbLoader.load(trickle, back, NOW);
        assertEquals(Datasets.contents(ks, NOW), Datasets.contents(back, NOW));
    }

    @Test
    void databasesBeyondTheTargetsCountAreRefused() throws Exception {
        Keyspace ks = Datasets.empty(16);
        ks.db(15).put(Key.of("k"), Entry.string(new byte[] {1}, Entry.NO_EXPIRY, NOW));
        RdbFormatException e = assertThrows(RdbFormatException.class,
            () -> Datasets.load(Datasets.write(ks, true, null, NOW), Datasets.empty(8), NOW));
        assertTrue(e.getMessage().contains("more than 8 databases"), e.getMessage());
    }

    @Test
    void aZeroChecksumIsNotVerified() throws Exception {
        Keyspace ks = Datasets.random(3, 2, 20, NOW);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new RdbWriter(true, false).write(ks.snapshot(), null, out, NOW);
        byte[] rdb = out.toByteArray();
        for (int i = rdb.length - 8; i < rdb.length; i++) {
            assertEquals(0, rdb[i]);
        }
        Keyspace back = Datasets.empty(2);
        Datasets.load(rdb, back, NOW);
        assertEquals(Datasets.contents(ks, NOW), Datasets.contents(back, NOW));
    }

    @Test
    void keyspaceReplaceWithSwapsInALoadedDataset() throws Exception {
        Keyspace live = Datasets.random(8, 16, 40, NOW);
        Keyspace loaded = Datasets.empty(16);
        Datasets.load(Datasets.write(Datasets.random(9, 16, 40, NOW), true, null, NOW), loaded, NOW);
        Map<String, String> expected = Datasets.contents(loaded, NOW);
        var before = live.snapshot();
        Map<String, String> old = Datasets.contents(live, NOW);
        live.replaceWith(loaded);
        assertEquals(expected, Datasets.contents(live, NOW));
        assertEquals(0, loaded.totalKeys());
        assertFalse(expected.isEmpty());
        // A snapshot taken before the swap still shows the old data.
        Map<String, String> fromSnapshot = new java.util.TreeMap<>();
        for (var db : before) {
            db.forEach((k, e) -> {
                if (!e.isExpired(NOW)) {
                    fromSnapshot.put(db.index() + "/" + java.util.HexFormat.of().formatHex(k.bytes()),
                        e.expireAtMs() + ":" + java.util.HexFormat.of().formatHex(e.bytes()));
                }
            });
        }
        assertEquals(old, fromSnapshot);
    }
}
