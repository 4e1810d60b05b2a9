package dev.rkv.kvserver.persist;

/**
 * The CRC-64 that Redis puts at the end of an RDB file: the Jones polynomial
 * ({@code 0xad93d23594c935a9}), reflected input and output, initial value 0, no final xor.
 * The check value of "123456789" is {@code 0xe9c6d914c4b8d9ca}.
 *
 * <p>Table-driven, eight bytes at a time (slicing-by-8), so that checksumming a large snapshot
 * costs little next to writing it. Instances are not thread-safe; the tables are shared.
 */
public final class Crc64 {
    /** The Jones polynomial in its reflected (LSB-first) form. */
    private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
    private static final long[][] TABLES = buildTables();

    private long crc;

    private static long[][] buildTables() {
        long[][] t = new long[8][256];
        for (int n = 0; n < 256; n++) {
            long c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            t[0][n] = c;
        }
        for (int n = 0; n < 256; n++) {
            long c = t[0][n];
            for (int k = 1; k < 8; k++) {
                c = t[0][(int) c & 0xff] ^ (c >>> 8);
                t[k][n] = c;
            }
        }
        return t;
    }

    /** The checksum of everything passed to {@link #update} so far. */
    public long value() {
        return crc;
    }

    public void update(int b) {
        crc = TABLES[0][(int) (crc ^ b) & 0xff] ^ (crc >>> 8);
    }

    public void update(byte[] b, int off, int len) {
        crc = update(crc, b, off, len);
    }

    /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        long[][] t = TABLES;
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            long x = crc
                ^ ((b[i] & 0xffL)
                | (b[i + 1] & 0xffL) << 8
                | (b[i + 2] & 0xffL) << 16
                | (b[i + 3] & 0xffL) << 24
                | (b[i + 4] & 0xffL) << 32
                | (b[i + 5] & 0xffL) << 40
                | (b[i + 6] & 0xffL) << 48
                | (b[i + 7] & 0xffL) << 56);
            crc = t[7][(int) x & 0xff]
                ^ t[6][(int) (x >>> 8) & 0xff]
                ^ t[5][(int) (x >>> 16) & 0xff]
                ^ t[4][(int) (x >>> 24) & 0xff]
                ^ t[3][(int) (x >>> 32) & 0xff]
                ^ t[2][(int) (x >>> 40) & 0xff]
                ^ t[1][(int) (x >>> 48) & 0xff]
                ^ t[0][(int) (x >>> 56) & 0xff];
            i += 8;
        }
        while (i < end) {
            crc = t[0][(int) (crc ^ b[i++]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    /** The checksum of a whole array. */
    public static long of(byte[] b) {
        return update(0, b, 0, b.length);
    }
}
