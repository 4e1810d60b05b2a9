package dev.rkv.kvserver.net;

import dev.rkv.resprdma.RespRdmaChannel;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A client connection over RESP-over-RDMA. Readiness comes from completions: the channel's
 * wake-up (a provider thread) queues this connection on the event loop, which then polls the
 * channel, reads, runs commands and retries pending output; nothing is polled while nothing
 * happens, apart from the once-a-second keepalive tick ({@link RdmaTimers}). RDMA has no
 * "writable" event: output left pending is retried when the peer announces its buffer again,
 * which arrives as a completion and so as a wake-up.
 */
public final class RdmaConnection extends StreamConnection implements EventLoop.Signaled {
    private final RespRdmaChannel channel;
    private final RdmaTimers timers;
    private final Consumer<String> log;
    private final AtomicBoolean queued = new AtomicBoolean();
    private boolean outputPending;

    /**
     * @param log told, once, why the channel ended when it ends other than by our close (one line:
     *            a protocol error, a lost peer, silence)
     */
    public RdmaConnection(RespRdmaChannel channel, EventLoop loop, RdmaTimers timers, ClientInput input,
                          Listener listener, Consumer<String> log) {
        super(channel, TcpConnection.format(channel.remoteAddress()), TcpConnection.format(channel.localAddress()),
            loop, input, listener);
        this.channel = channel;
        this.timers = timers;
        this.log = log;
    }

    /** Starts taking wake-ups; call on the loop once the client is attached. */
    public void register() {
        timers.add(this);
        channel.setWakeup(this::wake);
        wake();
    }

    /** From any thread: have the loop serve this connection soon (once, however often called). */
    private void wake() {
        if (queued.compareAndSet(false, true)) {
            loop().signal(this);
        }
    }

    @Override
    public void onSignal() {
        queued.set(false);
        if (isClosed()) {
            // closed as a client, still draining what was written before
            channel.poll();
            releaseIfDrained();
            return;
        }
        channel.poll();
        try {
            boolean more = readAndProcess();
            if (!isClosed() && outputPending) {
                flush();
            }
            // Input left after the read budget: no completion will come for it, so queue again.
            if (!isClosed() && (more || (channel.hasInput() && !inputStopped()))) {
                wake();
            }
        } catch (IOException e) {
            close();
        }
    }

    @Override
    protected void outputPending(boolean pending) {
        outputPending = pending;
    }

    @Override
    protected void endOfStream() {
        String reason = channel.closeReason();
        log.accept("RDMA client " + peerAddress() + " closed: " + (reason == null ? "end of stream" : reason));
        close();
    }

    @Override
    protected void detach() {
        // Wake-ups and the timer stay until the channel has drained (closeChannel).
    }

    @Override
    protected void closeChannel() {
        channel.closeWhenFlushed();
        releaseIfDrained();
    }

    private void releaseIfDrained() {
        if (!channel.isOpen()) {
            channel.close();
            timers.remove(this);
            channel.setWakeup(null);
        }
    }

    @Override
    public String transport() {
        return "rdma";
    }

    /** The channel's provider ("soft", "shm", "disni"). */
    public String provider() {
        return channel.provider();
    }
}
