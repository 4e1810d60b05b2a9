package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * DUMP's serialization, as Redis 7.0's: the value's RDB type byte and encoding, then the RDB
 * version (2 bytes, little-endian) and a CRC64 of everything before (8 bytes, little-endian),
 * so that payloads move between redis-server and rkv both ways.
 */
public final class DumpPayload {
    private static final int FOOTER = 10;

    private DumpPayload() {
    }

    public static byte[] dump(Entry entry) {
        return dump(entry, true);
    }

    /**
     * DUMP's payload, with strings LZF-compressed as Redis does, or not ({@code compress}
     * false: the accelerator's table rewrites big collections often and values rarely shrink
     * enough to pay for it). Either form restores anywhere.
     */
    public static byte[] dump(Entry entry, boolean compress) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            RdbOutput o = new RdbOutput(buf);
            o.write(RdbWriter.typeOf(entry));
            new RdbWriter(compress).writeValue(o, entry);
            o.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        byte[] body = buf.toByteArray();
        byte[] out = new byte[body.length + FOOTER];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = (byte) RdbDescriptor.VERSION;
        out[body.length + 1] = (byte) (RdbDescriptor.VERSION >>> 8);
        long crc = Crc64.update(0, out, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            out[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return out;
    }

    /** Whether the footer names an RDB version rkv reads and the checksum matches (verifyDumpPayload). */
    public static boolean verify(byte[] payload) {
        if (payload.length < FOOTER) {
            return false;
        }
        int footer = payload.length - FOOTER;
        int version = (payload[footer] & 0xFF) | (payload[footer + 1] & 0xFF) << 8;
        if (version > RdbDescriptor.VERSION) {
            return false;
        }
        long crc = Crc64.update(0, payload, 0, footer + 2);
        for (int i = 0; i < 8; i++) {
            if ((byte) (crc >>> (8 * i)) != payload[footer + 2 + i]) {
                return false;
            }
        }
        return true;
    }

    /** The value of a verified payload; null for an empty collection. */
    public static Entry restore(byte[] payload) throws IOException, RdbFormatException {
        return RdbLoader.readDumpedValue(java.util.Arrays.copyOf(payload, payload.length - FOOTER));
    }
}
