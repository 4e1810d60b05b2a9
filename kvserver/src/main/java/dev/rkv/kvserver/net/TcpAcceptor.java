package dev.rkv.kvserver.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Accepts TCP connections on one address and hands them to a callback on the event loop. */
public final class TcpAcceptor implements EventLoop.Handler {
    /** Receives each accepted socket. */
    @FunctionalInterface
    public interface AcceptCallback {
        void accepted(SocketChannel channel) throws IOException;
    }

    private final ServerSocketChannel server;
    private final AcceptCallback callback;
    private final EventLoop loop;

    public TcpAcceptor(EventLoop loop, InetSocketAddress address, int backlog, AcceptCallback callback)
        throws IOException {
        this.loop = loop;
        this.callback = callback;
        this.server = ServerSocketChannel.open();
        server.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(address, backlog);
        server.configureBlocking(false);
    }

    public void register() throws IOException {
        server.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        // Accept a bounded burst so one flood of connections cannot starve clients.
        for (int i = 0; i < 64; i++) {
            SocketChannel ch = server.accept();
            if (ch == null) {
                return;
            }
            try {
                callback.accepted(ch);
            } catch (IOException e) {
                ch.close();
            }
        }
    }

    @Override
    public void onError(Exception e) {
        close();
    }

    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("closing listener", e);
        }
    }
}
