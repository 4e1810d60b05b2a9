package dev.rkv.kvserver.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized tests: generated pipelines (whose commands are known) fed in random splits,
 * and the same pipelines mutated, which must only ever give commands, NEED_MORE or a protocol error.
 */
class RespParserFuzzTest {

    private static final Pattern PROTOCOL_ERROR = Pattern.compile("Protocol error: ("
            + "invalid multibulk length|invalid bulk length|expected '\\$', got '.'|too big mbulk count string"
            + "|too big bulk count string|too big inline request|unbalanced quotes in request"
            + "|unauthenticated multibulk length|unauthenticated bulk length)", Pattern.DOTALL);

    private static final byte[] INTERESTING = ParserDriver.bytes("*$\r\n\"'\\ x0123456789-+\t\u0000\u00ff");

    /** A pipeline and the events the parser must produce for it. */
    private record Pipeline(byte[] bytes, List<String> expected) {
    }

    @Test
    void generatedPipelinesParseToTheirCommandsWhateverTheSplit() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Random rnd = new Random(20261121L);
            for (int i = 0; i < 1500; i++) {
                Pipeline p = generate(rnd);
                assertEquals(p.expected(), ParserDriver.feedWhole(parser(), p.bytes()), "iteration " + i);
                assertEquals(p.expected(), ParserDriver.feedRandom(parser(), p.bytes(), rnd, 1 + rnd.nextInt(64)),
                        "iteration " + i);
                if (i % 10 == 0) {
                    assertEquals(p.expected(), ParserDriver.feedBytewise(parser(), p.bytes()), "iteration " + i);
                }
            }
        });
    }

    @Test
    void mutatedInputNeverThrowsNorStallsAndOnlyFailsWithProtocolErrors() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Random rnd = new Random(977L);
            for (int i = 0; i < 4000; i++) {
                byte[] input = mutate(generate(rnd).bytes(), rnd);
                ProtocolLimits limits = rnd.nextBoolean() ? ProtocolLimits.DEFAULTS
                        : new ProtocolLimits(1024, 8, 64);
                boolean auth = rnd.nextInt(4) != 0;
                List<String> whole = ParserDriver.feedWhole(parser(limits, auth), input);
                List<String> split = ParserDriver.feedRandom(parser(limits, auth), input, rnd, 1 + rnd.nextInt(32));
                for (List<String> events : List.of(whole, split)) {
                    for (int e = 0; e < events.size(); e++) {
                        String event = events.get(e);
                        if (event.startsWith("ERROR:")) {
                            assertTrue(PROTOCOL_ERROR.matcher(event.substring(6)).matches(), event);
                            assertEquals(events.size() - 1, e, "events after an error");
                        }
                    }
                }
                // "Too big" limits are checked when input runs out, so they may depend on the split (as in
                // Redis). Everything else must not.
                if (!String.join("", whole).contains("too big") && !String.join("", split).contains("too big")) {
                    assertEquals(whole, split, "iteration " + i);
                }
            }
        });
    }

    @Test
    void randomBytesNeverThrowNorStall() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Random rnd = new Random(5L);
            for (int i = 0; i < 3000; i++) {
                byte[] input = new byte[rnd.nextInt(200)];
                for (int j = 0; j < input.length; j++) {
                    input[j] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256)
                            : INTERESTING[rnd.nextInt(INTERESTING.length)];
                }
                List<String> events = ParserDriver.feedRandom(parser(), input, rnd, 1 + rnd.nextInt(16));
                for (String event : events) {
                    if (event.startsWith("ERROR:")) {
                        assertTrue(PROTOCOL_ERROR.matcher(event.substring(6)).matches(), event);
                    }
                }
            }
        });
    }

    private static RespParser parser() {
        return new RespParser(ProtocolLimits.DEFAULTS);
    }

    private static RespParser parser(ProtocolLimits limits, boolean authenticated) {
        RespParser p = new RespParser(limits);
        p.authenticated(authenticated);
        return p;
    }

    // ------------------------------------------------------------------ generation

    private static Pipeline generate(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        int commands = 1 + rnd.nextInt(5);
        for (int c = 0; c < commands; c++) {
            switch (rnd.nextInt(6)) {
                case 0:
                case 1:
                case 2: {
                    List<byte[]> args = randomArgs(rnd, true);
                    out.writeBytes(ParserDriver.bytes("*" + args.size() + "\r\n"));
                    for (byte[] a : args) {
                        out.writeBytes(ParserDriver.bytes("$" + a.length + "\r\n"));
                        out.writeBytes(a);
                        out.writeBytes(ParserDriver.bytes("\r\n"));
                    }
                    expected.add(describe(args, false));
                    break;
                }
                case 3: {
                    List<byte[]> args = randomArgs(rnd, false);
                    StringBuilder line = new StringBuilder();
                    for (byte[] a : args) {
                        line.append(rnd.nextBoolean() ? " " : "\t").append(quote(a, rnd));
                    }
                    line.append(rnd.nextBoolean() ? "\r\n" : "\n");
                    out.writeBytes(ParserDriver.bytes(line.toString()));
                    expected.add(describe(args, true));
                    break;
                }
                case 4:
                    out.writeBytes(ParserDriver.bytes(rnd.nextBoolean() ? "*0\r\n" : "*-1\r\n"));
                    break;
                default:
                    out.writeBytes(ParserDriver.bytes(rnd.nextBoolean() ? "\r\n" : " \t \n"));
                    break;
            }
        }
        return new Pipeline(out.toByteArray(), expected);
    }

    private static List<byte[]> randomArgs(Random rnd, boolean allowEmpty) {
        int n = 1 + rnd.nextInt(5);
        List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = rnd.nextInt(10) == 0 ? rnd.nextInt(3000) : rnd.nextInt(12);
            if (!allowEmpty && len == 0 && i == 0) {
                len = 1;
            }
            byte[] a = new byte[len];
            for (int j = 0; j < len; j++) {
                a[j] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : (byte) ('a' + rnd.nextInt(26));
            }
            args.add(a);
        }
        return args;
    }

    /** Inline form of one argument: plain when safe, else double-quoted with escapes (sdscatrepr style). */
    private static String quote(byte[] a, Random rnd) {
        boolean plain = a.length > 0;
        for (byte b : a) {
            int c = b & 0xFF;
            if (c <= ' ' || c == '"' || c == '\'' || c == 0x7F || c == 0x0B || c == 0x0C) {
                plain = false;
            }
        }
        if (plain && rnd.nextInt(3) != 0) {
            return ParserDriver.str(a);
        }
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : a) {
            int c = b & 0xFF;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < ' ' || c >= 0x7F || rnd.nextInt(20) == 0) {
                        sb.append(String.format("\\x%02x", c));
                    } else {
                        sb.append((char) c);
                    }
                    break;
            }
        }
        return sb.append('"').toString();
    }

    private static String describe(List<byte[]> args, boolean inline) {
        List<String> s = new ArrayList<>();
        for (byte[] a : args) {
            s.add(ParserDriver.str(a));
        }
        return (inline ? "inline" : "") + s;
    }

    // ------------------------------------------------------------------ mutation

    private static byte[] mutate(byte[] input, Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(input);
        byte[] b = out.toByteArray();
        int mutations = rnd.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(5)) {
                case 0:
                    b[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                    break;
                case 1:
                    b[at] = (byte) rnd.nextInt(256);
                    break;
                case 2: {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                    break;
                }
                case 3: {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                    break;
                }
                default:
                    b = java.util.Arrays.copyOf(b, at);
                    break;
            }
        }
        return b;
    }
}
