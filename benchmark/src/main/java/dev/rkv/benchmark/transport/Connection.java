package dev.rkv.benchmark.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A non-blocking byte stream to the server, owned by the thread of the {@link Poller} that made it.
 */
public interface Connection extends AutoCloseable {

    /**
     * Reads what has arrived into {@code dst}.
     *
     * @return bytes read, 0 when nothing is available, -1 when the server closed the connection
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes as much of {@code src} as the transport takes now, advancing its position.
     *
     * @return bytes written, possibly 0
     */
    int write(ByteBuffer src) throws IOException;

    /**
     * Asks the poller to report this connection as writable (while {@code on}), after a
     * {@link #write} did not take everything.
     */
    void awaitWritable(boolean on) throws IOException;

    /** The object given to {@link Poller#connect}. */
    Object attachment();

    /** The server's address, for messages ("127.0.0.1:6379"). */
    String peer();

    @Override
    void close() throws IOException;
}
