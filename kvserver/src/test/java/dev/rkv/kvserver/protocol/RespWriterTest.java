package dev.rkv.kvserver.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RespWriterTest {

    /** Encodes with the given protocol and returns the bytes as a Latin-1 string. */
    private static String encode(int protocol, Consumer<RespWriter> body) {
        RespWriter w = new RespWriter();
        w.protocol(protocol);
        body.accept(w);
        return drain(w);
    }

    private static String drain(RespWriter w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(w.writeTo(Channels.newChannel(out)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(0, w.pending());
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String both(Consumer<RespWriter> body) {
        return encode(2, body) + "|" + encode(3, body);
    }

    @Test
    void simpleStringIsPlusLine() {
        assertEquals("+OK\r\n", encode(2, w -> w.simple("OK")));
    }

    @Test
    void errorIsMinusLineWithNewlinesReplaced() {
        assertEquals("-ERR bad  thing\r\n", encode(2, w -> w.error("ERR bad\r\nthing")));
        assertEquals("-WRONGTYPE x\r\n", encode(3, w -> w.error("WRONGTYPE x")));
        assertEquals("-ERR x\r\n", encode(2, w -> w.error("-ERR x")));
    }

    @Test
    void integersAreEncodedExactly() {
        assertEquals(":0\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n:1000\r\n",
                encode(2, w -> w.integer(0).integer(-1).integer(Long.MAX_VALUE).integer(Long.MIN_VALUE)
                        .integer(1000)));
    }

    @Test
    void bulkStringsAreEncodedExactly() {
        assertEquals("$3\r\nabc\r\n$0\r\n\r\n$2\r\n\u00c3\u00a9\r\n$2\r\nbc\r\n$3\r\n-12\r\n",
                encode(2, w -> w.bulk("abc".getBytes(StandardCharsets.US_ASCII)).bulk("").bulk("é")
                        .bulk("abc".getBytes(StandardCharsets.US_ASCII), 1, 2).bulk(-12L)));
    }

    @Test
    void bulkFromABufferCopiesItsRangeWithoutMovingIt() {
        ByteBuffer direct = ByteBuffer.allocateDirect(100_000);
        Random r = new Random(7);
        byte[] all = new byte[direct.capacity()];
        r.nextBytes(all);
        direct.put(0, all).position(5);
        // Longer than a chunk of the writer, so the copy spans several.
        String got = encode(2, w -> w.bulk(direct, 3, 70_000).bulk(direct, 99_999, 1).bulk(direct, 0, 0));
        String want = "$70000\r\n" + new String(all, 3, 70_000, StandardCharsets.ISO_8859_1) + "\r\n$1\r\n"
            + new String(all, 99_999, 1, StandardCharsets.ISO_8859_1) + "\r\n$0\r\n\r\n";
        assertEquals(want, got);
        assertEquals(5, direct.position());
        assertThrows(IndexOutOfBoundsException.class, () -> new RespWriter().bulk(direct, 99_999, 2));
    }

    @Test
    void nullsDifferByProtocol() {
        assertEquals("$-1\r\n*-1\r\n$-1\r\n|_\r\n_\r\n_\r\n",
                both(w -> w.nullBulk().nullArray().bulk((byte[]) null)));
    }

    @Test
    void aggregatesDifferByProtocol() {
        assertEquals("*2\r\n*4\r\n*3\r\n*1\r\n|*2\r\n%2\r\n~3\r\n>1\r\n",
                both(w -> w.array(2).map(2).set(3).push(1)));
    }

    @Test
    void booleansDifferByProtocol() {
        assertEquals(":1\r\n:0\r\n|#t\r\n#f\r\n", both(w -> w.bool(true).bool(false)));
    }

    @Test
    void verbatimIsBulkInResp2() {
        assertEquals("$5\r\nhello\r\n|=9\r\ntxt:hello\r\n", both(w -> w.verbatim("hello")));
    }

    @Test
    void doublesDifferByProtocol() {
        assertEquals("$1\r\n3\r\n$4\r\n10.5\r\n$3\r\ninf\r\n$4\r\n-inf\r\n|,3\r\n,10.5\r\n,inf\r\n,-inf\r\n",
                both(w -> w.doubleValue(3.0).doubleValue(10.5).doubleValue(Double.POSITIVE_INFINITY)
                        .doubleValue(Double.NEGATIVE_INFINITY)));
    }

    @Test
    void doublesFormatLikeRedis70PercentDot17g() {
        // Expected values printed by glibc printf("%.17g").
        assertEquals("3", RespWriter.formatDouble(3.0));
        assertEquals("10.5", RespWriter.formatDouble(10.5));
        assertEquals("0.10000000000000001", RespWriter.formatDouble(0.1));
        assertEquals("1.0000000000000001e+300", RespWriter.formatDouble(1e300));
        assertEquals("1.5e-05", RespWriter.formatDouble(1.5e-5));
        assertEquals("123456789.123", RespWriter.formatDouble(123456789.123));
        assertEquals("1e+17", RespWriter.formatDouble(1e17));
        assertEquals("-2.4999999999999999e-07", RespWriter.formatDouble(-2.5e-7));
        assertEquals("0", RespWriter.formatDouble(0.0));
        assertEquals("-0", RespWriter.formatDouble(-0.0));
        assertEquals("nan", RespWriter.formatDouble(Double.NaN));
    }

    @Test
    void doublesMatchGlibcPrintfOnAFixtureOfValues() {
        for (Object[] c : GlibcDoubleFixture.CASES) {
            double d = Double.longBitsToDouble((Long) c[0]);
            assertEquals(c[1], RespWriter.formatDouble(d), () -> "bits " + Long.toHexString((Long) c[0]));
        }
    }

    @Test
    void rawBytesAreCopiedAsIs() {
        assertEquals("+OK\r\n-ERR syntax error\r\n", encode(3, w -> w.raw(Replies.OK).raw(Replies.SYNTAX_ERR)));
    }

    @Test
    void protocolOtherThanTwoOrThreeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RespWriter().protocol(4));
    }

    @Test
    void bigBulkIsWrittenInOrderBetweenSmallReplies() {
        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        RespWriter w = new RespWriter();
        w.simple("A").bulk(big).integer(5);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("+A\r\n$100000\r\n".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(big);
        expected.writeBytes("\r\n:5\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(expected.size(), w.pending());
        assertEquals(expected.toString(StandardCharsets.ISO_8859_1), drain(w));
    }

    @Test
    void writeToPlainChannelTakingFewBytesDrainsCorrectly() throws IOException {
        assertTrickleDrains(new TrickleChannel(7));
    }

    @Test
    void writeToGatheringChannelTakingFewBytesDrainsCorrectly() throws IOException {
        assertTrickleDrains(new GatheringTrickleChannel(7));
    }

    private static void assertTrickleDrains(TrickleChannel ch) throws IOException {
        RespWriter w = new RespWriter();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Random rnd = new Random(3);
        for (int i = 0; i < 200; i++) {
            byte[] v = new byte[rnd.nextInt(40_000)];
            rnd.nextBytes(v);
            w.bulk(v).integer(i);
            expected.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(v);
            expected.writeBytes(("\r\n:" + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (i % 50 == 49) {
                // Interleave partial drains with more encoding.
                w.writeTo(ch);
                ch.open();
            }
        }
        assertEquals(expected.size(), w.pending() + ch.out.size());
        int calls = 0;
        while (!w.writeTo(ch)) {
            ch.open();
            assertTrue(++calls < 10_000_000, "no progress");
        }
        assertArrayEquals(expected.toByteArray(), ch.out.toByteArray());
        assertEquals(0, w.pending());
    }

    @Test
    void oneMegabyteBulkIsOfferedAWindowAtATime() throws IOException {
        assertWindowed(new OfferRecordingChannel(100_000), false);
        assertWindowed(new OfferRecordingChannel(100_000), true);
        assertWindowed(new OfferRecordingChannel(Integer.MAX_VALUE), true);
    }

    /**
     * A 1 MB value between small replies reaches the channel intact, and no write is offered more
     * than the window (the JDK copies whatever is offered before it writes).
     */
    private static void assertWindowed(OfferRecordingChannel ch, boolean gathering) throws IOException {
        byte[] value = new byte[1 << 20];
        new Random(5).nextBytes(value);
        RespWriter w = new RespWriter();
        w.integer(1).bulk(value).integer(2).bulk(value).simple("OK");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 1; i <= 2; i++) {
            expected.writeBytes((":" + i + "\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(value);
            expected.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        expected.writeBytes("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
        WritableByteChannel target = gathering ? ch.gathering() : ch;
        int calls = 0;
        while (!w.writeTo(target)) {
            assertTrue(++calls < 1000, "no progress");
        }
        assertArrayEquals(expected.toByteArray(), ch.out.toByteArray());
        assertTrue(ch.maxOffered <= RespWriter.WRITE_WINDOW, "offered " + ch.maxOffered);
        assertEquals(0, w.pending());
    }

    /** Takes at most {@code perCall} bytes a write and records the most bytes a write was offered. */
    static final class OfferRecordingChannel implements WritableByteChannel {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int perCall;
        long maxOffered;

        OfferRecordingChannel(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        long write(ByteBuffer[] srcs, int offset, int length) {
            long offered = 0;
            for (int i = offset; i < offset + length; i++) {
                offered += srcs[i].remaining();
            }
            maxOffered = Math.max(maxOffered, offered);
            long budget = perCall;
            long taken = 0;
            for (int i = offset; i < offset + length && budget > 0; i++) {
                int n = (int) Math.min(budget, srcs[i].remaining());
                byte[] b = new byte[n];
                srcs[i].get(b);
                out.writeBytes(b);
                budget -= n;
                taken += n;
            }
            return taken;
        }

        GatheringByteChannel gathering() {
            OfferRecordingChannel self = this;
            return new GatheringByteChannel() {
                @Override
                public long write(ByteBuffer[] srcs, int offset, int length) {
                    return self.write(srcs, offset, length);
                }

                @Override
                public long write(ByteBuffer[] srcs) {
                    return self.write(srcs, 0, srcs.length);
                }

                @Override
                public int write(ByteBuffer src) {
                    return self.write(src);
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void bulkCopyIsUnaffectedByLaterChangesToTheArray() {
        byte[] big = new byte[50_000];
        RespWriter w = new RespWriter();
        w.bulkCopy(big, 0, big.length);
        big[0] = 'x';
        String out = drain(w);
        assertEquals("$50000\r\n\u0000", out.substring(0, 9));
        assertEquals(50_000 + 10, out.length());
    }

    @Test
    void writerIsReusableAfterDrainAndClear() {
        RespWriter w = new RespWriter();
        w.simple("A");
        assertEquals("+A\r\n", drain(w));
        w.simple("B");
        w.clear();
        assertEquals(0, w.pending());
        w.simple("C");
        assertEquals("+C\r\n", drain(w));
    }

    /** A channel that accepts at most {@code perCall} bytes, then nothing until opened again. */
    static class TrickleChannel implements WritableByteChannel {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int perCall;
        private int budget;

        TrickleChannel(int perCall) {
            this.perCall = perCall;
            this.budget = perCall;
        }

        void open() {
            budget = perCall;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(budget, src.remaining());
            for (int i = 0; i < n; i++) {
                out.write(src.get());
            }
            budget -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** The same, taking gathering writes. */
    static final class GatheringTrickleChannel extends TrickleChannel implements GatheringByteChannel {
        GatheringTrickleChannel(int perCall) {
            super(perCall);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }
    }
}
