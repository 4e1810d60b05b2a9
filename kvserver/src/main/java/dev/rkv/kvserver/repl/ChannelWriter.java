package dev.rkv.kvserver.repl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Writes to a replica's socket from a sync thread while the event loop keeps owning the
 * socket's reads. The channel stays in non-blocking mode (the event loop's selector requires
 * it); when the socket buffer is full this thread waits on a selector of its own. The event
 * loop must write nothing to the channel while a ChannelWriter is in use.
 */
final class ChannelWriter implements AutoCloseable {
    private static final long WAIT_MS = 1000;

    private final SocketChannel channel;
    private final long timeoutMs;
    private Selector selector;
    private long written;

    ChannelWriter(SocketChannel channel, long timeoutMs) {
        this.channel = channel;
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
        if (selector == null) {
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_WRITE);
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
