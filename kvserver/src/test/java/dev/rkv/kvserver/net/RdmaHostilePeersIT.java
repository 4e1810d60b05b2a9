package dev.rkv.kvserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RdmaClients;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.resprdma.ControlMessage;
import dev.rkv.resprdma.HostilePeer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that break the RESP-over-RDMA protocol against a real server (raw SPI clients): each
 * loses its own connection, and the server goes on serving RDMA and TCP clients; and what an
 * RDMA client may not do yet (PSYNC). One subclass per provider.
 */
abstract class RdmaHostilePeersIT {
    private static final int RX = 64 * 1024;

    private RkvTestServer server;
    private Path logFile;
    private RdmaClients rdma;
    private RawClient good;

    protected abstract String provider();

    @BeforeEach
    void start() throws Exception {
        rdma = new RdmaClients(provider(), RX);
        logFile = Files.createTempFile("rkv-rdma-hostile", ".log");
        server = RkvTestServer.start("--rdma-port", Integer.toString(RdmaClients.freePort()), "--rdma-provider",
            provider(), "--rdma-rx-size", Integer.toString(RX), "--logfile", logFile.toString());
        good = rdma.connect(server.server().rdmaPort());
        assertEquals("+OK\r\n", good.call("SET", "before", "1"));
    }

    @AfterEach
    void stop() throws Exception {
        good.close();
        server.close();
        rdma.close();
        Files.deleteIfExists(logFile);
    }

    private HostilePeer hostile() throws Exception {
        HostilePeer p = new HostilePeer(rdma.device(), server.server().rdmaPort());
        server.awaitConnectedClients(2);
        return p;
    }

    /** The hostile connection is gone; the good RDMA client, a new RDMA client and a TCP client are served. */
    private void assertOnlyTheHostileConnectionClosed() throws Exception {
        server.awaitConnectedClients(1);
        assertEquals("$1\r\n1\r\n", good.call("GET", "before"));
        try (RawClient fresh = rdma.connect(server.server().rdmaPort()); RawClient tcp = new RawClient(server.port())) {
            assertEquals("+PONG\r\n", fresh.call("PING"));
            assertEquals("+PONG\r\n", tcp.call("PING"));
        }
    }

    @Test
    void shortControlMessage() throws Exception {
        try (HostilePeer p = hostile()) {
            p.sendRaw(new byte[12]);
            assertOnlyTheHostileConnectionClosed();
            List<String> lines = Files.readAllLines(logFile).stream().filter(l -> l.contains("RDMA client")).toList();
            assertEquals(1, lines.size(), "one log line for the closed connection: " + lines);
            assertTrue(lines.get(0).contains("protocol error: control message of 12 bytes (must be 32)"), lines.get(0));
        }
    }

    @Test
    void longControlMessage() throws Exception {
        try (HostilePeer p = hostile()) {
            p.sendRaw(new byte[40]);
            assertOnlyTheHostileConnectionClosed();
        }
    }

    @Test
    void unknownOpcode() throws Exception {
        try (HostilePeer p = hostile()) {
            byte[] m = new byte[32];
            m[1] = 77;
            p.sendRaw(m);
            assertOnlyTheHostileConnectionClosed();
        }
    }

    @Test
    void setClientFeatureWithFeatures() throws Exception {
        try (HostilePeer p = hostile()) {
            p.send(ControlMessage.setClientFeature(1));
            assertOnlyTheHostileConnectionClosed();
        }
    }

    @Test
    void dataBeforeRegisterXferMemory() throws Exception {
        try (HostilePeer p = hostile()) {
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, null);
            p.fillStaging("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            p.writeWithImm(rx, 0, 14, 14);
            assertOnlyTheHostileConnectionClosed();
        }
    }

    @Test
    void fillOffsetPastTheBuffer() throws Exception {
        try (HostilePeer p = hostile()) {
            p.announceOwnRx();
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, null);
            p.writeWithImm(rx, 0, 16, RX + 1);
            assertOnlyTheHostileConnectionClosed();
        }
    }

    @Test
    void writeWhileTheBufferIsNotAnnounced() throws Exception {
        try (HostilePeer p = hostile()) {
            p.announceOwnRx();
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, null);
            // A whole buffer of an unfinished bulk: the server consumes it and announces it again,
            // so fill it, then at once write more before that announcement could have been seen.
            p.fillStaging(("*1\r\n$" + (10 * RX) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            p.writeWithImm(rx, 0, RX, RX);
            p.writeWithImm(rx, 0, 1, 1);
            p.writeWithImm(rx, 1, 1, RX);
            assertOnlyTheHostileConnectionClosed();
        }
    }

    @Test
    void psyncOverAnRdmaClientConnectionIsRefusedWithAReason() throws Exception {
        String reply = good.call("PSYNC", "?", "-1");
        assertTrue(reply.startsWith("-ERR replication over an RDMA client connection is not supported yet"), reply);
        assertEquals("+PONG\r\n", good.call("PING"));
        assertTrue(good.call("INFO", "replication").contains("connected_slaves:0"));
    }

    @Test
    void peerThatDisconnects() throws Exception {
        HostilePeer p = hostile();
        p.announceOwnRx();
        p.close();
        assertOnlyTheHostileConnectionClosed();
    }
}
