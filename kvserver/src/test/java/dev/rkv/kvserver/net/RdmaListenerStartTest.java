package dev.rkv.kvserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RdmaClients;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.rdma.Providers;

import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Starting a server with an RDMA listener: what it binds, and the errors that stop the start. */
class RdmaListenerStartTest {

    @Test
    void rdmaBindDefaultsToTheTcpBindAddresses() throws Exception {
        int port = RdmaClients.freePort();
        try (RkvTestServer s = RkvTestServer.start("--rdma-port", Integer.toString(port));
             RdmaClients rdma = new RdmaClients("soft", 64 * 1024); RawClient c = rdma.connect(port)) {
            assertEquals(port, s.server().rdmaPort());
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }

    @Test
    void aBusyRdmaPortStopsTheStartWithTheAddress() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> RkvTestServer.start("--rdma-port", Integer.toString(busy.getLocalPort())));
            assertTrue(e.getMessage().contains("RDMA listening socket 127.0.0.1:" + busy.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void aProviderThatCannotRunHereStopsTheStartWithTheReason() throws Exception {
        assumeFalse(Providers.byName("disni").availability().available(),
            "disni runs here (an RDMA device): nothing to refuse");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RkvTestServer.start("--rdma-port",
            Integer.toString(RdmaClients.freePort()), "--rdma-provider", "disni"));
        assertTrue(e.getMessage().contains("Could not open RDMA provider disni"), e.getMessage());
    }
}
