package dev.rkv.kvserver.persist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LzfTest {
    private final Lzf lzf = new Lzf();

    private byte[] roundTrip(byte[] in) {
        byte[] out = new byte[in.length + in.length / 16 + 64];
        int n = lzf.compress(in, 0, in.length, out, out.length);
        assertTrue(n > 0, "compressed into a generous buffer");
        byte[] back = new byte[in.length];
        assertEquals(in.length, Lzf.decompress(out, 0, n, back));
        return back;
    }

    @Test
    void repetitiveTextShrinksAndRoundTrips() {
        byte[] in = "hello world, hello world, hello world! ".repeat(200).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[in.length];
        int n = lzf.compress(in, 0, in.length, out, out.length);
        assertTrue(n > 0 && n < in.length / 10, "compressed to " + n);
        byte[] back = new byte[in.length];
        assertEquals(in.length, Lzf.decompress(out, 0, n, back));
        assertArrayEquals(in, back);
    }

    @Test
    void longRunsUseOverlappingReferences() {
        byte[] in = new byte[100_000];
        Arrays.fill(in, (byte) 'a');
        assertArrayEquals(in, roundTrip(in));
    }

    @Test
    void randomAndMixedInputsRoundTrip() {
        Random rnd = new Random(7);
        for (int i = 0; i < 500; i++) {
            int len = 1 + rnd.nextInt(i < 400 ? 300 : 70_000);
            byte[] in = new byte[len];
            int alphabet = 1 + rnd.nextInt(i % 3 == 0 ? 256 : 4);
            for (int k = 0; k < len; k++) {
                in[k] = (byte) rnd.nextInt(alphabet);
            }
            assertArrayEquals(in, roundTrip(in), "case " + i);
        }
    }

    @Test
    void compressReturnsZeroWhenTheResultWouldNotFit() {
        byte[] in = new byte[1000];
        new Random(1).nextBytes(in);
        byte[] out = new byte[in.length];
        assertEquals(0, lzf.compress(in, 0, in.length, out, in.length - 4));
    }

    @Test
    void decompressRefusesReferencesBeforeTheStartOfTheOutput() {
        // A back reference of length 3 at distance 1 with nothing produced yet.
        assertEquals(-1, Lzf.decompress(new byte[] {0x20, 0x00}, 0, 2, new byte[10]));
    }

    @Test
    void decompressRefusesOutputOverflowAndTruncatedInput() {
        assertEquals(-1, Lzf.decompress(new byte[] {0x03, 'a', 'b', 'c', 'd'}, 0, 5, new byte[3]));
        assertEquals(-1, Lzf.decompress(new byte[] {0x03, 'a', 'b'}, 0, 3, new byte[10]));
        assertEquals(-1, Lzf.decompress(new byte[] {0x00, 'a', (byte) 0xE0}, 0, 3, new byte[300]));
        assertEquals(-1, Lzf.decompress(new byte[] {0x00, 'a', (byte) 0xE0, 0x10}, 0, 4, new byte[300]));
    }

    @Test
    void decompressOfArbitraryBytesNeverThrows() {
        Random rnd = new Random(99);
        for (int i = 0; i < 20_000; i++) {
            byte[] in = new byte[rnd.nextInt(64)];
            rnd.nextBytes(in);
            int r = Lzf.decompress(in, 0, in.length, new byte[rnd.nextInt(600)]);
            assertTrue(r >= -1);
        }
    }
}
