package dev.rkv.kvserver.net;

import dev.rkv.resprdma.RespRdmaChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * An RDMA connection refused with an error reply (protected mode, maxclients): the reply can be
 * written only once the peer has announced its buffer, so unlike a TCP refusal it waits, at most
 * {@link #GRACE_MS}, then closes. It never becomes a client.
 */
public final class RdmaRefusal implements EventLoop.Signaled {
    static final long GRACE_MS = 2000;

    private final RespRdmaChannel channel;
    private final EventLoop loop;
    private final RdmaTimers timers;
    private final ByteBuffer reply;
    private final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);

    public RdmaRefusal(RespRdmaChannel channel, byte[] reply, EventLoop loop, RdmaTimers timers) {
        this.channel = channel;
        this.reply = ByteBuffer.wrap(reply);
        this.loop = loop;
        this.timers = timers;
    }

    public void start() {
        timers.add(this);
        channel.setWakeup(() -> loop.execute(this::onSignal));
        onSignal();
    }

    @Override
    public void onSignal() {
        channel.poll();
        if (!channel.isOpen()) {
            release();
            return;
        }
        if (reply.hasRemaining()) {
            try {
                channel.write(reply);
            } catch (IOException e) {
                release();
                return;
            }
        }
        if (!reply.hasRemaining() || System.nanoTime() - deadline > 0) {
            // the reply is posted (or the peer never made room): close once it has been delivered
            channel.closeWhenFlushed();
            if (!channel.isOpen()) {
                release();
            }
        }
    }

    private void release() {
        timers.remove(this);
        channel.setWakeup(null);
        channel.close();
    }
}
