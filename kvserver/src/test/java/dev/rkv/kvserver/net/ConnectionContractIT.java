package dev.rkv.kvserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every client transport must do the same way, run once per transport (TCP, RDMA on
 * soft, RDMA on shm): one subclass each says how to start the server and connect a client.
 * Clients are raw RESP clients over the transport's blocking streams, so the bytes seen are
 * exactly what the server sent.
 */
abstract class ConnectionContractIT {
    protected RkvTestServer server;
    private final List<RawClient> clients = new ArrayList<>();

    /** Extra server options for this transport ("--name value" pairs). */
    protected abstract String[] transportOptions() throws IOException;

    /** A new client over this transport. */
    protected abstract RawClient connect() throws IOException;

    /** "tcp" or "rdma", as CLIENT LIST says. */
    protected abstract String transport();

    @BeforeEach
    void startServer() throws IOException {
        server = RkvTestServer.start(transportOptions());
    }

    @AfterEach
    void stopServer() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        server.close();
    }

    protected RawClient client() throws IOException {
        RawClient c = connect();
        clients.add(c);
        return c;
    }

    /** A client over TCP, for the admin side of a test. */
    protected RawClient tcpClient() throws IOException {
        RawClient c = new RawClient(server.port());
        clients.add(c);
        return c;
    }

    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + s + "\r\n";
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        RawClient c = client();
        StringBuilder batch = new StringBuilder();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            batch.append(new String(RawClient.encode("SET", "k" + i, "v" + i), StandardCharsets.ISO_8859_1));
            batch.append(new String(RawClient.encode("GET", "k" + i), StandardCharsets.ISO_8859_1));
        }
        c.send(batch.toString());
        List<String> replies = c.readReplies(2 * n);
        for (int i = 0; i < n; i++) {
            assertEquals("+OK\r\n", replies.get(2 * i));
            assertEquals(bulk("v" + i), replies.get(2 * i + 1));
        }
    }

    @Test
    void valuesManyTimesTheReceiveBufferGoBothWays() throws IOException {
        RawClient c = client();
        byte[] value = new byte[5 * 1024 * 1024];
        new Random(7).nextBytes(value);
        c.command("SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), value);
        assertEquals("+OK\r\n", c.readReply());
        String got = c.call("GET", "big");
        String expected = "$" + value.length + "\r\n" + new String(value, StandardCharsets.ISO_8859_1) + "\r\n";
        assertEquals(expected.length(), got.length());
        assertTrue(expected.equals(got), "GET returned other bytes than SET stored");
        assertEquals(":" + value.length + "\r\n", c.call("STRLEN", "big"));
    }

    @Test
    void partialCommandsOfSeveralConnectionsStayApart() throws IOException {
        // The loop's connections share one read buffer: what one leaves unfinished (here half
        // of a large SET, then half of a GET) must neither be lost nor leak into another's input.
        RawClient a = client();
        RawClient b = client();
        byte[] big = new byte[3 * 256 * 1024 + 123];
        new Random(11).nextBytes(big);
        byte[] setBig = RawClient.encode("SET".getBytes(StandardCharsets.US_ASCII), "a".getBytes(StandardCharsets.US_ASCII), big);
        int cut = setBig.length / 2;
        byte[] ping = RawClient.encode("PING");
        byte[] first = new byte[ping.length + cut];
        System.arraycopy(ping, 0, first, 0, ping.length);
        System.arraycopy(setBig, 0, first, ping.length, cut);
        a.send(first);
        assertEquals("+PONG\r\n", a.readReply());
        byte[] getB = RawClient.encode("GET", "b");
        String bFirst = new String(RawClient.encode("SET", "b", "small"), StandardCharsets.ISO_8859_1)
            + new String(getB, 0, 7, StandardCharsets.ISO_8859_1);
        b.send(bFirst);
        assertEquals("+OK\r\n", b.readReply());
        a.send(Arrays.copyOfRange(setBig, cut, setBig.length));
        assertEquals("+OK\r\n", a.readReply());
        b.send(Arrays.copyOfRange(getB, 7, getB.length));
        assertEquals(bulk("small"), b.readReply());
        String got = b.call("GET", "a");
        String expected = "$" + big.length + "\r\n" + new String(big, StandardCharsets.ISO_8859_1) + "\r\n";
        assertTrue(expected.equals(got), "GET a returned other bytes than its SET sent");
    }

    @Test
    void multiExecRunsQueuedCommands() throws IOException {
        RawClient c = client();
        assertEquals("+OK\r\n", c.call("MULTI"));
        assertEquals("+QUEUED\r\n", c.call("INCR", "n"));
        assertEquals("+QUEUED\r\n", c.call("INCRBY", "n", "41"));
        assertEquals("*2\r\n:1\r\n:42\r\n", c.call("EXEC"));
    }

    @Test
    void publishReachesASubscriber() throws IOException {
        RawClient sub = client();
        RawClient pub = client();
        assertEquals("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", sub.call("SUBSCRIBE", "ch"));
        assertEquals(":1\r\n", pub.call("PUBLISH", "ch", "hello"));
        assertEquals("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", sub.readReply());
    }

    @Test
    void blpopIsWokenByAnotherClientsPush() throws Exception {
        RawClient waiter = client();
        RawClient pusher = client();
        waiter.command("BLPOP", "q", "0");
        // the BLPOP is blocked once the server counts it
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!pusher.call("INFO", "clients").contains("blocked_clients:1")) {
            assertTrue(System.nanoTime() < deadline, "BLPOP never blocked");
            Thread.sleep(5);
        }
        assertEquals(":1\r\n", pusher.call("RPUSH", "q", "x"));
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nx\r\n", waiter.readReply());
    }

    @Test
    void clientListShowsTheConnectionAndClientKillClosesIt() throws Exception {
        RawClient victim = client();
        RawClient admin = client();
        assertEquals("+OK\r\n", victim.call("CLIENT", "SETNAME", "victim"));
        String id = victim.call("CLIENT", "ID").substring(1).trim();
        String list = admin.call("CLIENT", "LIST");
        String line = Arrays.stream(list.split("\n")).filter(l -> l.contains("name=victim")).findFirst().orElseThrow();
        assertTrue(line.contains("id=" + id + " "), line);
        assertEquals(!transport().equals("tcp"), line.contains(" transport=" + transport()), line);
        assertEquals(":1\r\n", admin.call("CLIENT", "KILL", "ID", id));
        assertTrue(victim.closedByServer(), "a killed client's connection ends");
        assertTrue(!admin.call("CLIENT", "LIST").contains("name=victim"));
    }

    @Test
    void monitorSeesOtherClientsCommands() throws IOException {
        RawClient monitor = client();
        RawClient other = client();
        assertEquals("+OK\r\n", monitor.call("MONITOR"));
        assertEquals("+OK\r\n", other.call("SET", "watched", "1"));
        String line = monitor.readReply();
        assertTrue(line.contains("\"SET\" \"watched\" \"1\""), line);
    }

    @Test
    void requirepassIsEnforcedOnThisTransport() throws IOException {
        assertEquals("+OK\r\n", tcpClient().call("CONFIG", "SET", "requirepass", "s3cret"));
        RawClient c = client();
        assertTrue(c.call("GET", "k").startsWith("-NOAUTH"));
        assertTrue(c.call("AUTH", "wrong").startsWith("-WRONGPASS"));
        assertEquals("+OK\r\n", c.call("AUTH", "s3cret"));
        assertEquals("$-1\r\n", c.call("GET", "k"));
    }

    @Test
    void outputBufferLimitClosesASlowSubscriber() throws Exception {
        RawClient admin = tcpClient();
        assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0"));
        RawClient slow = client();
        assertEquals("+OK\r\n", slow.call("CLIENT", "SETNAME", "slow"));
        slow.call("SUBSCRIBE", "firehose");
        String payload = "x".repeat(4096);
        long deadline = System.nanoTime() + 20_000_000_000L;
        // publish until the server drops the subscriber that reads nothing
        while (admin.call("CLIENT", "LIST").contains("name=slow")) {
            for (int i = 0; i < 100; i++) {
                admin.command("PUBLISH", "firehose", payload);
            }
            admin.readReplies(100);
            assertTrue(System.nanoTime() < deadline, "the slow subscriber was never disconnected");
        }
        slow.timeout(20_000);
        slow.readUntilClosed();
    }

    @Test
    void maxclientsRefusesANewConnectionWithRedissError() throws Exception {
        RawClient admin = tcpClient();
        assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", "1"));
        RawClient refused = client();
        assertEquals("-ERR max number of clients reached\r\n", refused.readUntilClosed());
        assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", "100"));
        assertEquals("+PONG\r\n", client().call("PING"));
    }

    @Test
    void aReplicaCanFullSyncAndFollowTheStreamOverThisTransport() throws Exception {
        RawClient admin = tcpClient();
        for (String diskless : new String[] {"yes", "no"}) {
            assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "repl-diskless-sync", diskless,
                "repl-diskless-sync-delay", "0"));
            assertEquals("+OK\r\n", admin.call("SET", "before-" + diskless, "x".repeat(300_000)));
            RawClient replica = client();
            assertEquals("+OK\r\n", replica.call("REPLCONF", "capa", "eof", "capa", "psync2"));
            String fullResync = replica.call("PSYNC", "?", "-1");
            assertTrue(fullResync.startsWith("+FULLRESYNC "), fullResync);
            byte[] rdb = replica.readRdbTransfer();
            assertEquals("REDIS", new String(rdb, 0, 5, StandardCharsets.US_ASCII), "an RDB file");
            assertTrue(new String(rdb, StandardCharsets.ISO_8859_1).contains("before-" + diskless),
                "the RDB holds the key written before the sync");
            assertEquals("+OK\r\n", admin.call("SET", "after-" + diskless, "1"));
            // As a replica does once loaded, and then every second: after a diskless sync the stream
            // starts with the first ACK the primary takes (one sent before it finished the sync is early).
            replica.timeout(500);
            long deadline = System.nanoTime() + 20_000_000_000L;
            String seen = "";
            while (!seen.contains("after-" + diskless)) {
                assertTrue(System.nanoTime() < deadline, "the write never reached the replica: " + seen);
                replica.command("REPLCONF", "ACK", "0");
                try {
                    seen = replica.readReply();
                } catch (java.net.SocketTimeoutException e) {
                    seen = "";
                }
            }
            assertTrue(admin.call("INFO", "replication").contains("connected_slaves:1"));
            replica.close();
            server.awaitConnectedClients(1);
        }
    }

    @Test
    void quitAnswersThenCloses() throws IOException {
        RawClient c = client();
        assertEquals("+OK\r\n", c.call("QUIT"));
        assertTrue(c.closedByServer());
    }

    @Test
    void aProtocolErrorIsAnsweredThenTheConnectionCloses() throws IOException {
        RawClient c = client();
        c.send("*1\r\n$x\r\n");
        String got = c.readUntilClosed();
        assertTrue(got.startsWith("-ERR Protocol error"), got);
        assertEquals("+PONG\r\n", client().call("PING"));
    }
}
