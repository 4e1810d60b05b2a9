package dev.rkv.resprdma;

import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.RdmaDevice;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Accepts RESP-over-RDMA connections: a {@link ConnectionListener} whose accepted endpoints become
 * {@link RespRdmaChannel}s, each on its own completion queue. Not thread-safe: one owner (an event
 * loop, or a test) accepts.
 */
public final class RespRdmaListener implements AutoCloseable {
    private final RdmaDevice device;
    private final ConnectionListener listener;
    private final RespRdmaOptions options;
    /** The queue for the next connection; kept across empty non-blocking accepts instead of re-created. */
    private CompletionQueue spareCq;

    private RespRdmaListener(RdmaDevice device, ConnectionListener listener, RespRdmaOptions options) {
        this.device = device;
        this.listener = listener;
        this.options = options;
    }

    /** Listens on {@code host:port} (0 picks a free port) of {@code device}, which stays the caller's. */
    public static RespRdmaListener listen(RdmaDevice device, String host, int port, RespRdmaOptions options) {
        return new RespRdmaListener(device, device.listen(host, port), options);
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** The options accepted channels get. */
    public RespRdmaOptions options() {
        return options;
    }

    /**
     * Installs a callback run on a provider thread when a connection becomes ready to accept
     * (e.g. {@code selector::wakeup}); null removes it.
     */
    public void setListener(Runnable onPending) {
        listener.setListener(onPending);
    }

    /** Accepts a waiting connection without blocking; null if there is none. */
    public RespRdmaChannel accept() {
        try {
            return accept(0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // a zero timeout does not wait; keep the interrupt for the caller's next wait
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Accepts the next connection, waiting up to {@code timeout}; null if none came. */
    public RespRdmaChannel accept(long timeout, TimeUnit unit) throws InterruptedException {
        if (spareCq == null) {
            spareCq = device.createCompletionQueue(options.sendDepth() + options.recvDepth());
        }
        Endpoint ep = listener.accept(RespRdmaChannel.endpointOptions(spareCq, options), timeout, unit);
        if (ep == null) {
            return null;
        }
        CompletionQueue cq = spareCq;
        spareCq = null;
        return RespRdmaChannel.accepted(device, ep, cq, options);
    }

    /** Stops listening; channels already accepted stay open. Idempotent. */
    @Override
    public void close() {
        listener.close();
        if (spareCq != null) {
            spareCq.close();
            spareCq = null;
        }
    }
}
