package dev.rkv.kvserver.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Random request streams for the fuzz and differential tests: generated pipelines and mutations of them. */
final class RespInputs {

    /** Bytes that matter to the parser, favoured by mutations. */
    static final byte[] INTERESTING = ParserDriver.bytes("*$\r\n\"'\\ x0123456789-+\t\u0000\u00ff");

    /** A pipeline and the events the parser must produce for it. */
    record Pipeline(byte[] bytes, List<String> expected) {
    }

    private RespInputs() {
    }

    static Pipeline generate(Random rnd) {
        return generate(rnd, new byte[0][]);
    }

    /** 1-5 requests (multibulk, inline, empty multibulks, blank lines), each command starting with prefix. */
    static Pipeline generate(Random rnd, byte[][] prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        int commands = 1 + rnd.nextInt(5);
        for (int c = 0; c < commands; c++) {
            switch (rnd.nextInt(6)) {
                case 0:
                case 1:
                case 2: {
                    List<byte[]> args = randomArgs(rnd, prefix, true);
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
                    List<byte[]> args = randomArgs(rnd, prefix, false);
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

    private static List<byte[]> randomArgs(Random rnd, byte[][] prefix, boolean allowEmpty) {
        int n = 1 + rnd.nextInt(5);
        List<byte[]> args = new ArrayList<>(Arrays.asList(prefix));
        for (int i = 0; i < n; i++) {
            int len = rnd.nextInt(10) == 0 ? rnd.nextInt(3000) : rnd.nextInt(12);
            if (!allowEmpty && len == 0 && args.isEmpty()) {
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

    /** Up to three random edits: replace, insert or delete a byte, or truncate. */
    static byte[] mutate(byte[] input, Random rnd) {
        byte[] b = input.clone();
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
                    b = Arrays.copyOf(b, at);
                    break;
            }
        }
        return b;
    }
}
