package dev.rkv.rdma;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A listening endpoint (an RDMA CM listener). Connection requests queue up until accepted;
 * accepting creates the endpoint with the caller's options, as creating a QP and calling
 * {@code rdma_accept} does. {@code accept(options, 0, unit)} never blocks.
 */
public interface ConnectionListener extends AutoCloseable {

    /** The bound address; the port is the real one when 0 was asked for. */
    InetSocketAddress localAddress();

    /** Waits for the next connection and accepts it (a closed listener throws ResourceClosedException). */
    default Endpoint accept(EndpointOptions options) throws InterruptedException {
        while (true) {
            Endpoint e = accept(options, 1, TimeUnit.SECONDS);
            if (e != null) {
                return e;
            }
        }
    }

    /** Accepts the next connection, waiting up to {@code timeout}; null if none came. */
    Endpoint accept(EndpointOptions options, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Installs a callback run (on a provider thread) whenever a connection request becomes
     * ready to accept, so an event loop can sleep in its selector and accept with a zero
     * timeout when woken. Null removes it.
     */
    void setListener(Runnable onPending);

    /** Stops listening; pending unaccepted requests are refused. Idempotent. */
    @Override
    void close();
}
