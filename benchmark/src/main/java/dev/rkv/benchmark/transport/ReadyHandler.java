package dev.rkv.benchmark.transport;

import java.io.IOException;

/** Called by {@link Poller#poll} for each connection that can be read or written. */
@FunctionalInterface
public interface ReadyHandler {

    void ready(Connection connection, boolean readable, boolean writable) throws IOException;
}
