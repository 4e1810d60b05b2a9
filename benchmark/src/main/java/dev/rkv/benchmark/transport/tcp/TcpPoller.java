package dev.rkv.benchmark.transport.tcp;

import dev.rkv.benchmark.transport.Connection;
import dev.rkv.benchmark.transport.Poller;
import dev.rkv.benchmark.transport.ReadyHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A selector and the socket channels registered with it. Polling goes through
 * {@link Selector#select(Consumer, long)} with one consumer made at construction, so a poll
 * allocates nothing (no selected-key set, no iterator).
 */
final class TcpPoller implements Poller {
    private final Selector selector;
    private final List<TcpConnection> connections = new ArrayList<>();
    /** The handler of the poll in progress; read by {@link #dispatch}. */
    private ReadyHandler handler;
    private final Consumer<SelectionKey> dispatch = this::dispatch;

    TcpPoller() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public Connection connect(String host, int port, int timeoutMillis, Object attachment) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("unknown host " + host);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            // hiredis, and so redis-benchmark, disables Nagle: a request goes out when written.
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(address, timeoutMillis);
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            TcpConnection connection = new TcpConnection(channel, key, host + ":" + port, attachment);
            key.attach(connection);
            connections.add(connection);
            return connection;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public int poll(long timeoutMillis, ReadyHandler handler) throws IOException {
        this.handler = handler;
        try {
            return timeoutMillis <= 0 ? selector.selectNow(dispatch) : selector.select(dispatch, timeoutMillis);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            this.handler = null;
        }
    }

    private void dispatch(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        try {
            handler.ready((TcpConnection) key.attachment(), (ready & SelectionKey.OP_READ) != 0,
                (ready & SelectionKey.OP_WRITE) != 0);
        } catch (IOException e) {
            // Selector.select(Consumer) takes no checked exceptions: carried out and unwrapped in poll.
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (TcpConnection c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        connections.clear();
        selector.close();
        if (first != null) {
            throw first;
        }
    }
}
