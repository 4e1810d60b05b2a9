package dev.rkv.kvserver.repl;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationBacklogTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void emptyBacklogStartsAfterTheCurrentOffset() {
        ReplicationBacklog b = new ReplicationBacklog(16, 100);
        assertEquals(100, b.offset());
        assertEquals(101, b.firstByteOffset());
        assertEquals(0, b.histlen());
        assertTrue(b.covers(101));
        assertFalse(b.covers(100));
        assertFalse(b.covers(102));
        assertArrayEquals(new byte[0], b.copyFrom(101));
    }

    @Test
    void appendAdvancesOffsetAndKeepsHistory() {
        ReplicationBacklog b = new ReplicationBacklog(16, 0);
        b.append(ascii("hello"));
        b.append(ascii("world"));
        assertEquals(10, b.offset());
        assertEquals(1, b.firstByteOffset());
        assertArrayEquals(ascii("helloworld"), b.copyFrom(1));
        assertArrayEquals(ascii("world"), b.copyFrom(6));
        assertArrayEquals(ascii(""), b.copyFrom(11));
    }

    @Test
    void wrappingKeepsOnlyTheLastSizeBytes() {
        ReplicationBacklog b = new ReplicationBacklog(8, 0);
        b.append(ascii("abcdef"));
        b.append(ascii("ghijk"));
        assertEquals(11, b.offset());
        assertEquals(8, b.histlen());
        assertEquals(4, b.firstByteOffset());
        assertArrayEquals(ascii("defghijk"), b.copyFrom(4));
        assertFalse(b.covers(3));
        assertThrows(IllegalArgumentException.class, () -> b.copyFrom(3));
    }

    @Test
    void appendLargerThanTheRingKeepsItsTail() {
        ReplicationBacklog b = new ReplicationBacklog(4, 0);
        b.append(ascii("xy"));
        b.append(ascii("0123456789"));
        assertEquals(12, b.offset());
        assertArrayEquals(ascii("6789"), b.copyFrom(9));
        b.append(ascii("AB"));
        assertArrayEquals(ascii("89AB"), b.copyFrom(11));
    }

    @Test
    void randomAppendsMatchAReferenceStream() {
        Random rnd = new Random(42);
        ReplicationBacklog b = new ReplicationBacklog(1000, 7);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 2000; i++) {
            byte[] chunk = new byte[rnd.nextInt(300)];
            rnd.nextBytes(chunk);
            b.append(chunk);
            all.write(chunk, 0, chunk.length);
            byte[] ref = all.toByteArray();
            assertEquals(7 + ref.length, b.offset());
            long from = b.firstByteOffset() + rnd.nextInt((int) b.histlen() + 1);
            int start = (int) (from - 8);
            assertArrayEquals(Arrays.copyOfRange(ref, start, ref.length), b.copyFrom(from));
        }
    }

    @Test
    void resizeKeepsTheNewestHistory() {
        ReplicationBacklog b = new ReplicationBacklog(8, 0);
        b.append(ascii("abcdefgh"));
        b.resize(4);
        assertEquals(8, b.offset());
        assertArrayEquals(ascii("efgh"), b.copyFrom(5));
        b.resize(16);
        b.append(ascii("ij"));
        assertArrayEquals(ascii("efghij"), b.copyFrom(5));
    }
}
