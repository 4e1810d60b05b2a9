package dev.rkv.kvserver.net;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RdmaClients;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The connection contract over RESP-over-RDMA on the soft provider, with 64 KiB receive buffers on both sides. */
class SoftRdmaConnectionIT extends ConnectionContractIT {
    private static RdmaClients rdma;
    private int rdmaPort;

    @BeforeAll
    static void openDevice() {
        rdma = new RdmaClients("soft", 64 * 1024);
    }

    @AfterAll
    static void closeDevice() {
        rdma.close();
    }

    @Override
    protected String[] transportOptions() throws IOException {
        rdmaPort = RdmaClients.freePort();
        return new String[] {"--rdma-port", Integer.toString(rdmaPort), "--rdma-provider", "soft",
            "--rdma-rx-size", "65536"};
    }

    @Override
    protected RawClient connect() throws IOException {
        return rdma.connect(server.server().rdmaPort());
    }

    @Override
    protected String transport() {
        return "rdma";
    }
}
