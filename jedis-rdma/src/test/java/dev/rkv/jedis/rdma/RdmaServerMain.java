package dev.rkv.jedis.rdma;

import dev.rkv.kvserver.testing.RdmaClients;
import dev.rkv.kvserver.testing.RkvTestServer;

/**
 * An rkv server with an RDMA listener in a process of its own, so a test can kill it with SIGKILL:
 * prints {@code READY <rdma-port>} and serves until killed. Arguments: the provider, the data directory.
 */
public final class RdmaServerMain {
    private RdmaServerMain() {
    }

    public static void main(String[] args) throws Exception {
        RkvTestServer server = RkvTestServer.start("--rdma-port", Integer.toString(RdmaClients.freePort()),
                "--rdma-provider", args[0], "--dir", args[1]);
        System.out.println("READY " + server.server().rdmaPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
