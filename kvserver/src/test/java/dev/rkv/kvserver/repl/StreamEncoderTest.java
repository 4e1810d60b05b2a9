package dev.rkv.kvserver.repl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamEncoderTest {
    private static byte[][] argv(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void firstEffectSelectsItsDatabase() {
        StreamEncoder e = new StreamEncoder();
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n",
            text(e.encode(0, argv("SET", "k", "vv"))));
    }

    @Test
    void selectOnlyWhenTheDatabaseChanges() {
        StreamEncoder e = new StreamEncoder();
        e.encode(0, argv("DEL", "a"));
        assertEquals("*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n", text(e.encode(0, argv("DEL", "b"))));
        assertEquals("*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n*2\r\n$3\r\nDEL\r\n$1\r\nc\r\n", text(e.encode(12, argv("DEL", "c"))));
    }

    @Test
    void forceSelectRepeatsTheSelect() {
        StreamEncoder e = new StreamEncoder();
        e.encode(3, argv("DEL", "a"));
        e.forceSelect();
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n", text(e.encode(3, argv("DEL", "a"))));
    }

    @Test
    void binaryAndEmptyArgumentsAreLengthPrefixed() {
        StreamEncoder e = new StreamEncoder();
        e.encode(0, argv("PING"));
        byte[][] a = {"SET".getBytes(StandardCharsets.US_ASCII), new byte[] {0, '\r', '\n'}, new byte[0]};
        assertEquals("*3\r\n$3\r\nSET\r\n$3\r\n\0\r\n\r\n$0\r\n\r\n", new String(e.encode(0, a), StandardCharsets.ISO_8859_1));
    }
}
