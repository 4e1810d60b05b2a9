package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Transport;
import dev.rkv.benchmark.transport.rdma.RdmaTransport;
import dev.rkv.benchmark.transport.tcp.TcpTransport;
import dev.rkv.resprdma.RespRdmaOptions;

import java.io.IOException;

/** Picks the transport the options ask for. */
final class Transports {
    /** valkey-benchmark's --rdma means a real RDMA device. */
    static final String DEFAULT_PROVIDER = "disni";

    private Transports() {
    }

    /**
     * TCP, or RESP over RDMA with {@code --rdma} on the {@code --provider}'s device (1 MiB receive
     * buffers, as Valkey's and its C client's default).
     *
     * @throws BenchmarkException the RDMA provider cannot run here
     */
    static Transport forOptions(BenchmarkOptions options) throws BenchmarkException {
        if (options.rdma()) {
            String provider = options.provider() == null ? DEFAULT_PROVIDER : options.provider();
            try {
                return RdmaTransport.open(provider, RespRdmaOptions.defaults());
            } catch (IOException e) {
                throw new BenchmarkException("--rdma: " + e.getMessage(), e);
            }
        }
        return new TcpTransport();
    }
}
