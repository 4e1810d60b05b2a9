package dev.rkv.benchmark.transport;

import java.io.IOException;

/**
 * One thread's event loop over its connections: a selector for TCP, a completion queue for RDMA.
 * Closing the poller closes every connection it made.
 */
public interface Poller extends AutoCloseable {

    /**
     * Connects to {@code host:port}, waiting until the connection is established or has failed
     * (at most {@code timeoutMillis}), and registers it with this poller for reading.
     *
     * @param attachment what {@link Connection#attachment()} returns, for the caller's own state
     * @throws IOException the connection could not be made; its message says why ("Connection refused")
     */
    Connection connect(String host, int port, int timeoutMillis, Object attachment) throws IOException;

    /**
     * Waits at most {@code timeoutMillis} (0: do not wait) until some connections can be read or
     * written, and calls {@code handler} once for each of them.
     *
     * @return how many connections the handler was called for
     * @throws IOException thrown by the handler or by the transport; the poll stops there
     */
    int poll(long timeoutMillis, ReadyHandler handler) throws IOException;

    @Override
    void close() throws IOException;
}
