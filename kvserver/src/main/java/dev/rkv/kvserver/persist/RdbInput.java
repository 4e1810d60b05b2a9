package dev.rkv.kvserver.persist;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The byte source of {@link RdbLoader}: reads exactly what is asked from the underlying
 * stream (never past the end of the RDB), counts the offset and checksums every byte.
 * A length announced by the stream is never trusted for allocation: long strings are read in
 * chunks, so a lying length in a short stream ends in a truncation error, not an
 * out-of-memory error.
 */
final class RdbInput {
    private static final int CHUNK = 1 << 20;

    private final InputStream in;
    private final Crc64 crc = new Crc64();
    private long offset;

    RdbInput(InputStream in) {
        this.in = in;
    }

    long offset() {
        return offset;
    }

    long checksum() {
        return crc.value();
    }

    int readByte() throws IOException, RdbFormatException {
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        crc.update(b);
        offset++;
        return b;
    }

    /** Reads {@code len} bytes into a new array. */
    byte[] readBytes(long len) throws IOException, RdbFormatException {
        if (len > Integer.MAX_VALUE - 8) {
            throw new RdbFormatException("String of " + len + " bytes is longer than rkv supports", offset);
        }
        int n = (int) len;
        byte[] out = new byte[Math.min(n, CHUNK)];
        int have = 0;
        while (have < n) {
            if (have == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, (long) out.length * 2));
            }
            int r = in.read(out, have, out.length - have);
            if (r < 0) {
                throw truncated();
            }
            crc.update(out, have, r);
            have += r;
            offset += r;
        }
        return out;
    }

    void readFully(byte[] b) throws IOException, RdbFormatException {
        int have = 0;
        while (have < b.length) {
            int r = in.read(b, have, b.length - have);
            if (r < 0) {
                throw truncated();
            }
            crc.update(b, have, r);
            have += r;
            offset += r;
        }
    }

    long readLongLE() throws IOException, RdbFormatException {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) readByte() << (8 * i);
        }
        return v;
    }

    int readIntLE() throws IOException, RdbFormatException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= readByte() << (8 * i);
        }
        return v;
    }

    long readBE(int bytes) throws IOException, RdbFormatException {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | readByte();
        }
        return v;
    }

    RdbFormatException truncated() {
        return new RdbFormatException("Unexpected EOF reading RDB file", offset, true);
    }
}
