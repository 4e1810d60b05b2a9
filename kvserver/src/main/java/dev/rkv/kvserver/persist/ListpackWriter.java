package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.util.Numbers;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Builds Redis's listpack blob (the inverse of {@link Listpack}): each element encoded as the
 * smallest integer form when it is a canonical integer, else as a string with a 6, 12 or 32-bit
 * length, each followed by its back-length; a 6-byte header (total bytes, element count capped
 * at 65535) and the 0xFF end byte.
 */
final class ListpackWriter {
    private ListpackWriter() {
    }

    static byte[] encode(List<byte[]> elements) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            int before = body.size();
            Long v = e.length <= 20 ? Numbers.parseLongStrict(e) : null;
            if (v != null) {
                writeInt(body, v);
            } else {
                writeString(body, e);
            }
            writeBacklen(body, body.size() - before);
        }
        int total = 6 + body.size() + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(total);
        le(out, total, 4);
        le(out, Math.min(elements.size(), 65535), 2);
        out.write(body.toByteArray(), 0, body.size());
        out.write(0xFF);
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, long v) {
        if (v >= 0 && v <= 127) {
            out.write((int) v);
        } else if (v >= -4096 && v <= 4095) {
            long u = v & 0x1FFF;
            out.write((int) (0xC0 | (u >> 8)));
            out.write((int) (u & 0xFF));
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            out.write(0xF1);
            le(out, v, 2);
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
            out.write(0xF2);
            le(out, v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write(0xF3);
            le(out, v, 4);
        } else {
            out.write(0xF4);
            le(out, v, 8);
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] s) {
        int len = s.length;
        if (len < 64) {
            out.write(0x80 | len);
        } else if (len < 4096) {
            out.write(0xE0 | (len >> 8));
            out.write(len & 0xFF);
        } else {
            out.write(0xF0);
            le(out, len, 4);
        }
        out.write(s, 0, len);
    }

    /** The entry's length, 7 bits per byte, written so that it can be read backwards. */
    private static void writeBacklen(ByteArrayOutputStream out, int len) {
        if (len <= 127) {
            out.write(len);
        } else if (len < 16383) {
            out.write(len >> 7);
            out.write((len & 127) | 128);
        } else if (len < 2097151) {
            out.write(len >> 14);
            out.write(((len >> 7) & 127) | 128);
            out.write((len & 127) | 128);
        } else if (len < 268435455) {
            out.write(len >> 21);
            out.write(((len >> 14) & 127) | 128);
            out.write(((len >> 7) & 127) | 128);
            out.write((len & 127) | 128);
        } else {
            out.write(len >>> 28);
            out.write(((len >> 21) & 127) | 128);
            out.write(((len >> 14) & 127) | 128);
            out.write(((len >> 7) & 127) | 128);
            out.write((len & 127) | 128);
        }
    }

    private static void le(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }
}
