package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Transport;
import dev.rkv.benchmark.transport.tcp.TcpTransport;

/** Picks the transport the options ask for. */
final class Transports {
    private Transports() {
    }

    /**
     * TCP, or RESP over RDMA with {@code --rdma}.
     *
     * @throws BenchmarkException for {@code --rdma}: rkv has no RDMA client transport yet
     */
    static Transport forOptions(BenchmarkOptions options) throws BenchmarkException {
        if (options.rdma()) {
            // The seam is dev.rkv.benchmark.transport: an RDMA Transport (a Poller over a completion
            // queue, Connections over the Valkey-over-RDMA buffers) goes here once the client exists.
            throw new BenchmarkException("--rdma: RESP over RDMA is not built yet (rkv has no RDMA client "
                + "transport); run without --rdma to benchmark over TCP");
        }
        return new TcpTransport();
    }
}
