package dev.rkv.kvserver.net;

import dev.rkv.kvserver.testing.RawClient;

import java.io.IOException;

/** The connection contract over TCP. */
class TcpConnectionIT extends ConnectionContractIT {
    @Override
    protected String[] transportOptions() {
        return new String[0];
    }

    @Override
    protected RawClient connect() throws IOException {
        return new RawClient(server.port());
    }

    @Override
    protected String transport() {
        return "tcp";
    }
}
