package dev.rkv.kvserver.persist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Redis's listpack format (the blob inside RDB_TYPE_*_LISTPACK values): a 6-byte header
 * (total bytes, element count), entries each made of an encoding byte, its data and a
 * "backlen", and a 0xFF terminator. Integers come back as their decimal text, as Redis's
 * commands see them. Every length is checked against the blob first: a corrupt or hostile
 * payload gives an {@link RdbFormatException}, never an allocation it does not back with bytes.
 */
final class Listpack {
    private static final int HEADER = 6;
    private static final int END = 0xFF;

    private Listpack() {
    }

    static List<byte[]> decode(byte[] lp, long at) throws RdbFormatException {
        if (lp.length < HEADER + 1) {
            throw corrupt("listpack shorter than its header", at);
        }
        long total = u32(lp, 0);
        if (total != lp.length) {
            throw corrupt("listpack header says " + total + " bytes, the blob has " + lp.length, at);
        }
        int declared = (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
        List<byte[]> out = new ArrayList<>(Math.min(declared, lp.length));
        int p = HEADER;
        while (true) {
            if (p >= lp.length) {
                throw corrupt("listpack without its end byte", at);
            }
            int b = lp[p] & 0xFF;
            if (b == END) {
                if (p != lp.length - 1) {
                    throw corrupt("bytes after the listpack's end", at);
                }
                break;
            }
            int start = p;
            byte[] element;
            if ((b & 0x80) == 0) {                       // 0xxxxxxx: 7-bit unsigned int
                element = number(b & 0x7F);
                p += 1;
            } else if ((b & 0xC0) == 0x80) {             // 10xxxxxx: string up to 63 bytes
                int len = b & 0x3F;
                element = slice(lp, p + 1, len, at);
                p += 1 + len;
            } else if ((b & 0xE0) == 0xC0) {             // 110xxxxx yyyyyyyy: 13-bit signed int
                need(lp, p, 2, at);
                int v = (b & 0x1F) << 8 | (lp[p + 1] & 0xFF);
                element = number(v >= 1 << 12 ? v - (1 << 13) : v);
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {             // 1110xxxx yyyyyyyy: string up to 4095 bytes
                need(lp, p, 2, at);
                int len = (b & 0x0F) << 8 | (lp[p + 1] & 0xFF);
                element = slice(lp, p + 2, len, at);
                p += 2 + len;
            } else {
                switch (b) {
                    case 0xF0 -> {                        // 32-bit string length
                        need(lp, p, 5, at);
                        long len = u32(lp, p + 1);
                        if (len > lp.length) {
                            throw corrupt("listpack string longer than the listpack", at);
                        }
                        element = slice(lp, p + 5, (int) len, at);
                        p += 5 + (int) len;
                    }
                    case 0xF1 -> {
                        need(lp, p, 3, at);
                        element = number((short) ((lp[p + 1] & 0xFF) | (lp[p + 2] & 0xFF) << 8));
                        p += 3;
                    }
                    case 0xF2 -> {
                        need(lp, p, 4, at);
                        int v = (lp[p + 1] & 0xFF) | (lp[p + 2] & 0xFF) << 8 | (lp[p + 3] & 0xFF) << 16;
                        element = number(v << 8 >> 8);
                        p += 4;
                    }
                    case 0xF3 -> {
                        need(lp, p, 5, at);
                        element = number((int) u32(lp, p + 1));
                        p += 5;
                    }
                    case 0xF4 -> {
                        need(lp, p, 9, at);
                        element = number(u32(lp, p + 1) | u32(lp, p + 5) << 32);
                        p += 9;
                    }
                    default -> throw corrupt("unknown listpack encoding byte " + b, at);
                }
            }
            p += backlenSize(p - start);
            if (p > lp.length - 1) {
                throw corrupt("listpack entry runs past the end", at);
            }
            out.add(element);
        }
        if (declared != 0xFFFF && declared != out.size()) {
            throw corrupt("listpack header counts " + declared + " elements, it holds " + out.size(), at);
        }
        return out;
    }

    /** Bytes of the back-length that follows an entry of {@code len} bytes (7 bits per byte). */
    private static int backlenSize(int len) {
        if (len <= 127) {
            return 1;
        } else if (len < 16383) {
            return 2;
        } else if (len < 2097151) {
            return 3;
        } else if (len < 268435455) {
            return 4;
        }
        return 5;
    }

    private static byte[] number(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static void need(byte[] lp, int p, int n, long at) throws RdbFormatException {
        if (p + n > lp.length) {
            throw corrupt("listpack entry runs past the end", at);
        }
    }

    private static byte[] slice(byte[] lp, int from, int len, long at) throws RdbFormatException {
        if (len < 0 || from + (long) len > lp.length) {
            throw corrupt("listpack string runs past the end", at);
        }
        return java.util.Arrays.copyOfRange(lp, from, from + len);
    }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
    }

    private static RdbFormatException corrupt(String what, long at) {
        return new RdbFormatException("Corrupt listpack: " + what, at);
    }
}
