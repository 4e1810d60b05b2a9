package dev.rkv.kvserver.repl;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** The two framings of an RDB sent over a replication link, as input streams that end where the RDB ends. */
final class SyncStreams {
    private SyncStreams() {
    }

    /** {@code $<len>\r\n} framing: exactly {@code length} bytes. */
    static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;
        private volatile long read;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        long bytesRead() {
            return read;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n = read(b, 0, 1);
            return n < 0 ? -1 : b[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection lost with " + left + " bytes of the RDB still to come");
            }
            left -= n;
            read += n;
            return n;
        }

        /** Reads and drops what the loader left unread. */
        void drain() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }
    }

    /**
     * {@code $EOF:<mark>\r\n} framing (diskless): the RDB ends with the 40-byte mark. The last
     * {@value FullSyncJob#MARK_LENGTH} bytes received are held back until more arrive; when the
     * held bytes are the mark, the stream ends. The primary sends nothing after the mark until
     * the replica's first ACK, so the mark is always the tail of what has arrived.
     */
    static final class EofMarked extends InputStream {
        private static final int MARK = FullSyncJob.MARK_LENGTH;
        private final InputStream in;
        private final byte[] mark;
        private final byte[] buf = new byte[(1 << 16) + MARK];
        private int start;
        private int end;
        private boolean eof;
        private volatile long read;

        EofMarked(InputStream in, byte[] mark) {
            if (mark.length != MARK) {
                throw new IllegalArgumentException("EOF mark must be " + MARK + " bytes, got " + mark.length);
            }
            this.in = in;
            this.mark = mark;
        }

        long bytesRead() {
            return read;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n = read(b, 0, 1);
            return n < 0 ? -1 : b[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (!eof) {
                int avail = end - start;
                if (avail > MARK) {
                    int n = Math.min(len, avail - MARK);
                    System.arraycopy(buf, start, b, off, n);
                    start += n;
                    read += n;
                    return n;
                }
                if (avail == MARK && Arrays.equals(buf, start, end, mark, 0, MARK)) {
                    eof = true;
                    break;
                }
                System.arraycopy(buf, start, buf, 0, avail);
                start = 0;
                end = avail;
                int n = in.read(buf, end, buf.length - end);
                if (n < 0) {
                    throw new EOFException("connection lost before the end of the diskless RDB");
                }
                end += n;
            }
            return -1;
        }

        void drain() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }
    }
}
