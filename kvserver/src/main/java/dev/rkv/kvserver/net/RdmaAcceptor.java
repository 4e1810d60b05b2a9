package dev.rkv.kvserver.net;

import dev.rkv.rdma.RdmaDevice;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaListener;
import dev.rkv.resprdma.RespRdmaOptions;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Accepts RESP-over-RDMA connections on one address and hands them to a callback on the event
 * loop. The listener's provider thread signals the loop when a connection is waiting; accepting
 * never blocks.
 */
public final class RdmaAcceptor implements EventLoop.Signaled {
    /** Receives each accepted channel, on the loop. */
    @FunctionalInterface
    public interface AcceptCallback {
        void accepted(RespRdmaChannel channel) throws IOException;
    }

    private final EventLoop loop;
    private final RespRdmaListener listener;
    private final AcceptCallback callback;
    private final AtomicBoolean queued = new AtomicBoolean();

    public RdmaAcceptor(EventLoop loop, RdmaDevice device, String host, int port, RespRdmaOptions options,
                        AcceptCallback callback) {
        this.loop = loop;
        this.callback = callback;
        this.listener = RespRdmaListener.listen(device, host, port, options);
    }

    public void register() {
        listener.setListener(this::wake);
        wake();
    }

    private void wake() {
        if (queued.compareAndSet(false, true)) {
            loop.signal(this);
        }
    }

    public int port() {
        return listener.localAddress().getPort();
    }

    @Override
    public void onSignal() {
        queued.set(false);
        // Accept a bounded burst so one flood of connections cannot starve clients.
        for (int i = 0; i < 64; i++) {
            RespRdmaChannel ch = listener.accept();
            if (ch == null) {
                return;
            }
            try {
                callback.accepted(ch);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException(e.getMessage(),
                    (IOException) e);
            }
        }
        wake();
    }

    public void close() {
        listener.setListener(null);
        listener.close();
    }
}
