package dev.rkv.replica;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.info;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary agent's RDMA listener cannot be exhausted (issue 8, item 6): with 2,000 idle
 * TCP connections that never say a word and a dozen slow-loris connections trickling a hello
 * one byte at a time (reconnecting whenever they are dropped), a replica still syncs over
 * RDMA completely, and the listener holds no more than its handshake limit of the attackers'
 * connections meanwhile. The agent runs with the provider's default limits: this is what a
 * user gets.
 */
class ListenerFloodIT {
    private static final int IDLE = 2000;
    private static final int LORIS = 12;
    /** rdma's default {@code listener.max-handshakes}. */
    private static final int MAX_HANDSHAKES = 64;
    /** File descriptors kept free for the servers, agents, Maven's forked JVM and the JDK. */
    private static final int FD_RESERVE = 1000;
    /** The soft transport's hello (see rdma's Handshake): MAGIC "RKV1", HELLO_NEW. */
    private static final int MAGIC = 0x524b5631;
    private static final byte HELLO_NEW = 1;

    @Test
    void replicaSyncsOverRdmaWhileTheListenerIsFlooded() throws Exception {
        long t0 = System.nanoTime();
        long fdLimit = openFileLimit();
        int idleCount = (int) Math.max(0, Math.min(IDLE, fdLimit - openFds() - FD_RESERVE - 2L * LORIS));
        System.out.printf("open-file limit %d, %d fds open, using %d idle connections (%d wanted) and %d slow-loris%n", fdLimit,
            openFds(), idleCount, IDLE, LORIS);
        assertTrue(idleCount >= MAX_HANDSHAKES * 4, "too few file descriptors for a meaningful flood: " + idleCount);

        try (RkvTestServer primary = RkvTestServer.start("--repl-backlog-size", "16mb");
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults())) {
            fill(primary);
            int port = agent.rdmaPort();
            List<Socket> idle = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lorisBytes = new AtomicLong();
            AtomicLong lorisDrops = new AtomicLong();
            Thread loris = new Thread(() -> slowLoris(port, stop, lorisBytes, lorisDrops), "slow-loris");
            loris.setDaemon(true);
            try {
                for (int i = 0; i < idleCount; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    idle.add(s);
                }
                loris.start();
                await("the listener took every queued connection", Duration.ofSeconds(20), () -> acceptQueue(port) == 0);
                await("the slow-loris connections trickle", () -> lorisBytes.get() >= 2L * LORIS);
                int held = heldByListener(port);
                System.out.printf("after %d idle connections the listener holds %d connections%n", idle.size(), held);
                assertTrue(held <= MAX_HANDSHAKES, "the listener holds " + held + " handshakes, its limit is " + MAX_HANDSHAKES);
                assertTrue(held >= LORIS, "the attack reached the listener: it holds " + held);

                long syncStart = System.nanoTime();
                try (RkvTestServer replica = RkvTestServer.start();
                     ReplicaAgent replicaAgent = ReplicaAgent.attach(replica.server(),
                         ReplicaAgentOptions.defaults().withReads(64 << 10, 4))) {
                    long lorisAtStart = lorisBytes.get();
                    try (Jedis rj = replica.jedis()) {
                        rj.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
                    }
                    await("the replica syncs while the listener is flooded", () -> linkUp(replica) && offset(replica) == offset(primary));
                    long syncMs = (System.nanoTime() - syncStart) / 1_000_000;
                    assertEquals("rdma/soft", info(replica, "master_last_sync_transport"), "synced over RDMA, not the classic fallback");
                    assertEquals(1, replicaAgent.completedSyncs(), "one pull, no retries");
                    assertSameDataset(primary, replica);
                    // A sync can take less than one trickle period: what shows the attack was on throughout is that
                    // it goes on after it, on the same or reconnected sockets.
                    await("the slow-loris connections still trickle after the sync", () -> lorisBytes.get() >= lorisAtStart + LORIS);
                    int open = 0;
                    for (Socket s : idle) {
                        open += s.isClosed() ? 0 : 1;
                    }
                    assertEquals(idle.size(), open, "the idle connections are still open on the attacker's side");
                    System.out.printf("synced %d keys in %d ms (%s) with %d idle and %d slow-loris connections open;"
                            + " slow-loris sent %d bytes, were dropped %d times%n", replica.server().context().keyspace().totalKeys(),
                        syncMs, replicaAgent.lastPhases(), open, LORIS, lorisBytes.get(), lorisDrops.get());
                }
            } finally {
                stop.set(true);
                loris.join(5000);
                for (Socket s : idle) {
                    s.close();
                }
            }
            await("the listener lets go of the attackers' connections", Duration.ofSeconds(15), () -> heldByListener(port) == 0);

            // And it still serves: a second replica syncs with nothing in the way.
            try (RkvTestServer replica = RkvTestServer.start();
                 ReplicaAgent replicaAgent = ReplicaAgent.attach(replica.server(), ReplicaAgentOptions.defaults())) {
                try (Jedis rj = replica.jedis()) {
                    rj.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
                }
                await("a replica syncs after the flood", () -> linkUp(replica) && offset(replica) == offset(primary));
                assertEquals("rdma/soft", info(replica, "master_last_sync_transport"));
                assertSameDataset(primary, replica);
            }
        }
        System.out.printf("ListenerFloodIT took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Endpoints that complete the handshake and stay (the agent's port asks no secret; the
     * descriptor does): with every endpoint taken, a replica must still sync, the classic way,
     * instead of retrying a full listener forever.
     */
    @Test
    void aListenerFullOfRealEndpointsSendsTheReplicaToTheClassicSync() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(),
                 PrimaryAgentOptions.defaults().withDeviceProperty("listener.max-endpoints", "2"));
             dev.rkv.rdma.RdmaDevice squatter = dev.rkv.rdma.Providers.open("soft")) {
            fill(primary);
            java.util.List<dev.rkv.rdma.Endpoint> held = new java.util.ArrayList<>();
            try (dev.rkv.rdma.CompletionQueue cq = squatter.createCompletionQueue(8192)) {
                for (int i = 0; i < 2; i++) {
                    held.add(squatter.connect("127.0.0.1", agent.rdmaPort(), dev.rkv.rdma.EndpointOptions.of(cq).withDepths(4, 1)));
                }
                try (RkvTestServer replica = RkvTestServer.start();
                     ReplicaAgent replicaAgent = ReplicaAgent.attach(replica.server(), ReplicaAgentOptions.defaults())) {
                    try (Jedis rj = replica.jedis()) {
                        rj.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
                    }
                    await("the replica syncs though every RDMA endpoint is taken",
                        () -> linkUp(replica) && offset(replica) == offset(primary));
                    assertEquals("tcp", info(replica, "master_last_sync_transport"), "the classic sync, not a retry loop");
                    assertSameDataset(primary, replica);
                }
            } finally {
                for (dev.rkv.rdma.Endpoint e : held) {
                    e.close();
                }
            }
        }
    }

    private static void fill(RkvTestServer primary) {
        try (Jedis j = primary.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 5000; i++) {
                p.set("key:" + i, "v".repeat(i % 500) + i);
            }
            p.set("big", "B".repeat(100_000));
            p.sync();
        }
    }

    /**
     * A dozen connections, each sending one more byte of a HELLO_NEW every 100 ms: the hello
     * announces an info block of 4,000 bytes, so it never completes. A dropped one connects again.
     */
    private static void slowLoris(int port, AtomicBoolean stop, AtomicLong bytes, AtomicLong drops) {
        byte[] hello = helloPrefix();
        Socket[] sockets = new Socket[LORIS];
        int[] sent = new int[LORIS];
        try {
            while (!stop.get()) {
                for (int i = 0; i < LORIS && !stop.get(); i++) {
                    try {
                        if (sockets[i] == null) {
                            sockets[i] = new Socket();
                            sockets[i].connect(new InetSocketAddress("127.0.0.1", port), 2000);
                            sent[i] = 0;
                        }
                        OutputStream out = sockets[i].getOutputStream();
                        out.write(sent[i] < hello.length ? hello[sent[i]] : 'x');
                        out.flush();
                        sent[i]++;
                        bytes.incrementAndGet();
                    } catch (IOException e) {
                        // Dropped by the listener (handshake timeout, or pushed out by newer ones): come back.
                        drops.incrementAndGet();
                        closeQuietly(sockets[i]);
                        sockets[i] = null;
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    private static byte[] helloPrefix() {
        byte[] name = "soft".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + name.length + 16 + 4);
        b.putInt(MAGIC).put(HELLO_NEW).putShort((short) name.length).put(name).putLong(1).putLong(2).putInt(4000);
        return b.array();
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException e) {
            // Closing an attacker's socket: nothing to do about a failure.
        }
    }

    // ------------------------------------------------------------------ /proc

    /** The soft "Max open files" limit of this JVM (the JVM raises it to the hard limit at start). */
    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/self/limits");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Connections waiting in the kernel's accept queue of the listening socket on {@code port}. */
    private static int acceptQueue(int port) {
        return tcpSockets(port).stream().filter(s -> s.state.equals("0A")).mapToInt(s -> s.rxQueue).sum();
    }

    /**
     * Connections to {@code port} that this process holds on the listener's side: sockets whose
     * local port is the listener's, not the listening socket, with a file descriptor here.
     */
    private static int heldByListener(int port) {
        Set<String> inodes = new HashSet<>();
        for (TcpSocket s : tcpSockets(port)) {
            if (!s.state.equals("0A")) {
                inodes.add("socket:[" + s.inode + "]");
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record TcpSocket(String state, int rxQueue, String inode) {
    }

    /** Sockets in /proc/net/tcp and tcp6 whose local port is {@code port}. */
    private static List<TcpSocket> tcpSockets(int port) {
        List<TcpSocket> out = new ArrayList<>();
        String hexPort = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (f.length > 9 && f[1].endsWith(hexPort)) {
                    out.add(new TcpSocket(f[3], Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16), f[9]));
                }
            }
        }
        return out;
    }
}
