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
     * false). Either form restores anywhere.
     */
    public static byte[] dump(Entry entry, boolean compress) {
        return new Serializer(compress).dump(entry);
    }

    /**
     * Makes payloads one after another with the same buffers and writer, for a caller that
     * serializes often (the accelerator's table rewrites collections on writes): a fresh
     * writer and 64 KB buffer per value cost more than serializing a small hash. One thread
     * at a time.
     */
    public static final class Serializer {
        private ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        private RdbOutput out = new RdbOutput(buf, 4096);
        private final RdbWriter writer;

        public Serializer(boolean compress) {
            writer = new RdbWriter(compress);
        }

        public byte[] dump(Entry entry) {
            buf.reset();
            out.reset();
            try {
                out.write(RdbWriter.typeOf(entry));
                writer.writeValue(out, entry);
                out.write(RdbDescriptor.VERSION);
                out.write(RdbDescriptor.VERSION >>> 8);
                // The output's running CRC64 covers the body and the version: the footer's checksum.
                long crc = out.checksum();
                out.writeLongLE(crc);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory failed", e);
            }
            byte[] payload = buf.toByteArray();
            if (payload.length > 1 << 20) {
                // Do not keep a big collection's buffer for the small ones that follow.
                buf = new ByteArrayOutputStream(256);
                out = new RdbOutput(buf, 4096);
            }
            return payload;
        }
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
