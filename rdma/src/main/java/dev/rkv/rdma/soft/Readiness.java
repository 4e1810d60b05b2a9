package dev.rkv.rdma.soft;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Waiting, on one thread, until a non-blocking channel can be read or written: a selector of
 * its own, opened at the first wait (an endpoint that never waits holds none). Whoever closes
 * the channel calls {@link #wakeup()}: a channel closed while registered is closed for good
 * only when its selector next selects or closes, and the waiting thread must let go anyway.
 */
final class Readiness {
    private final SocketChannel channel;
    private final int op;
    private volatile Selector selector;

    Readiness(SocketChannel channel, int op) {
        this.channel = channel;
        this.op = op;
    }

    static Readiness toRead(SocketChannel channel) {
        return new Readiness(channel, SelectionKey.OP_READ);
    }

    static Readiness toWrite(SocketChannel channel) {
        return new Readiness(channel, SelectionKey.OP_WRITE);
    }

    /** Waits until the channel is ready or closed (or a spurious wake-up): the caller retries its operation. */
    void await() throws IOException {
        Selector sel = selector;
        if (sel == null) {
            sel = Selector.open();
            // Published before registering: a close after the registration finds it to wake.
            selector = sel;
            channel.register(sel, op);
        }
        sel.select();
        sel.selectedKeys().clear();
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** Lets a thread waiting in {@link #await()} go, now or at its next wait; called after the channel is closed. */
    void wakeup() {
        Selector sel = selector;
        if (sel != null) {
            sel.wakeup();
        }
    }

    /** Called by the waiting thread when it is done: deregisters the channel, so that a pending close of it completes. */
    void close() throws IOException {
        Selector sel = selector;
        if (sel != null) {
            sel.close();
        }
    }
}
