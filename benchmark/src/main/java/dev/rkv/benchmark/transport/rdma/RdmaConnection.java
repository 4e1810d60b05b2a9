package dev.rkv.benchmark.transport.rdma;

import dev.rkv.benchmark.transport.Connection;
import dev.rkv.resprdma.RespRdmaChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One client's RESP-over-RDMA channel. Reads and writes go straight to the channel (the receive
 * buffer up to its fill offset; the staging buffer and a WRITE WITH IMMEDIATE); the flags are how
 * it meets its {@link RdmaPoller}: {@link #signaled} set by the provider thread when completions
 * arrived, {@link #wantWrite} while a write did not take everything.
 */
final class RdmaConnection implements Connection {
    final RespRdmaChannel channel;
    private final Object attachment;
    private final String peer;
    /** Completions arrived since the poller last polled the channel (written by a provider thread). */
    volatile boolean signaled;
    /** Report as writable: set by {@link #awaitWritable}, read by the poller (same thread). */
    boolean wantWrite;

    RdmaConnection(RespRdmaChannel channel, String peer, Object attachment) {
        this.channel = channel;
        this.peer = peer;
        this.attachment = attachment;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    /** Throws once the channel is broken, with the reason (peer gone, protocol error, silence). */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public void awaitWritable(boolean on) {
        wantWrite = on;
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
    public void close() {
        channel.close();
    }
}
