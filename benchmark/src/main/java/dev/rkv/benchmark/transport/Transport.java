package dev.rkv.benchmark.transport;

import java.io.IOException;

/**
 * How the load generator reaches a server. The load generator only sees byte streams
 * ({@link Connection}) and a per-thread readiness loop ({@link Poller}), so a transport that is
 * not a socket (RESP over RDMA: bytes written into the peer's receive buffer, completions instead
 * of readiness) plugs in by implementing these three small interfaces.
 */
public interface Transport extends AutoCloseable {

    /** A short name for reports ("tcp"). */
    String name();

    /**
     * Opens a poller. The poller, and every connection made through it, belongs to the thread
     * that uses it: nothing here is thread-safe.
     */
    Poller openPoller() throws IOException;

    /** Releases what the transport holds for all its pollers (an RDMA device); after every poller is closed. */
    @Override
    default void close() {
    }
}
