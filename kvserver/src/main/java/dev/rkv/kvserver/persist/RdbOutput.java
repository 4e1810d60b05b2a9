package dev.rkv.kvserver.persist;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The byte sink of {@link RdbWriter}: buffers, counts and checksums what goes to the
 * underlying stream. Not thread-safe.
 */
final class RdbOutput {
    private final OutputStream out;
    private final byte[] buf;
    private int pos;
    private long written;
    private long crc;

    RdbOutput(OutputStream out) {
        this(out, 64 * 1024);
    }

    RdbOutput(OutputStream out, int bufferSize) {
        this.out = out;
        this.buf = new byte[bufferSize];
    }

    /** Starts over with nothing written and a fresh checksum (the stream is the caller's to reset). */
    void reset() {
        pos = 0;
        written = 0;
        crc = 0;
    }

    void write(int b) throws IOException {
        if (pos == buf.length) {
            drain();
        }
        buf[pos++] = (byte) b;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - pos) {
            drain();
            if (len >= buf.length) {
                crc = Crc64.update(crc, b, off, len);
                out.write(b, off, len);
                written += len;
                return;
            }
        }
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Little-endian, as RDB stores expiry times and the checksum. */
    void writeLongLE(long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            write((int) (v >>> (8 * i)));
        }
    }

    void writeIntBE(int v) throws IOException {
        write(v >>> 24);
        write(v >>> 16);
        write(v >>> 8);
        write(v);
    }

    void writeLongBE(long v) throws IOException {
        writeIntBE((int) (v >>> 32));
        writeIntBE((int) v);
    }

    /** The CRC64 of every byte written so far. */
    long checksum() throws IOException {
        drain();
        return crc;
    }

    /** Bytes written so far, buffered or not. */
    long count() {
        return written + pos;
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (pos > 0) {
            crc = Crc64.update(crc, buf, 0, pos);
            out.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }
}
