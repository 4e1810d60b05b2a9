package dev.rkv.kvserver.util;

import java.nio.charset.StandardCharsets;

/** Number parsing with Redis's exact acceptance rules (util.c string2ll). */
public final class Numbers {
    private Numbers() {
    }

    /**
     * Parses a signed 64-bit integer the way Redis's string2ll does: optional '-', no '+',
     * no spaces, no leading zeros (except "0" itself), no "-0", no overflow.
     *
     * @return the value, or null when the bytes are not such an integer
     */
    public static Long parseLongStrict(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return null;
        }
        if (n == 1 && b[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = false;
        if (b[0] == '-') {
            negative = true;
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return null;
        }
        // Accumulate as a negative number so that Long.MIN_VALUE is representable.
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            return -v;
        }
        return v;
    }

    public static Long parseLongStrict(String s) {
        return parseLongStrict(s.getBytes(StandardCharsets.UTF_8));
    }

    /** ASCII bytes of a long, as Redis prints integers. */
    public static byte[] toBytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
