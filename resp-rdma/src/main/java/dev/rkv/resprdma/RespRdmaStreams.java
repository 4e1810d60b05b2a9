package dev.rkv.resprdma;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Blocking {@link InputStream}/{@link OutputStream} over a {@link RespRdmaChannel}, for plain Java
 * clients (a Jedis socket factory, a benchmark thread). Reads wait on the channel's completion
 * queue, not in a spin; a read timeout works as {@code SO_TIMEOUT} does ({@link SocketTimeoutException},
 * the stream stays usable). The output buffers up to 8 KiB and writes on {@code flush()} or when
 * full; a flush blocks while the peer's RX buffer is full. A background thread polls the channel
 * so that keepalives flow while nobody reads. One reader and one writer thread may use the
 * streams at the same time.
 */
public final class RespRdmaStreams implements Closeable {
    private static final int OUTPUT_BUFFER = 8192;
    /** Longest single wait, so that a broken or closed channel is noticed even without a wake-up. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final RespRdmaChannel channel;
    private final ScheduledFuture<?> keepalive;
    private final Input input = new Input();
    private final Output output = new Output();
    private volatile int readTimeoutMillis;

    private RespRdmaStreams(RespRdmaChannel channel) {
        this.channel = channel;
        this.keepalive = KeepalivePoller.start(channel);
    }

    /** Streams over {@code channel}; closing either stream or this closes the channel. */
    public static RespRdmaStreams of(RespRdmaChannel channel) {
        return new RespRdmaStreams(channel);
    }

    /** The blocking input. */
    public InputStream input() {
        return input;
    }

    /** The blocking, buffered output. */
    public OutputStream output() {
        return output;
    }

    /** The channel underneath. */
    public RespRdmaChannel channel() {
        return channel;
    }

    /** Read timeout in milliseconds, 0 = wait forever (as {@code Socket.setSoTimeout}). */
    public void setReadTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout " + millis + " < 0");
        }
        readTimeoutMillis = millis;
    }

    public int readTimeout() {
        return readTimeoutMillis;
    }

    /**
     * Closes the channel. Output still in the stream's buffer (not flushed) is dropped; what was
     * flushed is delivered first, waiting at most the channel's 2 s drain time
     * ({@link RespRdmaChannel#closeWhenFlushed()}). Idempotent.
     */
    @Override
    public void close() {
        keepalive.cancel(false);
        channel.closeWhenFlushed();
        try {
            while (channel.isOpen()) {
                channel.poll();
                channel.awaitCompletions(MAX_WAIT_NANOS, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.close();
        }
    }

    private void await(long deadline) throws IOException {
        long wait = MAX_WAIT_NANOS;
        if (deadline != 0) {
            wait = Math.min(wait, deadline - System.nanoTime());
        }
        try {
            if (wait > 0) {
                channel.awaitCompletions(wait, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting on " + channel);
        }
    }

    private final class Input extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            ByteBuffer dst = ByteBuffer.wrap(b, off, len);
            int timeout = readTimeoutMillis;
            long deadline = timeout == 0 ? 0 : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (true) {
                int n = channel.read(dst);
                if (n != 0) {
                    return n;
                }
                if (channel.poll()) {
                    continue;
                }
                if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                    throw new SocketTimeoutException("RDMA read timed out after " + timeout + " ms");
                }
                await(deadline);
            }
        }

        @Override
        public int available() throws IOException {
            return channel.hasInput() ? 1 : 0;
        }

        @Override
        public void close() {
            RespRdmaStreams.this.close();
        }
    }

    private final class Output extends OutputStream {
        private final ByteBuffer buf = ByteBuffer.allocate(OUTPUT_BUFFER);

        @Override
        public synchronized void write(int b) throws IOException {
            if (!buf.hasRemaining()) {
                flushBuffer();
            }
            buf.put((byte) b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len <= buf.remaining()) {
                buf.put(b, off, len);
                return;
            }
            flushBuffer();
            if (len <= buf.remaining()) {
                buf.put(b, off, len);
            } else {
                writeFully(ByteBuffer.wrap(b, off, len));
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            flushBuffer();
        }

        @Override
        public void close() {
            RespRdmaStreams.this.close();
        }

        private void flushBuffer() throws IOException {
            buf.flip();
            try {
                writeFully(buf);
            } finally {
                buf.compact();
            }
        }

        private void writeFully(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                if (channel.write(src) == 0 && !channel.poll()) {
                    await(0);
                }
            }
        }
    }
}
