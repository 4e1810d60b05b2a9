package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.Keyspace;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged and hostile RDB input ends in RdbFormatException: never another exception, never a hang. */
class RdbCorruptionTest {
    private static final long NOW = 1_800_000_000_000L;

    private static byte[] valid(boolean checksum) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RdbWriter(true, checksum).write(Datasets.random(11, 4, 40, NOW).snapshot(), new RdbAux("c".repeat(40), 9),
            out, NOW);
        return out.toByteArray();
    }

    private static RdbFormatException refused(byte[] rdb) {
        return assertThrows(RdbFormatException.class, () -> Datasets.load(rdb, Datasets.empty(16), NOW));
    }

    private static byte[] rdb(String hexAfterHeader) {
        byte[] head = "REDIS0010".getBytes(StandardCharsets.US_ASCII);
        byte[] body = java.util.HexFormat.of().parseHex(hexAfterHeader);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Outcome of loading a mutated file: 0 loaded, 1 refused, anything else fails the test. */
    private static int attempt(byte[] rdb) {
        try {
            Datasets.load(rdb, Datasets.empty(16), NOW);
            return 0;
        } catch (RdbFormatException e) {
            assertTrue(e.getMessage().contains("at byte offset"), e.getMessage());
            return 1;
        } catch (Exception | Error e) {
            throw new AssertionError("unexpected " + e + " loading a mutated file", e);
        }
    }

    @Test
    void seededMutationsOfAChecksummedFileAreAllRefused() throws Exception {
        byte[] good = valid(true);
        Random rnd = new Random(2024);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 400; i++) {
                byte[] bad = mutate(good, rnd);
                if (!Arrays.equals(bad, good)) {
                    assertEquals(1, attempt(bad), "mutation " + i + " was accepted");
                }
            }
        });
    }

    @Test
    void seededMutationsWithoutChecksumReachTheParserAndNeverEscapeIt() throws Exception {
        byte[] good = valid(false);
        Random rnd = new Random(77);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 600; i++) {
                outcomes[attempt(mutate(good, rnd))]++;
            }
        });
        assertTrue(outcomes[1] > 100, "refused " + outcomes[1] + " of 600");
    }

    private static byte[] mutate(byte[] good, Random rnd) {
        byte[] b = good.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> {
                int n = 1 + rnd.nextInt(3);
                for (int k = 0; k < n; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
            case 2 -> {
                int at = rnd.nextInt(b.length);
                byte[] ins = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(ins);
                byte[] c = new byte[b.length + ins.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(ins, 0, c, at, ins.length);
                System.arraycopy(b, at, c, at + ins.length, b.length - at);
                b = c;
            }
            case 3 -> {
                // A huge length where a length or string header sits.
                int at = 9 + rnd.nextInt(b.length - 9);
                b[at] = (byte) (rnd.nextBoolean() ? 0x80 : 0x81);
            }
            default -> {
                int at = rnd.nextInt(b.length);
                byte[] garbage = new byte[Math.min(b.length - at, 1 + rnd.nextInt(64))];
                rnd.nextBytes(garbage);
                System.arraycopy(garbage, 0, b, at, garbage.length);
            }
        }
        return b;
    }

    @Test
    void wrongMagicAndVersionsAreRefused() {
        assertTrue(refused("RADIS0010\u00ff".getBytes(StandardCharsets.ISO_8859_1)).getMessage().startsWith("Wrong signature"));
        assertTrue(refused("REDIS0011\u00ff".getBytes(StandardCharsets.ISO_8859_1)).getMessage()
            .startsWith("Can't handle RDB format version 11"));
        assertTrue(refused("REDIS00x0\u00ff".getBytes(StandardCharsets.ISO_8859_1)).getMessage().startsWith("Bad RDB version"));
        assertTrue(refused(new byte[0]).truncated());
    }

    @Test
    void truncationIsReportedAsAShortRead() throws Exception {
        byte[] good = valid(true);
        RdbFormatException e = refused(Arrays.copyOf(good, good.length - 3));
        assertTrue(e.truncated());
        assertTrue(e.getMessage().startsWith("Unexpected EOF"), e.getMessage());
        assertEquals(good.length - 3, e.offset());
    }

    @Test
    void aFlippedByteFailsTheChecksumWithItsOffset() throws Exception {
        byte[] bad = valid(true);
        bad[bad.length - 1] ^= 1;
        RdbFormatException e = refused(bad);
        assertTrue(e.getMessage().startsWith("Wrong RDB checksum"), e.getMessage());
        assertEquals(bad.length - 8, e.offset());
    }

    @Test
    void hostileLengthsNeitherAllocateNorOverflow() {
        // A string key claiming 2^63-1 bytes, then 4 GiB, then 2 GiB - 16 with nothing behind it.
        assertTrue(refused(rdb("00817fffffffffffffff")).getMessage().contains("out of range")
            || refused(rdb("00817fffffffffffffff")).getMessage().contains("longer than"));
        assertTrue(refused(rdb("0080ffffffff")).getMessage().contains("longer than rkv supports"));
        assertTrue(refused(rdb("00807ffffff0")).truncated());
        // LZF: 2 compressed bytes claiming to expand to 1 GiB.
        assertTrue(refused(rdb("0001" + "6b" + "c3" + "02" + "8040000000" + "0061")).getMessage()
            .startsWith("Invalid LZF compressed string"));
        // LZF whose back reference points before the output.
        assertTrue(refused(rdb("0001" + "6b" + "c3" + "02" + "05" + "2000")).getMessage()
            .startsWith("Invalid LZF compressed string"));
        assertTrue(refused(rdb("00c7")).getMessage().startsWith("Unknown RDB string encoding type 7"));
    }

    @Test
    void unsupportedContentIsRefusedClearly() {
        assertTrue(refused(rdb("f7")).getMessage().startsWith("Module auxiliary data (MODULE_AUX opcode) is not supported"));
        assertTrue(refused(rdb("f6")).getMessage().startsWith("Function libraries"));
        RdbFormatException stream = refused(rdb("0f0161"));
        assertEquals("Unsupported value type 15 (stream): rkv does not load this type at byte offset 9", stream.getMessage());
        assertEquals(9, stream.offset());
        assertTrue(refused(rdb("42")).getMessage().startsWith("Unknown RDB opcode or value type 66"));
        assertTrue(refused(rdb("000161016100016101 62ff".replace(" ", ""))).getMessage()
            .startsWith("RDB has duplicated key 'a' in DB 0"));
    }

    @Test
    void oldOpcodesRedisStillWritesAreUnderstood() throws Exception {
        // EXPIRETIME in seconds, IDLE, FREQ, RESIZEDB, an unknown aux field, SELECTDB 2, version 9 without checksum.
        long future = NOW / 1000 + 100;
        String secs = String.format("%02x%02x%02x%02x", future & 0xff, (future >> 8) & 0xff, (future >> 16) & 0xff,
            (future >> 24) & 0xff);
        byte[] file = rdb("fa03" + "616263" + "0178" + "fe02" + "fb0201" + "f805" + "f90a" + "fd" + secs + "000161c005"
            + "000162c0fb" + "ff" + "0000000000000000");
        file[7] = '0';
        file[8] = '9';
        Keyspace ks = Datasets.empty(16);
        RdbLoadResult r = Datasets.load(file, ks, NOW);
        assertEquals(2, r.keys());
        assertEquals(9, r.rdbVersion());
        var a = ks.db(2).peek(dev.rkv.kvserver.store.Key.of("a"));
        assertEquals("5", new String(a.bytes(), StandardCharsets.US_ASCII));
        assertEquals(future * 1000, a.expireAtMs());
        var b = ks.db(2).peek(dev.rkv.kvserver.store.Key.of("b"));
        assertEquals("-5", new String(b.bytes(), StandardCharsets.US_ASCII));
        assertEquals(-1, b.expireAtMs());
    }

    @Test
    void nonNumericReplicationAuxFieldsAreRefusedWithTheirName() throws Exception {
        for (String field : new String[] {"repl-stream-db", "repl-offset"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
            out.write(0xFA); // AUX
            out.write(field.length());
            out.write(field.getBytes(StandardCharsets.US_ASCII));
            out.write(1);
            out.write('x');
            out.write(0xFF); // EOF, then a zero checksum (not checked, as rdbchecksum no writes)
            out.write(new byte[8]);
            RdbFormatException e = refused(out.toByteArray());
            assertTrue(e.getMessage().contains("Bad " + field), e.getMessage());
        }
    }
}
