package dev.rkv.kvserver.repl;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SyncStreamsTest {
    /** Hands out at most a few bytes per read, as a socket may. */
    private static final class Trickle extends InputStream {
        private final InputStream in;
        private final Random rnd = new Random(7);

        Trickle(byte[] data) {
            in = new ByteArrayInputStream(data);
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, Math.min(len, 1 + rnd.nextInt(7)));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[13];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void eofMarkedStreamEndsAtTheMarkAndHidesIt() throws IOException {
        byte[] mark = ReplicationIds.random().getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[5000];
        new Random(1).nextBytes(payload);
        byte[] wire = new byte[payload.length + mark.length];
        System.arraycopy(payload, 0, wire, 0, payload.length);
        System.arraycopy(mark, 0, wire, payload.length, mark.length);
        SyncStreams.EofMarked s = new SyncStreams.EofMarked(new Trickle(wire), mark);
        assertArrayEquals(payload, readAll(s));
        assertEquals(payload.length, s.bytesRead());
        assertEquals(-1, s.read());
    }

    @Test
    void eofMarkedStreamWithAnEmptyPayload() throws IOException {
        byte[] mark = ReplicationIds.random().getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(new byte[0], readAll(new SyncStreams.EofMarked(new Trickle(mark), mark)));
    }

    @Test
    void eofMarkedStreamCutShortFails() {
        byte[] mark = ReplicationIds.random().getBytes(StandardCharsets.US_ASCII);
        byte[] wire = Arrays.copyOf(mark, 30);
        assertThrows(EOFException.class, () -> readAll(new SyncStreams.EofMarked(new Trickle(wire), mark)));
    }

    @Test
    void boundedStreamStopsAtItsLengthAndLeavesTheRest() throws IOException {
        byte[] wire = "0123456789rest".getBytes(StandardCharsets.US_ASCII);
        InputStream under = new Trickle(wire);
        SyncStreams.Bounded s = new SyncStreams.Bounded(under, 10);
        assertArrayEquals("0123456789".getBytes(StandardCharsets.US_ASCII), readAll(s));
        assertArrayEquals("rest".getBytes(StandardCharsets.US_ASCII), readAll(under));
    }

    @Test
    void boundedStreamCutShortFails() {
        assertThrows(EOFException.class, () -> readAll(new SyncStreams.Bounded(new Trickle(new byte[5]), 10)));
    }
}
