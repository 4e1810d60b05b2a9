package dev.rkv.table;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** XXH64 against the reference implementation's outputs (libxxhash 0.8.1). */
class KeyHashTest {

    @Test
    void matchesReferenceXxh64Vectors() {
        assertEquals(0xef46db3751d8e999L, KeyHash.hash(new byte[0]));
        assertEquals(0xd24ec4f1a98c6e5bL, KeyHash.hash(ascii("a")));
        assertEquals(0x44bc2cf5ad770999L, KeyHash.hash(ascii("abc")));
        assertEquals(0x116d6f6e763785fbL, KeyHash.hash(ascii("key:000000123456")));
        byte[] hundred = new byte[100];
        for (int i = 0; i < hundred.length; i++) {
            hundred[i] = (byte) i;
        }
        assertEquals(0x6ac1e58032166597L, KeyHash.xxh64(hundred, 0, 100, 0));
        long[][] prefixes = {{31, 0xc346d2b59b4d8ee1L}, {32, 0xcbf59c5116ff32b4L}, {33, 0x0c535d1acafb8eadL}, {63, 0xe26aa9e2a95f8e4fL},
                {64, 0xf7c67301db6713f0L}, {65, 0xc31eb63b2ae4465bL}};
        for (long[] p : prefixes) {
            assertEquals(p[1], KeyHash.xxh64(hundred, 0, (int) p[0], 0), "XXH64 of the first " + p[0] + " bytes");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
