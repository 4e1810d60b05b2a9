package dev.rkv.benchmark;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of one request, encoded once, and where in them the {@value #RAND_INT} placeholders
 * are: with {@code -r} each placeholder is overwritten in place before every send with a random
 * number of {@value #RAND_DIGITS} zero-padded digits, the same length, as redis-benchmark does.
 */
final class Request {
    static final String RAND_INT = "__rand_int__";
    static final int RAND_DIGITS = 12;

    private final byte[] bytes;
    private final int[] randomOffsets;

    private Request(byte[] bytes) {
        this.bytes = bytes;
        this.randomOffsets = find(bytes, RAND_INT.getBytes(StandardCharsets.US_ASCII));
    }

    /** A multibulk request ({@code *N\r\n$len\r\narg\r\n...}). */
    static Request multibulk(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : args) {
            out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(arg);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return new Request(out.toByteArray());
    }

    /** A multibulk request of string arguments. */
    static Request multibulk(String... args) {
        return multibulk(Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** An inline request: the text and CRLF, as {@code PING_INLINE} sends it. */
    static Request inline(String text) {
        return new Request((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** A copy of the encoded bytes. */
    byte[] bytes() {
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    /** Offsets of the placeholders in {@link #bytes()}, in order; empty when there are none. */
    int[] randomOffsets() {
        return randomOffsets.clone();
    }

    private static int[] find(byte[] haystack, byte[] needle) {
        int[] found = new int[4];
        int n = 0;
        for (int i = 0; i + needle.length <= haystack.length; ) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = i;
                i += needle.length;
            } else {
                i++;
            }
        }
        return Arrays.copyOf(found, n);
    }
}
