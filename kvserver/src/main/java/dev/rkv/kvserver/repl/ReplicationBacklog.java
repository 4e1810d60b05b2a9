package dev.rkv.kvserver.repl;

/**
 * The replication backlog: a ring buffer holding the last {@code size} bytes of the
 * replication stream, so a replica whose link dropped can continue from its offset
 * (PSYNC) instead of syncing the whole dataset again.
 *
 * <p>Offsets follow Redis: the stream's bytes are numbered from 1, {@link #offset()} is the
 * number of the last byte written (master_repl_offset) and the backlog holds bytes
 * [{@link #firstByteOffset()}, {@link #offset()}]. Owned by the event loop thread.
 */
public final class ReplicationBacklog {
    private byte[] ring;
    /** Next write position in {@link #ring}. */
    private int writeIndex;
    /** Bytes of history held, at most {@code ring.length}. */
    private long histlen;
    /** Offset of the last byte appended. */
    private long offset;

    /** An empty backlog whose next byte will be {@code offset + 1}. */
    public ReplicationBacklog(long size, long offset) {
        if (size < 1 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("repl-backlog-size must be between 1 and " + (Integer.MAX_VALUE - 8)
                + ", got " + size);
        }
        this.ring = new byte[(int) size];
        this.offset = offset;
    }

    public long size() {
        return ring.length;
    }

    /** master_repl_offset: the offset of the last byte of the stream. */
    public long offset() {
        return offset;
    }

    /** repl_backlog_first_byte_offset. */
    public long firstByteOffset() {
        return offset - histlen + 1;
    }

    /** repl_backlog_histlen. */
    public long histlen() {
        return histlen;
    }

    public void append(byte[] b) {
        append(b, 0, b.length);
    }

    /** Appends stream bytes, advancing the offset by {@code len}. */
    public void append(byte[] b, int off, int len) {
        offset += len;
        histlen = Math.min(ring.length, histlen + len);
        if (len >= ring.length) {
            System.arraycopy(b, off + len - ring.length, ring, 0, ring.length);
            writeIndex = 0;
            return;
        }
        int first = Math.min(len, ring.length - writeIndex);
        System.arraycopy(b, off, ring, writeIndex, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        writeIndex = (writeIndex + len) % ring.length;
    }

    /** Whether a replica that has everything before {@code fromOffset} can continue from here. */
    public boolean covers(long fromOffset) {
        return fromOffset >= firstByteOffset() && fromOffset <= offset + 1;
    }

    /** The bytes from {@code fromOffset} to the end; requires {@link #covers}. */
    public byte[] copyFrom(long fromOffset) {
        if (!covers(fromOffset)) {
            throw new IllegalArgumentException("offset " + fromOffset + " is outside the backlog ["
                + firstByteOffset() + ", " + (offset + 1) + "]");
        }
        int n = (int) (offset + 1 - fromOffset);
        byte[] out = new byte[n];
        int start = Math.floorMod(writeIndex - n, ring.length);
        int first = Math.min(n, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, n - first);
        return out;
    }

    /** Changes the capacity, keeping the most recent history that fits. */
    public void resize(long newSize) {
        if (newSize == ring.length) {
            return;
        }
        byte[] keep = copyFrom(firstByteOffset());
        ReplicationBacklog fresh = new ReplicationBacklog(newSize, offset - keep.length);
        fresh.append(keep);
        ring = fresh.ring;
        writeIndex = fresh.writeIndex;
        histlen = fresh.histlen;
    }
}
