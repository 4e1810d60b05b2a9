package dev.rkv.kvserver.net;

import dev.rkv.kvserver.testing.RawClient;

import java.io.IOException;

/**
 * The connection contract over TCP with io-threads 2, reading too: MULTI, Pub/Sub, blocking,
 * CLIENT KILL, MONITOR, output limits, replication and protocol errors on threaded IO.
 */
class TcpIoThreadsConnectionIT extends ConnectionContractIT {
    @Override
    protected String[] transportOptions() {
        dev.rkv.kvserver.testing.RkvTestServer.handOverEverything();
        return new String[] {"--io-threads", "2", "--io-threads-do-reads", "yes"};
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
