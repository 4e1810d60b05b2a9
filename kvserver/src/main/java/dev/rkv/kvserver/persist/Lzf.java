package dev.rkv.kvserver.persist;

/**
 * LZF, the compression Redis applies to RDB strings (liblzf's format, our own code).
 *
 * <p>The compressed stream is a sequence of items, each starting with a control byte:
 * <pre>
 *   000LLLLL                      literal run: the next L+1 bytes (1..32) are copied as is
 *   LLLOOOOO oooooooo             back reference, L in 1..6: copy L+2 bytes from
 *                                 (output position - ((OOOOO &lt;&lt; 8) | oooooooo) - 1)
 *   111OOOOO llllllll oooooooo    back reference with L = 7 + llllllll (copy 9..264 bytes)
 * </pre>
 * A reference may overlap the bytes it produces (a run), so it is copied byte by byte.
 * References reach at most {@value #MAX_OFFSET} bytes back.
 *
 * <p>{@link #decompress} trusts nothing: every read of the input and every write and
 * back-reference of the output is bounds-checked, so hostile input yields an error status,
 * never an exception or a write outside the output array.
 */
public final class Lzf {
    /** Farthest a back reference reaches. */
    public static final int MAX_OFFSET = 1 << 13;
    /** Longest literal run one control byte announces. */
    private static final int MAX_LITERAL = 1 << 5;
    /** Longest back reference: 7 + 255 + 2. */
    private static final int MAX_REF = 264;
    /** The most output one input byte can yield: a 3-byte reference producing 264 bytes. */
    public static final int MAX_EXPANSION = 88;
    private static final int HASH_BITS = 14;

    /**
     * Positions of recently seen 3-byte sequences, offset by {@link #base} so that entries left
     * by earlier calls fall out of range without clearing the table each time.
     */
    private final int[] table = new int[1 << HASH_BITS];
    private int base = 1;

    /**
     * Compresses {@code len} bytes of {@code in} from {@code off} into {@code out}, using at most
     * {@code outLimit} bytes of it.
     *
     * @return the compressed length, or 0 when the result would not fit in {@code outLimit}
     */
    public int compress(byte[] in, int off, int len, byte[] out, int outLimit) {
        if (len == 0 || outLimit > out.length) {
            return 0;
        }
        if (base > Integer.MAX_VALUE / 2 - len - MAX_OFFSET) {
            java.util.Arrays.fill(table, 0);
            base = 1;
        }
        int b = base;
        base += len + MAX_OFFSET + 1;
        int end = off + len;
        int ip = off;
        int literalStart = off;
        int op = 0;
        while (ip + 2 < end) {
            int h = hash(in, ip);
            int ref = table[h] - b + off;
            table[h] = ip - off + b;
            int distance = ip - ref;
            if (ref >= off && distance > 0 && distance <= MAX_OFFSET
                && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                int max = Math.min(MAX_REF, end - ip);
                int n = 3;
                while (n < max && in[ref + n] == in[ip + n]) {
                    n++;
                }
                op = literals(in, literalStart, ip, out, op, outLimit);
                if (op < 0 || op + 3 > outLimit) {
                    return 0;
                }
                int o = distance - 1;
                int l = n - 2;
                if (l < 7) {
                    out[op++] = (byte) ((l << 5) | (o >>> 8));
                } else {
                    out[op++] = (byte) ((7 << 5) | (o >>> 8));
                    out[op++] = (byte) (l - 7);
                }
                out[op++] = (byte) o;
                int stop = Math.min(ip + n, end - 2);
                for (int p = ip + 1; p < stop; p++) {
                    table[hash(in, p)] = p - off + b;
                }
                ip += n;
                literalStart = ip;
            } else {
                ip++;
            }
        }
        op = literals(in, literalStart, end, out, op, outLimit);
        return op < 0 ? 0 : op;
    }

    private static int hash(byte[] in, int p) {
        int v = (in[p] & 0xff) << 16 | (in[p + 1] & 0xff) << 8 | (in[p + 2] & 0xff);
        return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    /** Emits {@code in[from, to)} as literal runs; the new output position, or -1 when out of room. */
    private static int literals(byte[] in, int from, int to, byte[] out, int op, int outLimit) {
        while (from < to) {
            int n = Math.min(MAX_LITERAL, to - from);
            if (op + 1 + n > outLimit) {
                return -1;
            }
            out[op++] = (byte) (n - 1);
            System.arraycopy(in, from, out, op, n);
            op += n;
            from += n;
        }
        return op;
    }

    /**
     * Decompresses {@code len} bytes of {@code in} from {@code off} into {@code out}.
     *
     * @return the number of bytes produced, or -1 when the input is malformed: it runs past its
     *     end, references before the start of the output, or would overflow {@code out}
     */
    public static int decompress(byte[] in, int off, int len, byte[] out) {
        if (off < 0 || len < 0 || off + len > in.length) {
            return -1;
        }
        int ip = off;
        int end = off + len;
        int op = 0;
        int outEnd = out.length;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < MAX_LITERAL) {
                int n = ctrl + 1;
                if (n > end - ip || n > outEnd - op) {
                    return -1;
                }
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
            } else {
                int n = ctrl >>> 5;
                if (n == 7) {
                    if (ip >= end) {
                        return -1;
                    }
                    n += in[ip++] & 0xff;
                }
                if (ip >= end) {
                    return -1;
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                n += 2;
                if (ref < 0 || n > outEnd - op) {
                    return -1;
                }
                for (int i = 0; i < n; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        return op;
    }
}
