package dev.rkv.kvserver.persist;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the zipmap blob of small hashes in RDBs of Redis before 2.6 (RDB_TYPE_HASH_ZIPMAP): a
 * count byte, then key/value pairs, each length one byte (or 254 and four little-endian bytes),
 * a value followed by a "free" byte and that many unused bytes, and a 0xFF end byte. Returned as
 * field, value, field, value ...
 */
final class Zipmap {
    private static final int BIGLEN = 254;
    private static final int END = 0xFF;

    private Zipmap() {
    }

    static List<byte[]> decode(byte[] zm, long at) throws RdbFormatException {
        if (zm.length < 2) {
            throw corrupt("shorter than its header", at);
        }
        List<byte[]> out = new ArrayList<>();
        int[] p = {1};
        while (true) {
            if (p[0] >= zm.length) {
                throw corrupt("no end byte", at);
            }
            if ((zm[p[0]] & 0xFF) == END) {
                break;
            }
            out.add(string(zm, p, at));
            int valueLen = length(zm, p, at);
            if (p[0] >= zm.length) {
                throw corrupt("no free byte", at);
            }
            int free = zm[p[0]++] & 0xFF;
            out.add(bytes(zm, p, valueLen, at));
            p[0] += free;
        }
        return out;
    }

    private static byte[] string(byte[] zm, int[] p, long at) throws RdbFormatException {
        return bytes(zm, p, length(zm, p, at), at);
    }

    private static int length(byte[] zm, int[] p, long at) throws RdbFormatException {
        if (p[0] >= zm.length) {
            throw corrupt("a length runs past the end", at);
        }
        int first = zm[p[0]] & 0xFF;
        if (first < BIGLEN) {
            p[0]++;
            return first;
        }
        if (first != BIGLEN || p[0] + 5 > zm.length) {
            throw corrupt("bad length byte " + first, at);
        }
        long len = Ziplist.le(zm, p[0] + 1, 4);
        p[0] += 5;
        if (len > zm.length) {
            throw corrupt("a length longer than the zipmap", at);
        }
        return (int) len;
    }

    private static byte[] bytes(byte[] zm, int[] p, int len, long at) throws RdbFormatException {
        if (p[0] + (long) len > zm.length) {
            throw corrupt("a string runs past the end", at);
        }
        byte[] out = java.util.Arrays.copyOfRange(zm, p[0], p[0] + len);
        p[0] += len;
        return out;
    }

    private static RdbFormatException corrupt(String what, long at) {
        return new RdbFormatException("Corrupt zipmap: " + what, at);
    }
}
