package dev.rkv.kvserver.persist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ziplist blob of RDBs written by Redis up to 6.2 (hash, list and sorted-set ziplists
 * and the nodes of the first quicklist): a 10-byte header (bytes, tail offset, count), entries
 * each made of the previous entry's length, an encoding and the data, and a 0xFF end byte.
 * Integers come back as decimal text. Every length is checked against the blob first.
 */
final class Ziplist {
    private static final int HEADER = 10;
    private static final int END = 0xFF;

    private Ziplist() {
    }

    static List<byte[]> decode(byte[] zl, long at) throws RdbFormatException {
        if (zl.length < HEADER + 1) {
            throw corrupt("shorter than its header", at);
        }
        long total = le(zl, 0, 4);
        if (total != zl.length) {
            throw corrupt("header says " + total + " bytes, the blob has " + zl.length, at);
        }
        int declared = (int) le(zl, 8, 2);
        List<byte[]> out = new ArrayList<>(Math.min(declared, zl.length));
        int p = HEADER;
        while (true) {
            if (p >= zl.length) {
                throw corrupt("no end byte", at);
            }
            if ((zl[p] & 0xFF) == END) {
                if (p != zl.length - 1) {
                    throw corrupt("bytes after the end", at);
                }
                break;
            }
            p += (zl[p] & 0xFF) < 254 ? 1 : 5; // the previous entry's length: not needed going forward
            need(zl, p, 1, at);
            int enc = zl[p] & 0xFF;
            switch (enc >>> 6) {
                case 0 -> {
                    int len = enc & 0x3F;
                    out.add(slice(zl, p + 1, len, at));
                    p += 1 + len;
                }
                case 1 -> {
                    need(zl, p, 2, at);
                    int len = (enc & 0x3F) << 8 | (zl[p + 1] & 0xFF);
                    out.add(slice(zl, p + 2, len, at));
                    p += 2 + len;
                }
                case 2 -> {
                    need(zl, p, 5, at);
                    long len = (zl[p + 1] & 0xFFL) << 24 | (zl[p + 2] & 0xFFL) << 16 | (zl[p + 3] & 0xFFL) << 8 | (zl[p + 4] & 0xFFL);
                    if (len > zl.length) {
                        throw corrupt("a string longer than the ziplist", at);
                    }
                    out.add(slice(zl, p + 5, (int) len, at));
                    p += 5 + (int) len;
                }
                default -> {
                    int size;
                    long v;
                    switch (enc) {
                        case 0xC0 -> {
                            size = 2;
                            need(zl, p, 3, at);
                            v = (short) le(zl, p + 1, 2);
                        }
                        case 0xD0 -> {
                            size = 4;
                            need(zl, p, 5, at);
                            v = (int) le(zl, p + 1, 4);
                        }
                        case 0xE0 -> {
                            size = 8;
                            need(zl, p, 9, at);
                            v = le(zl, p + 1, 8);
                        }
                        case 0xF0 -> {
                            size = 3;
                            need(zl, p, 4, at);
                            v = ((int) le(zl, p + 1, 3)) << 8 >> 8;
                        }
                        case 0xFE -> {
                            size = 1;
                            need(zl, p, 2, at);
                            v = zl[p + 1];
                        }
                        default -> {
                            int imm = enc & 0x0F;
                            if ((enc & 0xF0) != 0xF0 || imm < 1 || imm > 13) {
                                throw corrupt("unknown entry encoding " + enc, at);
                            }
                            size = 0;
                            v = imm - 1;
                        }
                    }
                    out.add(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                    p += 1 + size;
                }
            }
        }
        if (declared != 0xFFFF && declared != out.size()) {
            throw corrupt("header counts " + declared + " entries, it holds " + out.size(), at);
        }
        return out;
    }

    private static void need(byte[] zl, int p, int n, long at) throws RdbFormatException {
        if (p + n > zl.length) {
            throw corrupt("an entry runs past the end", at);
        }
    }

    private static byte[] slice(byte[] zl, int from, int len, long at) throws RdbFormatException {
        if (from + (long) len > zl.length - 1) {
            throw corrupt("a string runs past the end", at);
        }
        return java.util.Arrays.copyOfRange(zl, from, from + len);
    }

    static long le(byte[] b, int p, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[p + i] & 0xFF);
        }
        return v;
    }

    private static RdbFormatException corrupt(String what, long at) {
        return new RdbFormatException("Corrupt ziplist: " + what, at);
    }
}
