package dev.rkv.kvserver.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RedisReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Sends the same bytes to a real redis-server 7.0 and to our parser, and checks that Redis's replies
 * are exactly what our parse predicts: one reply per command, the argv of every
 * {@code EVAL "return ARGV" 0 ...} echoed back, and the same protocol error as the last reply.
 */
class RespParserRedisDifferentialIT {

    private static final byte[][] ECHO_ARGV = {
        ParserDriver.bytes("EVAL"), ParserDriver.bytes("return ARGV"), ParserDriver.bytes("0")};

    private static RedisReference open;
    private static RedisReference locked;

    @BeforeAll
    static void startRedis() throws IOException, InterruptedException {
        open = RedisReference.start();
        // Password set after start: RedisReference waits for an unauthenticated PONG.
        locked = RedisReference.start();
        try (Jedis j = locked.jedis()) {
            j.configSet("requirepass", "secret");
        }
    }

    @AfterAll
    static void stopRedis() {
        if (open != null) {
            open.close();
        }
        if (locked != null) {
            locked.close();
        }
    }

    @Test
    void edgeCasesGetTheRepliesRedisGives() throws IOException {
        String[] cases = {
            "*abc\r\n", "*\r\n", "*+1\r\n", "*01\r\n", "*-0\r\n", "* 1\r\n", "*99999999999999999999\r\n",
            "*1\r\n$x\r\n", "*1\r\n$-1\r\n", "*1\r\n$\r\n", "*1\r\n$536870913\r\n", "*1\r\n:1\r\n",
            "*1\r\n\r\n", "*1\r\n\n\r\n", "ECHO \"a\"b\r\n", "ECHO 'a'b\r\n", "ECHO \"abc\r\n", "ECHO 'abc\r\n",
            "ECHO \"abc\\\"\r\n", "*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n", "\r\n\n   \r\n\t\nPING\r\n",
            "*2\r\n$4\r\nECHO\r\n$1\r\nkyy*1\r\n$4\r\nPING\r\n", "*1\rX$4\rYPING\r\n", "*1\r\n\u00ff1\r\n",
            "*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n", "*1\r\n$9223372036854775808\r\n",
            "ECHO \"\\x4g\"\r\n", "ECHO 'it\\'s'\r\n", "ECHO \"a\\qb\"\r\n", "ECHO a\u000bb\r\n", "\u000bECHO x\r\n",
            "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", "*1\r\n*1\r\n", "*1\r\n$4\r\r\nPING\r\n", "ECHO \"a\"\u000b\r\n",
            "ECHO \"\\\r\n", "PING a\u0000b\r\n*1\r\n$4\r\nPING\r\n", "*1\u0000\r\n", "*1\r\n$4\u0000\r\nPING\r\n",
            "*1\r\u0000$4\r\nPING\r\n", "EVAL \"return ARGV\" 0 \"\\x41\\n\" '\\'' \"\" x\r\n",
        };
        for (String c : cases) {
            assertSameAsRedis(open, ParserDriver.bytes(c), true);
        }
        assertSameAsRedis(open, ParserDriver.bytes("*" + "1".repeat(70_000)), true);
        assertSameAsRedis(open, ParserDriver.bytes("*1\r\n$" + "1".repeat(70_000)), true);
        assertSameAsRedis(open, ParserDriver.bytes("x".repeat(70_000)), true);
        assertSameAsRedis(open, ParserDriver.bytes("x".repeat(70_000) + "\n"), true);
        assertSameAsRedis(open, ParserDriver.bytes("*1\r\n$" + "9".repeat(70_000) + "\r\n"), true);
    }

    @Test
    void unauthenticatedLimitsMatchRedis() throws IOException {
        // Not "*2000000": Redis 7.0 accepts counts up to INT_MAX, our default maxMultibulkLen is 1 Mi.
        String[] cases = {
            "*11\r\n", "*10\r\n$16384\r\n", "*1\r\n$16385\r\n", "*1\r\n$4\r\nPING\r\n",
        };
        for (String c : cases) {
            assertSameAsRedis(locked, ParserDriver.bytes(c), false);
        }
    }

    @Test
    void generatedAndMutatedPipelinesGetTheRepliesRedisGives() throws IOException {
        Random rnd = new Random(7001);
        for (int i = 0; i < 300; i++) {
            byte[] input = RespInputs.generate(rnd, ECHO_ARGV).bytes();
            if (rnd.nextInt(5) < 3) {
                input = RespInputs.mutate(input, rnd);
            }
            boolean authenticated = rnd.nextInt(4) != 0;
            assertSameAsRedis(authenticated ? open : locked, input, authenticated);
        }
    }

    private static void assertSameAsRedis(RedisReference redis, byte[] input, boolean authenticated)
            throws IOException {
        RespParser parser = new RespParser(ProtocolLimits.DEFAULTS);
        parser.authenticated(authenticated);
        List<Object> expected = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(input);
        while (true) {
            RespParser.Status s = parser.parse(in);
            if (s == RespParser.Status.NEED_MORE) {
                break;
            }
            if (s == RespParser.Status.ERROR) {
                expected.add("-ERR " + parser.error());
                break;
            }
            expected.add(parser.command());
        }
        List<Object> replies = new RespReplyReader(exchange(redis, input)).readAll();
        String context = "input " + Arrays.toString(Arrays.copyOf(input, Math.min(input.length, 120)));
        assertEquals(expected.size(), replies.size(), context + " replies " + replies);
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            Object r = replies.get(i);
            if (e instanceof String) {
                assertEquals(e, r, context);
            } else if (authenticated && isEchoArgv((byte[][]) e)) {
                byte[][] argv = (byte[][]) e;
                assertTrue(r instanceof List, context + " reply " + r);
                List<?> echoed = (List<?>) r;
                assertEquals(argv.length - 3, echoed.size(), context);
                for (int k = 3; k < argv.length; k++) {
                    assertArrayEquals(argv[k], (byte[]) echoed.get(k - 3), context);
                }
            }
        }
    }

    private static boolean isEchoArgv(byte[][] argv) {
        return argv.length >= 3 && ParserDriver.str(argv[0]).equalsIgnoreCase("EVAL")
                && Arrays.equals(argv[1], ECHO_ARGV[1]) && Arrays.equals(argv[2], ECHO_ARGV[2]);
    }

    /** Sends input, half-closes, and reads until Redis closes the connection. */
    private static byte[] exchange(RedisReference redis, byte[] input) throws IOException {
        try (Socket s = new Socket("127.0.0.1", redis.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(input);
            s.getOutputStream().flush();
            s.shutdownOutput();
            InputStream is = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            is.transferTo(out);
            return out.toByteArray();
        }
    }

    /** Minimal RESP2 reply reader: simple strings and errors with their prefix, integers, bulks, arrays. */
    private static final class RespReplyReader {
        private final byte[] b;
        private int pos;

        RespReplyReader(byte[] b) {
            this.b = b;
        }

        List<Object> readAll() {
            List<Object> out = new ArrayList<>();
            while (pos < b.length) {
                out.add(read());
            }
            return out;
        }

        private Object read() {
            byte type = b[pos++];
            String line = line();
            switch (type) {
                case '+':
                case '-':
                    return (char) type + line;
                case ':':
                    return Long.parseLong(line);
                case '$': {
                    int n = Integer.parseInt(line);
                    if (n < 0) {
                        return null;
                    }
                    byte[] v = Arrays.copyOfRange(b, pos, pos + n);
                    pos += n + 2;
                    return v;
                }
                case '*': {
                    int n = Integer.parseInt(line);
                    List<Object> items = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        items.add(read());
                    }
                    return items;
                }
                default:
                    throw new AssertionError("unexpected reply type " + (char) type);
            }
        }

        private String line() {
            int start = pos;
            while (b[pos] != '\r') {
                pos++;
            }
            String s = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            pos += 2;
            return s;
        }
    }
}
