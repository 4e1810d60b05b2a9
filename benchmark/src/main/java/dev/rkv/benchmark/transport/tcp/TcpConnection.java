package dev.rkv.benchmark.transport.tcp;

import dev.rkv.benchmark.transport.Connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A non-blocking socket channel registered with its {@link TcpPoller}'s selector. */
final class TcpConnection implements Connection {
    private final SocketChannel channel;
    private final SelectionKey key;
    private final String peer;
    private final Object attachment;

    TcpConnection(SocketChannel channel, SelectionKey key, String peer, Object attachment) {
        this.channel = channel;
        this.key = key;
        this.peer = peer;
        this.attachment = attachment;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public void awaitWritable(boolean on) {
        key.interestOps(on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public void close() throws IOException {
        key.cancel();
        channel.close();
    }
}
