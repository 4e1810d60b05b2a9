package dev.rkv.kvserver.persist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc64Test {
    @Test
    void checkValueMatchesRedisCrc64Jones() {
        // Redis's crc64.c self-test: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void sliceByEightEqualsByteAtATimeForEveryLengthAndSplit() {
        Random rnd = new Random(42);
        for (int len = 0; len < 200; len++) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            Crc64 bytewise = new Crc64();
            for (byte x : b) {
                bytewise.update(x & 0xff);
            }
            int split = len == 0 ? 0 : rnd.nextInt(len);
            Crc64 split2 = new Crc64();
            split2.update(b, 0, split);
            split2.update(b, split, len - split);
            assertEquals(bytewise.value(), Crc64.of(b), "len " + len);
            assertEquals(bytewise.value(), split2.value(), "len " + len + " split " + split);
        }
    }
}
