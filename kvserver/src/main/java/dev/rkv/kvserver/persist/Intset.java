package dev.rkv.kvserver.persist;

/**
 * Reads Redis's intset blob (RDB_TYPE_SET_INTSET): a 4-byte encoding (2, 4 or 8 bytes per
 * integer), a 4-byte count, then the integers, little-endian, strictly ascending. Checked
 * against the blob's length and order before anything is built from it.
 */
final class Intset {
    private Intset() {
    }

    static long[] decode(byte[] blob, long at) throws RdbFormatException {
        if (blob.length < 8) {
            throw corrupt("shorter than its header", at);
        }
        long width = le(blob, 0, 4);
        long count = le(blob, 4, 4);
        if (width != 2 && width != 4 && width != 8) {
            throw corrupt("integer width " + width, at);
        }
        if (8 + count * width != blob.length) {
            throw corrupt(count + " integers of " + width + " bytes do not fill " + blob.length + " bytes", at);
        }
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            long raw = le(blob, 8 + i * (int) width, (int) width);
            int shift = 64 - 8 * (int) width;
            out[i] = raw << shift >> shift;
            if (i > 0 && out[i] <= out[i - 1]) {
                throw corrupt("integers not in strictly ascending order", at);
            }
        }
        return out;
    }

    private static long le(byte[] b, int p, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[p + i] & 0xFF);
        }
        return v;
    }

    private static RdbFormatException corrupt(String what, long at) {
        return new RdbFormatException("Corrupt intset: " + what, at);
    }

    /** The blob of sorted, distinct integers, in the narrowest width that holds them all. */
    static byte[] encode(long[] sortedValues, int count) {
        int width = 2;
        for (int i = 0; i < count; i++) {
            long v = sortedValues[i];
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                width = 8;
            } else if ((v < Short.MIN_VALUE || v > Short.MAX_VALUE) && width < 4) {
                width = 4;
            }
        }
        byte[] out = new byte[8 + count * width];
        putLe(out, 0, width, 4);
        putLe(out, 4, count, 4);
        for (int i = 0; i < count; i++) {
            putLe(out, 8 + i * width, sortedValues[i], width);
        }
        return out;
    }

    private static void putLe(byte[] b, int p, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[p + i] = (byte) (v >>> (8 * i));
        }
    }
}
