package dev.rkv.kvserver.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A client connection over TCP: readiness comes from its selector key. */
public final class TcpConnection extends StreamConnection implements EventLoop.Handler {
    private final SocketChannel channel;
    private SelectionKey key;

    public TcpConnection(SocketChannel channel, EventLoop loop, ClientInput input, Listener listener)
        throws IOException {
        super(channel, format((InetSocketAddress) channel.getRemoteAddress()),
            format((InetSocketAddress) channel.getLocalAddress()), loop, input, listener);
        this.channel = channel;
    }

    /** "ip:port" as CLIENT LIST prints it (an IPv6 address without its scope). */
    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            int pct = host.indexOf('%');
            if (pct >= 0) {
                host = host.substring(0, pct);
            }
        }
        return host + ":" + a.getPort();
    }

    public void register() throws IOException {
        channel.configureBlocking(false);
        key = channel.register(loop().selector(), SelectionKey.OP_READ, this);
    }

    /**
     * The socket, for replication's sync threads that send an RDB while the event loop keeps
     * reading (see repl.ChannelWriter); nothing else may write to it.
     */
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void onReady(SelectionKey k) throws IOException {
        if (k.isReadable()) {
            readAndProcess();
        }
        if (!isClosed() && k.isValid() && k.isWritable()) {
            flush();
        }
    }

    @Override
    protected void outputPending(boolean pending) {
        int ops = pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    @Override
    protected void detach() {
        if (key != null) {
            key.cancel();
        }
    }

    @Override
    public void onError(Exception e) {
        close();
    }

    @Override
    public String transport() {
        return "tcp";
    }
}
