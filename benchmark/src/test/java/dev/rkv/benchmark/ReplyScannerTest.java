package dev.rkv.benchmark;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReplyScannerTest {
    /** Nine top-level replies of every RESP2 shape, two of them errors, one error nested in an array. */
    private static final String REPLIES = "+OK\r\n"
        + ":1000\r\n"
        + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        + "$5\r\nhello\r\n"
        + "$-1\r\n"
        + "$0\r\n\r\n"
        + "*3\r\n$1\r\na\r\n*2\r\n:1\r\n-ERR nested\r\n*0\r\n"
        + "*-1\r\n"
        + "-ERR second\r\n";

    @Test
    void countsRepliesAndTopLevelErrors() throws ReplyScanner.ProtocolException {
        ReplyScanner s = new ReplyScanner();
        assertEquals(9, s.scan(buffer(REPLIES)));
        assertEquals(2, s.errors());
        assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", s.firstError());
    }

    @Test
    void oneByteAtATimeCountsTheSame() throws ReplyScanner.ProtocolException {
        ReplyScanner s = new ReplyScanner();
        int replies = 0;
        byte[] b = REPLIES.getBytes(StandardCharsets.US_ASCII);
        for (byte x : b) {
            replies += s.scan(ByteBuffer.wrap(new byte[] {x}));
        }
        assertEquals(9, replies);
        assertEquals(2, s.errors());
    }

    @Test
    void randomSplitsCountTheSame() throws ReplyScanner.ProtocolException {
        byte[] b = (REPLIES.repeat(20)).getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            ReplyScanner s = new ReplyScanner();
            int replies = 0;
            for (int i = 0; i < b.length; ) {
                int n = Math.min(b.length - i, 1 + random.nextInt(40));
                replies += s.scan(ByteBuffer.wrap(b, i, n));
                i += n;
            }
            assertEquals(180, replies);
            assertEquals(40, s.errors());
        }
    }

    @Test
    void aBulkLargerThanTheBufferIsSkippedAsItArrives() throws ReplyScanner.ProtocolException {
        int size = 100_000;
        String reply = "$" + size + "\r\n" + "x".repeat(size) + "\r\n";
        byte[] b = reply.getBytes(StandardCharsets.US_ASCII);
        ReplyScanner s = new ReplyScanner();
        int replies = 0;
        for (int i = 0; i < b.length; i += Client.READ_BUFFER) {
            replies += s.scan(ByteBuffer.wrap(b, i, Math.min(Client.READ_BUFFER, b.length - i)));
        }
        assertEquals(1, replies);
    }

    @Test
    void scanConsumesTheWholeBuffer() throws ReplyScanner.ProtocolException {
        ByteBuffer b = buffer("+OK\r\n:1");
        assertEquals(1, new ReplyScanner().scan(b));
        assertEquals(b.limit(), b.position());
    }

    @Test
    void noErrorMeansNoMessage() throws ReplyScanner.ProtocolException {
        ReplyScanner s = new ReplyScanner();
        s.scan(buffer("+PONG\r\n"));
        assertEquals(0, s.errors());
        assertNull(s.firstError());
    }

    @Test
    void garbageIsAProtocolError() {
        assertProtocolError("protocol error: unexpected reply type byte 'H' (rkv benchmark reads RESP2 replies)",
            "HTTP/1.1 400 Bad Request\r\n");
        assertProtocolError("protocol error: unexpected reply type byte '%' (rkv benchmark reads RESP2 replies)",
            "%1\r\n");
        assertProtocolError("protocol error: bad length in a '$' reply line: byte 'x'", "$1x\r\n");
        assertProtocolError("protocol error: empty length in a '*' reply line", "*\r\n");
        assertProtocolError("protocol error: negative length -2 in a '$' reply line", "$-2\r\n");
        assertProtocolError("protocol error: expected LF after CR in a reply line, got 'x'", "+OK\rx");
        assertProtocolError("protocol error: expected CR after a bulk reply, got 'c'", "$2\r\nabc\r\n");
        assertProtocolError("protocol error: bad length in a '$' reply line: byte '9'", "$" + "9".repeat(20) + "\r\n");
    }

    @Test
    void deepNestingIsAProtocolError() {
        assertProtocolError("protocol error: arrays nested deeper than 64", "*1\r\n".repeat(ReplyScanner.MAX_DEPTH + 1));
    }

    private static void assertProtocolError(String message, String input) {
        ReplyScanner.ProtocolException e = assertThrows(ReplyScanner.ProtocolException.class,
            () -> new ReplyScanner().scan(buffer(input)));
        assertEquals(message, e.getMessage());
    }

    private static ByteBuffer buffer(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
