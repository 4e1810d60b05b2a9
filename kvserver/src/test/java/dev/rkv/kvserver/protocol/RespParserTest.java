package dev.rkv.kvserver.protocol;

import static dev.rkv.kvserver.protocol.ParserDriver.bytes;
import static dev.rkv.kvserver.protocol.ParserDriver.feedBytewise;
import static dev.rkv.kvserver.protocol.ParserDriver.feedRandom;
import static dev.rkv.kvserver.protocol.ParserDriver.feedWhole;
import static dev.rkv.kvserver.protocol.ParserDriver.multibulk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespParserTest {

    private static RespParser parser() {
        return new RespParser(ProtocolLimits.DEFAULTS);
    }

    private static List<String> parse(String input) {
        return feedWhole(parser(), bytes(input));
    }

    // ------------------------------------------------------------------ valid input

    @Test
    void multibulkCommandIsParsed() {
        assertEquals(List.of("[SET, key, value]"), parse("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"));
    }

    @Test
    void pipelineYieldsOneCommandPerCall() {
        RespParser p = parser();
        ByteBuffer in = ByteBuffer.wrap(bytes("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
        assertEquals(RespParser.Status.COMMAND, p.parse(in));
        assertEquals("[PING]", ParserDriver.describe(p, RespParser.Status.COMMAND));
        assertEquals(14, in.position());
        assertEquals(RespParser.Status.COMMAND, p.parse(in));
        assertEquals("[GET, k]", ParserDriver.describe(p, RespParser.Status.COMMAND));
        assertEquals(RespParser.Status.NEED_MORE, p.parse(in));
        assertFalse(in.hasRemaining());
    }

    @Test
    void commandArrayIsFreshPerCommand() {
        RespParser p = parser();
        ByteBuffer in = ByteBuffer.wrap(bytes("*1\r\n$1\r\na\r\n*1\r\n$1\r\nb\r\n"));
        p.parse(in);
        byte[][] first = p.command();
        p.parse(in);
        assertNotSame(first, p.command());
        assertEquals("a", ParserDriver.str(first[0]));
    }

    @Test
    void binaryBulkKeepsEveryByteIncludingCrlfAndNul() {
        byte[] value = {0, '\r', '\n', (byte) 0xFF, '*', '$'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("*1\r\n$6\r\n"));
        out.writeBytes(value);
        out.writeBytes(bytes("\r\n"));
        RespParser p = parser();
        assertEquals(RespParser.Status.COMMAND, p.parse(ByteBuffer.wrap(out.toByteArray())));
        assertArrayEquals(value, p.command()[0]);
    }

    @Test
    void emptyBulkIsAnEmptyArgument() {
        assertEquals(List.of("[ECHO, ]"), parse("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"));
    }

    @Test
    void emptyAndNullMultibulksAreSkipped() {
        assertEquals(List.of("[PING]"), parse("*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n"));
    }

    @Test
    void emptyInlineLinesAreSkipped() {
        assertEquals(List.of("inline[PING]"), parse("\r\n\n   \r\n\t\nPING\r\n"));
    }

    @Test
    void bytesAfterBulkPayloadAreSkippedUncheckedLikeRedis() {
        assertEquals(List.of("[GET, k]"), parse("*2\r\n$3\r\nGETxx$1\r\nkyy"));
    }

    @Test
    void byteAfterHeaderCarriageReturnIsSkippedWhateverItIs() {
        assertEquals(List.of("[GET]"), parse("*1\rX$3\rYGET\r\n"));
    }

    @Test
    void multibulkWithManyArgumentsGrowsArgvToExactLength() {
        int n = 3000;
        StringBuilder sb = new StringBuilder("*" + n + "\r\n");
        for (int i = 0; i < n; i++) {
            String a = Integer.toString(i);
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        RespParser p = parser();
        assertEquals(RespParser.Status.COMMAND, p.parse(ByteBuffer.wrap(bytes(sb.toString()))));
        assertEquals(n, p.command().length);
        assertEquals("2999", ParserDriver.str(p.command()[n - 1]));
    }

    @Test
    void largeBulkSplitAcrossReadsIsAssembled() {
        int len = 1_000_000;
        byte[] value = new byte[len];
        new Random(7).nextBytes(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("*1\r\n$" + len + "\r\n"));
        out.writeBytes(value);
        out.writeBytes(bytes("\r\n"));
        byte[] input = out.toByteArray();
        RespParser p = parser();
        RespParser.Status last = null;
        for (int off = 0; off < input.length; off += 16384) {
            last = p.parse(ByteBuffer.wrap(input, off, Math.min(16384, input.length - off)));
        }
        assertEquals(RespParser.Status.COMMAND, last);
        assertArrayEquals(value, p.command()[0]);
    }

    // ------------------------------------------------------------------ inline

    @Test
    void inlineSplitsOnBlanks() {
        assertEquals(List.of("inline[SET, a, b]"), parse("SET  a\tb \r\n"));
    }

    @Test
    void inlineLineMayEndWithBareNewline() {
        assertEquals(List.of("inline[GET, k]"), parse("GET k\n"));
    }

    @Test
    void inlineDoubleQuotesTakeEscapes() {
        assertEquals(List.of("inline[SET, k, a\nb\r\t\b\u0007\"\\z, A\u00ff]"),
                parse("SET k \"a\\nb\\r\\t\\b\\a\\\"\\\\z\" \"\\x41\\xff\"\r\n"));
    }

    @Test
    void inlineIncompleteHexEscapeKeepsTheX() {
        assertEquals(List.of("inline[x4g]"), parse("\"\\x4g\"\r\n"));
    }

    @Test
    void inlineSingleQuotesOnlyEscapeTheQuote() {
        assertEquals(List.of("inline[SET, it's, a\\nb]"), parse("SET 'it\\'s' 'a\\nb'\r\n"));
    }

    @Test
    void inlineEmptyQuotesGiveEmptyArgument() {
        assertEquals(List.of("inline[SET, k, ]"), parse("SET k \"\"\r\n"));
    }

    @Test
    void inlineQuoteInsideWordJoinsTheWord() {
        assertEquals(List.of("inline[foobar baz]"), parse("foo\"bar baz\"\r\n"));
    }

    @Test
    void inlineCarriageReturnInsideLineSeparatesArguments() {
        assertEquals(List.of("inline[a, b]"), parse("a\rb\r\n"));
    }

    @Test
    void inlineClosingQuoteFollowedByNonSpaceIsUnbalanced() {
        assertEquals(List.of("ERROR:Protocol error: unbalanced quotes in request"), parse("SET \"a\"b\r\n"));
        assertEquals(List.of("ERROR:Protocol error: unbalanced quotes in request"), parse("SET 'a'b\r\n"));
    }

    @Test
    void inlineUnterminatedQuotesAreUnbalanced() {
        assertEquals(List.of("ERROR:Protocol error: unbalanced quotes in request"), parse("SET \"abc\r\n"));
        assertEquals(List.of("ERROR:Protocol error: unbalanced quotes in request"), parse("SET 'abc\r\n"));
        assertEquals(List.of("ERROR:Protocol error: unbalanced quotes in request"), parse("SET \"abc\\\"\r\n"));
    }

    @Test
    void inlineFromReadOnlyAndDirectBuffersParsesTheSame() {
        byte[] input = bytes("SET \"a b\" c\r\n");
        RespParser p = parser();
        assertEquals(RespParser.Status.COMMAND, p.parse(ByteBuffer.wrap(input).asReadOnlyBuffer()));
        assertEquals("inline[SET, a b, c]", ParserDriver.describe(p, RespParser.Status.COMMAND));
        ByteBuffer direct = ByteBuffer.allocateDirect(input.length);
        direct.put(input).flip();
        assertEquals(RespParser.Status.COMMAND, p.parse(direct));
        assertEquals("inline[SET, a b, c]", ParserDriver.describe(p, RespParser.Status.COMMAND));
    }

    // ------------------------------------------------------------------ errors

    @Test
    void nonNumericMultibulkLengthIsInvalid() {
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*abc\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*+1\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*01\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*-0\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("* 1\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*99999999999999999999\r\n"));
    }

    @Test
    void multibulkLengthAboveLimitIsInvalid() {
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), parse("*1048577\r\n"));
        RespParser p = new RespParser(ProtocolLimits.DEFAULTS.withMaxMultibulkLen(2));
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), feedWhole(p, bytes("*3\r\n")));
    }

    @Test
    void multibulkLengthAtLimitIsAccepted() {
        RespParser p = new RespParser(ProtocolLimits.DEFAULTS.withMaxMultibulkLen(2));
        assertEquals(List.of("[a, b]"), feedWhole(p, multibulk("a", "b")));
    }

    @Test
    void invalidBulkLengthIsReported() {
        assertEquals(List.of("ERROR:Protocol error: invalid bulk length"), parse("*1\r\n$x\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid bulk length"), parse("*1\r\n$-1\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid bulk length"), parse("*1\r\n$\r\n"));
        assertEquals(List.of("ERROR:Protocol error: invalid bulk length"), parse("*1\r\n$536870913\r\n"));
    }

    @Test
    void bulkLengthAboveProtoMaxBulkLenIsInvalid() {
        RespParser p = new RespParser(ProtocolLimits.DEFAULTS.withProtoMaxBulkLen(1024));
        assertEquals(List.of("ERROR:Protocol error: invalid bulk length"), feedWhole(p, bytes("*1\r\n$1025\r\n")));
    }

    @Test
    void bulkNotStartingWithDollarShowsTheActualChar() {
        assertEquals(List.of("ERROR:Protocol error: expected '$', got ':'"), parse("*1\r\n:1\r\n"));
        assertEquals(List.of("ERROR:Protocol error: expected '$', got 'G'"), parse("*2\r\n$3\r\nGET\r\nGET\r\n"));
    }

    @Test
    void emptyLineWhereBulkExpectedShowsASpace() {
        assertEquals(List.of("ERROR:Protocol error: expected '$', got ' '"), parse("*1\r\n\r\n"));
        assertEquals(List.of("ERROR:Protocol error: expected '$', got ' '"), parse("*1\r\n\n\r\n"));
    }

    @Test
    void multibulkCountLineWithoutCrOverLimitIsTooBig() {
        RespParser p = parser();
        byte[] input = new byte[64 * 1024 + 2];
        java.util.Arrays.fill(input, (byte) '1');
        input[0] = '*';
        assertEquals(List.of("ERROR:Protocol error: too big mbulk count string"), feedWhole(p, input));
    }

    @Test
    void bulkLengthLineWithoutCrOverLimitIsTooBig() {
        byte[] head = bytes("*1\r\n");
        byte[] input = new byte[head.length + 64 * 1024 + 1];
        java.util.Arrays.fill(input, (byte) '1');
        System.arraycopy(head, 0, input, 0, head.length);
        input[head.length] = '$';
        assertEquals(List.of("ERROR:Protocol error: too big bulk count string"), feedWhole(parser(), input));
    }

    @Test
    void headerLineAtLimitWaitsForMore() {
        byte[] input = new byte[64 * 1024];
        java.util.Arrays.fill(input, (byte) '1');
        input[0] = '*';
        assertEquals(List.of(), feedWhole(parser(), input));
    }

    @Test
    void inlineLineWithoutNewlineOverLimitIsTooBig() {
        byte[] input = new byte[64 * 1024 + 1];
        java.util.Arrays.fill(input, (byte) 'a');
        assertEquals(List.of("ERROR:Protocol error: too big inline request"), feedWhole(parser(), input));
    }

    @Test
    void inlineLongLineArrivingWithItsNewlineIsAcceptedLikeRedis() {
        byte[] input = new byte[70 * 1024];
        java.util.Arrays.fill(input, (byte) 'a');
        input[input.length - 1] = '\n';
        List<String> out = feedWhole(parser(), input);
        assertEquals(1, out.size());
        assertTrue(out.get(0).startsWith("inline[aaa"));
    }

    @Test
    void nulInInlineLineStallsLikeRedisStrchr() {
        RespParser p = parser();
        assertEquals(List.of(), feedWhole(p, bytes("GET a\u0000b\r\n*1\r\n$4\r\nPING\r\n")));
        assertTrue(p.pendingBytes() > 0);
        byte[] more = new byte[64 * 1024];
        assertEquals(RespParser.Status.ERROR, p.parse(ByteBuffer.wrap(more)));
        assertEquals("Protocol error: too big inline request", p.error());
    }

    @Test
    void nulInMultibulkCountLineStallsThenReportsTooBigCount() {
        RespParser p = parser();
        assertEquals(List.of(), feedWhole(p, bytes("*1\u0000\r\n$4\r\nPING\r\n")));
        assertEquals(RespParser.Status.ERROR, p.parse(ByteBuffer.wrap(new byte[64 * 1024])));
        assertEquals("Protocol error: too big mbulk count string", p.error());
    }

    @Test
    void nulInBulkLengthLineStallsThenReportsTooBigBulkCount() {
        RespParser p = parser();
        assertEquals(List.of(), feedWhole(p, bytes("*1\r\n$4\u0000\r\nPING\r\n")));
        assertEquals(RespParser.Status.ERROR, p.parse(ByteBuffer.wrap(new byte[64 * 1024])));
        assertEquals("Protocol error: too big bulk count string", p.error());
    }

    @Test
    void nulAfterHeaderCarriageReturnIsSkippedNotStalled() {
        assertEquals(List.of("[PING]"), parse("*1\r\u0000$4\r\nPING\r\n"));
    }

    @Test
    void unauthenticatedMultibulkOverTenIsRejected() {
        RespParser p = parser();
        p.authenticated(false);
        assertEquals(List.of("ERROR:Protocol error: unauthenticated multibulk length"), feedWhole(p, bytes("*11\r\n")));
    }

    @Test
    void unauthenticatedMultibulkOfTenIsAccepted() {
        RespParser p = parser();
        p.authenticated(false);
        String[] args = new String[10];
        java.util.Arrays.fill(args, "x");
        assertEquals(1, feedWhole(p, multibulk(args)).size());
    }

    @Test
    void unauthenticatedBulkOver16384IsRejected() {
        RespParser p = parser();
        p.authenticated(false);
        assertEquals(List.of("ERROR:Protocol error: unauthenticated bulk length"),
                feedWhole(p, bytes("*1\r\n$16385\r\n")));
    }

    @Test
    void unauthenticatedBulkOf16384IsAccepted() {
        RespParser p = parser();
        p.authenticated(false);
        assertEquals(List.of(), feedWhole(p, bytes("*1\r\n$16384\r\n")));
    }

    @Test
    void invalidLengthIsReportedBeforeUnauthenticatedLength() {
        RespParser p = parser();
        p.authenticated(false);
        assertEquals(List.of("ERROR:Protocol error: invalid multibulk length"), feedWhole(p, bytes("*2000000\r\n")));
    }

    @Test
    void failedParserStaysFailedUntilReset() {
        RespParser p = parser();
        ByteBuffer bad = ByteBuffer.wrap(bytes("*x\r\n*1\r\n$4\r\nPING\r\n"));
        assertEquals(RespParser.Status.ERROR, p.parse(bad));
        int pos = bad.position();
        assertEquals(RespParser.Status.ERROR, p.parse(bad));
        assertEquals(pos, bad.position());
        p.reset();
        assertNull(p.error());
        assertEquals(RespParser.Status.COMMAND, p.parse(ByteBuffer.wrap(multibulk("PING"))));
    }

    // ------------------------------------------------------------------ splitting

    @Test
    void pipelineFedOneByteAtATimeGivesSameCommands() {
        byte[] input = samplePipeline();
        List<String> whole = feedWhole(parser(), input);
        assertEquals(6, whole.size());
        assertEquals(whole, feedBytewise(parser(), input));
    }

    @Test
    void pipelineFedInRandomSplitsGivesSameCommands() {
        byte[] input = samplePipeline();
        List<String> whole = feedWhole(parser(), input);
        Random rnd = new Random(42);
        for (int i = 0; i < 500; i++) {
            assertEquals(whole, feedRandom(parser(), input, rnd, 1 + rnd.nextInt(40)));
        }
    }

    @Test
    void errorsAreTheSameWhateverTheSplit() {
        byte[] input = bytes("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n!1\r\n");
        List<String> whole = feedWhole(parser(), input);
        assertEquals(List.of("[PING]", "ERROR:Protocol error: expected '$', got '!'"), whole);
        assertEquals(whole, feedBytewise(parser(), input));
    }

    private static byte[] samplePipeline() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(multibulk("SET", "key:1", "x".repeat(1000)));
        out.writeBytes(multibulk("GET", "key:1"));
        out.writeBytes(bytes("*0\r\n"));
        out.writeBytes(bytes("PING\r\n\r\n"));
        out.writeBytes(multibulk("MSET", "a", "", "b", "\r\n"));
        out.writeBytes(bytes("SET k \"v \\x41\" 'q'\n"));
        out.writeBytes(multibulk("DEL", "a"));
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ memory

    @Test
    void hugeBulkLengthWithoutDataAllocatesLittle() {
        RespParser p = parser();
        assertEquals(RespParser.Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes("*1\r\n$536870000\r\n"))));
        assertTrue(p.bulkCapacity() <= RespParser.BULK_INITIAL_ALLOCATION, "capacity " + p.bulkCapacity());
    }

    @Test
    void largeBulkFromDirectBuffersArrivesWholeAndHoldsBoundedMemory() {
        // A 1 MB SET arriving 64 KB at a time through the direct buffer the event loop reads into:
        // the value comes out intact, and what the parser holds stays within a bounded multiple
        // of what was received (a length alone never buys a large allocation).
        byte[] value = new byte[1 << 20];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length + "\r\n"));
        out.writeBytes(value);
        out.writeBytes(bytes("\r\n"));
        byte[] wire = out.toByteArray();
        RespParser p = parser();
        ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
        RespParser.Status st = RespParser.Status.NEED_MORE;
        int sent = 0;
        while (sent < wire.length) {
            direct.clear();
            int n = Math.min(direct.capacity(), wire.length - sent);
            direct.put(wire, sent, n).flip();
            sent += n;
            st = p.parse(direct);
            assertEquals(0, direct.remaining());
            if (st == RespParser.Status.NEED_MORE) {
                long bound = Math.max(RespParser.BULK_INITIAL_ALLOCATION, 2L * RespParser.BULK_GROWTH * sent);
                assertTrue(p.bulkCapacity() <= bound, "capacity " + p.bulkCapacity() + " after " + sent);
            }
        }
        assertEquals(RespParser.Status.COMMAND, st);
        assertArrayEquals(value, p.command()[2]);
    }

    @Test
    void hugeMultibulkCountAllocatesLittle() {
        RespParser p = parser();
        assertEquals(RespParser.Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes("*1048576\r\n"))));
        assertEquals(RespParser.Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes("$536870000\r\nabc"))));
        assertTrue(p.bulkCapacity() <= RespParser.BULK_INITIAL_ALLOCATION);
    }

    @Test
    void pendingBytesCountsThePartialCommandAndResetsAfterIt() {
        RespParser p = parser();
        assertEquals(RespParser.Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes("*2\r\n$3\r\nGET\r\n$5\r\nab"))));
        assertEquals(19, p.pendingBytes());
        assertEquals(RespParser.Status.COMMAND, p.parse(ByteBuffer.wrap(bytes("cde\r\n"))));
        assertEquals(0, p.pendingBytes());
        assertEquals(RespParser.Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes("GET abc"))));
        assertEquals(7, p.pendingBytes());
    }
}
