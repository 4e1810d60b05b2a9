package dev.rkv.benchmark.transport.tcp;

import dev.rkv.benchmark.transport.Poller;
import dev.rkv.benchmark.transport.Transport;

import java.io.IOException;

/** RESP over TCP: non-blocking socket channels, one {@link java.nio.channels.Selector} per poller. */
public final class TcpTransport implements Transport {

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Poller openPoller() throws IOException {
        return new TcpPoller();
    }
}
