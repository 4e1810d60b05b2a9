package dev.rkv.kvserver.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Feeds input to a parser in chosen pieces and records what comes out, as strings tests can compare. */
final class ParserDriver {

    private ParserDriver() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** One event: "[arg, arg]" for a multibulk command, "inline[arg]" for inline, "ERROR:msg" for an error. */
    static String describe(RespParser p, RespParser.Status s) {
        if (s == RespParser.Status.ERROR) {
            return "ERROR:" + p.error();
        }
        List<String> args = new ArrayList<>();
        for (byte[] a : p.command()) {
            args.add(str(a));
        }
        return (p.lastWasInline() ? "inline" : "") + args;
    }

    /** Feeds all of input at once. */
    static List<String> feedWhole(RespParser p, byte[] input) {
        return feed(p, input, new int[] {input.length});
    }

    /** Feeds input one byte at a time. */
    static List<String> feedBytewise(RespParser p, byte[] input) {
        int[] pieces = new int[input.length];
        java.util.Arrays.fill(pieces, 1);
        return feed(p, input, pieces);
    }

    /** Feeds input in random pieces of 1..maxPiece bytes. */
    static List<String> feedRandom(RespParser p, byte[] input, Random rnd, int maxPiece) {
        List<Integer> pieces = new ArrayList<>();
        int left = input.length;
        while (left > 0) {
            int n = Math.min(left, 1 + rnd.nextInt(maxPiece));
            pieces.add(n);
            left -= n;
        }
        return feed(p, input, pieces.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Feeds the pieces through a reused buffer that is compacted after every call, the way a
     * connection would. Stops at the first error. Fails if the parser makes no progress.
     */
    static List<String> feed(RespParser p, byte[] input, int[] pieces) {
        List<String> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(input.length + 16);
        buf.flip();
        int offset = 0;
        for (int piece : pieces) {
            buf.compact();
            buf.put(input, offset, piece);
            offset += piece;
            buf.flip();
            int guard = 0;
            while (true) {
                if (++guard > input.length + 10) {
                    throw new AssertionError("parser made no progress");
                }
                int before = buf.position();
                RespParser.Status s = p.parse(buf);
                if (s == RespParser.Status.NEED_MORE) {
                    if (buf.hasRemaining()) {
                        throw new AssertionError("NEED_MORE left " + buf.remaining() + " bytes unconsumed");
                    }
                    break;
                }
                out.add(describe(p, s));
                if (s == RespParser.Status.ERROR) {
                    return out;
                }
                if (buf.position() == before) {
                    throw new AssertionError("COMMAND without consuming input");
                }
            }
        }
        return out;
    }

    /** Encodes argv as a RESP multibulk. */
    static byte[] multibulk(String... args) {
        StringBuilder sb = new StringBuilder();
        sb.append('*').append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return bytes(sb.toString());
    }
}
