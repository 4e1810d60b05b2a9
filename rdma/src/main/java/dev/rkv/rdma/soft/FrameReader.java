package dev.rkv.rdma.soft;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Reads frames from a socket channel through a small direct staging buffer; a non-blocking
 * channel comes with the {@link Readiness} to wait on when no byte is there.
 * Headers are parsed in the staging buffer; payloads go straight into their destination
 * (a registered region), except for bytes the staging buffer already holds, which are
 * copied once (at most its size, 64 KiB).
 */
final class FrameReader {
    /** Below this many bytes a payload is read through the staging buffer to save syscalls. */
    private static final int DIRECT_MIN = 16 * 1024;

    /** Called before a read that may block, so a writer can flush what it batched. */
    interface BeforeBlock {
        void run() throws IOException;
    }

    private final SocketChannel channel;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(64 * 1024);
    private final BeforeBlock beforeBlock;
    /** For a non-blocking channel, else null. */
    private final Readiness readable;
    private volatile long lastProgressNanos = System.nanoTime();

    /** A reader of a blocking channel. */
    FrameReader(SocketChannel channel, BeforeBlock beforeBlock) {
        this(channel, beforeBlock, null);
    }

    /** A reader of {@code channel}, which is non-blocking if {@code readable} is given. */
    FrameReader(SocketChannel channel, BeforeBlock beforeBlock, Readiness readable) {
        this.channel = channel;
        this.beforeBlock = beforeBlock;
        this.readable = readable;
        staging.flip();
    }

    long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** The staging buffer; after {@link #require(int)} its position is at the header. */
    ByteBuffer buffer() {
        return staging;
    }

    /** Makes sure {@code n} bytes are buffered. */
    void require(int n) throws IOException {
        while (staging.remaining() < n) {
            fill();
        }
    }

    private void fill() throws IOException {
        if (beforeBlock != null) {
            beforeBlock.run();
        }
        staging.compact();
        try {
            int r = read(staging);
            if (r < 0) {
                throw new EOFException("connection closed by peer");
            }
        } finally {
            staging.flip();
        }
        lastProgressNanos = System.nanoTime();
    }

    /** Fills {@code dst} completely. */
    void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (staging.hasRemaining()) {
                int n = Math.min(staging.remaining(), dst.remaining());
                ByteBuffer part = staging.slice(staging.position(), n);
                dst.put(part);
                staging.position(staging.position() + n);
            } else if (dst.remaining() >= DIRECT_MIN) {
                if (beforeBlock != null) {
                    beforeBlock.run();
                }
                int r = read(dst);
                if (r < 0) {
                    throw new EOFException("connection closed by peer");
                }
                lastProgressNanos = System.nanoTime();
            } else {
                fill();
            }
        }
    }

    /** Reads at least one byte into {@code dst}, or -1 at the end of the stream; waits for it if non-blocking. */
    private int read(ByteBuffer dst) throws IOException {
        while (true) {
            int r = channel.read(dst);
            if (r != 0 || readable == null) {
                return r;
            }
            readable.await();
        }
    }

    /** Reads and drops everything until the peer closes or the channel is closed. */
    void discardUntilClosed() throws IOException {
        ByteBuffer sink = staging.clear();
        while (channel.isOpen() && read(sink) >= 0) {
            sink.clear();
        }
    }

    /** Fills every buffer of {@code dsts} completely, in order. */
    void readFully(ByteBuffer[] dsts) throws IOException {
        for (ByteBuffer d : dsts) {
            readFully(d);
        }
    }

    /** Discards {@code n} bytes. */
    void skip(long n) throws IOException {
        while (n > 0) {
            if (!staging.hasRemaining()) {
                fill();
            }
            int k = (int) Math.min(n, staging.remaining());
            staging.position(staging.position() + k);
            n -= k;
        }
    }
}
