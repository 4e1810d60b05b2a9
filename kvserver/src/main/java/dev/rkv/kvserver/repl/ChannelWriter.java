package dev.rkv.kvserver.repl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.WritableByteChannel;

/**
 * Writes to a replica's connection from a sync thread while the event loop keeps owning the
 * connection's reads. The channel stays non-blocking (the event loop requires it); when it takes
 * nothing this thread waits: on a selector of its own for a socket, on completions for RDMA
 * ({@link ReplicaSink}). The event loop must write nothing to the channel while a ChannelWriter
 * is in use.
 */
final class ChannelWriter implements AutoCloseable {
    private static final long WAIT_MS = 1000;
    /** Short: the event loop may take the completion that made room, and this thread then polls again. */
    private static final long RDMA_WAIT_MS = 5;

    private final ReplicaSink sink;
    private final WritableByteChannel channel;
    private final long timeoutMs;
    private Selector selector;
    private long written;

    ChannelWriter(ReplicaSink sink, long timeoutMs) {
        this.sink = sink;
        this.channel = sink.channel();
        this.timeoutMs = timeoutMs;
    }

    long written() {
        return written;
    }

    /** Writes all of {@code b}, waiting for the socket as needed. */
    void write(ByteBuffer b) throws IOException {
        long idleSince = System.currentTimeMillis();
        while (b.hasRemaining()) {
            int n = channel.write(b);
            written += n;
            if (n > 0) {
                idleSince = System.currentTimeMillis();
            } else {
                awaitWritable(idleSince);
            }
        }
    }

    /** Sends {@code count} bytes of a file starting at {@code position}. */
    void transferFrom(FileChannel file, long position, long count) throws IOException {
        long idleSince = System.currentTimeMillis();
        long done = 0;
        while (done < count) {
            long n = file.transferTo(position + done, count - done, channel);
            done += n;
            written += n;
            if (n > 0) {
                idleSince = System.currentTimeMillis();
            } else {
                awaitWritable(idleSince);
            }
        }
    }

    private void awaitWritable(long idleSince) throws IOException {
        if (!channel.isOpen()) {
            throw new IOException("replica connection closed");
        }
        if (System.currentTimeMillis() - idleSince > timeoutMs) {
            throw new IOException("replica took no data for " + timeoutMs + " ms");
        }
        if (sink instanceof ReplicaSink.Rdma rdma) {
            rdma.poll();
            if (rdma.rdma().writableBytes() == 0) {
                rdma.await(RDMA_WAIT_MS);
            }
            return;
        }
        if (selector == null) {
            selector = Selector.open();
            ((ReplicaSink.Tcp) sink).socket().register(selector, SelectionKey.OP_WRITE);
        }
        selector.select(WAIT_MS);
        selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
        if (selector != null) {
            selector.close();
        }
    }
}
