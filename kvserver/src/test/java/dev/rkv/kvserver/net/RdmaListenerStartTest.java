package dev.rkv.kvserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rkv.kvserver.testing.Addresses;
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
    void protectedModeRefusesNonLoopbackRdmaClientsAsItDoesTcpOnes() throws Exception {
        String external = Addresses.nonLoopbackIpv4();
        assumeTrue(external != null, "no non-loopback IPv4 address on this machine");
        int port = RdmaClients.freePort();
        try (RdmaClients rdma = new RdmaClients("soft", 64 * 1024)) {
            try (RkvTestServer s = RkvTestServer.start("--bind", "127.0.0.1 " + external, "--rdma-port",
                Integer.toString(port))) {
                String denied;
                try (RawClient tcp = new RawClient(external, s.port())) {
                    denied = tcp.readUntilClosed();
                }
                assertTrue(denied.startsWith("-DENIED rkv is running in protected mode"), denied);
                try (RawClient remote = rdma.connect(external, port)) {
                    assertEquals(denied, remote.readUntilClosed(), "the same refusal over RDMA");
                }
                try (RawClient local = rdma.connect(port)) {
                    assertEquals("+PONG\r\n", local.call("PING"), "loopback RDMA clients are served");
                }
            }
            try (RkvTestServer s = RkvTestServer.start("--bind", "127.0.0.1 " + external, "--rdma-port",
                Integer.toString(port), "--requirepass", "pw"); RawClient remote = rdma.connect(external, port)) {
                assertEquals("-NOAUTH Authentication required.\r\n", remote.call("PING"));
                assertEquals("+OK\r\n", remote.call("AUTH", "pw"));
                assertEquals("+PONG\r\n", remote.call("PING"));
            }
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
