package dev.rkv.kvserver.net;

import dev.rkv.kvserver.command.Client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A client connection over TCP, driven by the event loop. */
public final class TcpConnection implements Connection, EventLoop.Handler, EventLoop.Flushable {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Reads per readiness event before yielding to other connections. */
    private static final int MAX_READS_PER_EVENT = 16;

    private final SocketChannel channel;
    private final EventLoop loop;
    private final ClientInput input;
    private final ConnectionListener listener;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final String peer;
    private final String local;
    private SelectionKey key;
    private boolean closeAfterReply;
    private boolean closed;

    /** Told when a connection goes away, so the server can forget its client. */
    public interface ConnectionListener {
        void closed(TcpConnection c);

        /** Closing the socket failed; its resources are released regardless. */
        void closeFailed(TcpConnection c, IOException e);

        /** Bytes moved, for INFO stats. */
        void transferred(long in, long out);

        /**
         * Asked whenever output is left pending after a write: true when the client's output buffer
         * is over its client-output-buffer-limit, so the connection is closed at once (as Redis
         * does on every reply) instead of growing until the next cron tick.
         */
        default boolean outputOverLimit(TcpConnection c) {
            return false;
        }
    }

    public TcpConnection(SocketChannel channel, EventLoop loop, ClientInput input, ConnectionListener listener)
        throws IOException {
        this.channel = channel;
        this.loop = loop;
        this.input = input;
        this.listener = listener;
        this.peer = format((InetSocketAddress) channel.getRemoteAddress());
        this.local = format((InetSocketAddress) channel.getLocalAddress());
    }

    private static String format(InetSocketAddress a) {
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
        key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
    }

    public Client client() {
        return input.client();
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
        if (!closed && k.isValid() && k.isWritable()) {
            flush();
        }
    }

    private void readAndProcess() throws IOException {
        for (int i = 0; i < MAX_READS_PER_EVENT && !closed && !input.stopped(); i++) {
            int n = channel.read(readBuffer);
            if (n < 0) {
                close();
                return;
            }
            if (n == 0) {
                break;
            }
            listener.transferred(n, 0);
            readBuffer.flip();
            ClientInput.Outcome outcome = input.process(readBuffer);
            readBuffer.compact();
            if (outcome == ClientInput.Outcome.CLOSE_NOW) {
                close();
                return;
            }
            if (outcome == ClientInput.Outcome.CLOSE_AFTER_REPLY) {
                closeAfterReply = true;
            }
            if (n < readBuffer.capacity()) {
                break;
            }
        }
        flush();
    }

    @Override
    public void flush() {
        if (closed) {
            return;
        }
        try {
            Client c = input.client();
            long before = c.output().pending();
            boolean drained = c.output().writeTo(channel);
            listener.transferred(0, before - c.output().pending());
            if (drained) {
                if (closeAfterReply) {
                    close();
                    return;
                }
                if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            } else if (listener.outputOverLimit(this)) {
                close();
            } else {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            close();
        }
    }

    @Override
    public void onError(Exception e) {
        close();
    }

    @Override
    public String peerAddress() {
        return peer;
    }

    @Override
    public String localAddress() {
        return local;
    }

    @Override
    public String transport() {
        return "tcp";
    }

    @Override
    public void requestFlush() {
        if (!closed) {
            loop.flushLater(this);
        }
    }

    @Override
    public void closeAfterReply() {
        closeAfterReply = true;
        input.stop();
        requestFlush();
    }

    @Override
    public long queryBufferBytes() {
        return input.pendingBytes() + readBuffer.position();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        input.stop();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // The socket is unusable either way; the error is reported, not rethrown, so the
            // client's state below is still released.
            listener.closeFailed(this, e);
        }
        listener.closed(this);
    }

    public boolean isClosed() {
        return closed;
    }
}
