package dev.rkv.replica;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.digest;
import static dev.rkv.kvserver.testing.ReplicationChecks.info;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REPLICAOF host port RDMA: replicas pull the primary's table while clients keep writing,
 * continue the stream from the pulled offset through the LSN filter, and end with exactly
 * the primary's data; a primary without an agent gets a classic sync; a primary killed in
 * the middle of a pull leaves the replica's data alone until it comes back.
 */
class AcceleratedReplicationIT {
    private static final String[] PRIMARY = {"--repl-backlog-size", "64mb", "--hz", "50", "--repl-diskless-sync-delay", "0"};

    @ParameterizedTest(name = "{0} replica(s), provider {1}")
    @CsvSource({"1,soft", "2,shm", "3,soft", "3,shm"})
    void replicasConvergeUnderConcurrentWrites(int replicaCount, String provider) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start(PRIMARY);
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider(provider))) {
            try (Jedis j = primary.jedis()) {
                for (int i = 0; i < 3000; i++) {
                    j.set("seed:" + i, "s".repeat(i % 900));
                }
                Map<String, String> fields = new HashMap<>();
                Map<String, Double> scores = new HashMap<>();
                for (int i = 0; i < 5000; i++) {
                    fields.put("f" + i, "v" + i);
                    scores.put("m" + i, i / 2.0);
                }
                j.hset(RandomWriter.BIG_HASH, fields);
                j.zadd(RandomWriter.BIG_ZSET, scores);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            List<RandomWriter> writers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RandomWriter w = new RandomWriter(primary.port(), 100L * replicaCount + i, stop, ops);
                writers.add(w);
                w.start();
            }
            List<RkvTestServer> replicas = new ArrayList<>();
            List<ReplicaAgent> agents = new ArrayList<>();
            try {
                await("writes before the replicas join", () -> ops.get() > 1000);
                for (int i = 0; i < replicaCount; i++) {
                    RkvTestServer r = RkvTestServer.start();
                    replicas.add(r);
                    agents.add(ReplicaAgent.attach(r.server(), ReplicaAgentOptions.defaults().withProvider(provider).withReads(256 << 10, 4)));
                    try (Jedis rj = r.jedis()) {
                        Object reply = rj.sendCommand(redis.clients.jedis.Protocol.Command.REPLICAOF, "127.0.0.1",
                            Integer.toString(primary.port()), "RDMA");
                        assertEquals("OK", redis.clients.jedis.util.SafeEncoder.encode((byte[]) reply));
                    }
                }
                for (int i = 0; i < replicas.size(); i++) {
                    RkvTestServer r = replicas.get(i);
                    ReplicaAgent a = agents.get(i);
                    await("replica link up during the load", () -> linkUp(r));
                    // An effect the LSN filter cannot reconcile (a RENAME racing the pull) makes the link resync classically.
                    assertTrue(a.completedSyncs() >= 1, "pulled over RDMA at least once");
                }
                long atSync = ops.get();
                await("writes continue after the syncs", () -> ops.get() > atSync + 1000);
                stop.set(true);
                for (RandomWriter w : writers) {
                    w.join();
                    assertNull(w.failure(), () -> "writer failed: " + w.failure());
                }
                try (Jedis p = primary.jedis()) {
                    p.set("fence", "last");
                    assertEquals(replicaCount, p.waitReplicas(replicaCount, 20_000));
                }
                for (RkvTestServer r : replicas) {
                    await("replica reaches the primary's offset", () -> linkUp(r) && offset(r) == offset(primary));
                    assertSameDataset(primary, r);
                }
            } finally {
                stop.set(true);
                agents.forEach(ReplicaAgent::close);
                replicas.forEach(RkvTestServer::close);
            }
        }
    }

    @Test
    void primaryWithoutAgentGetsTheClassicSync() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start(PRIMARY); RkvTestServer replica = RkvTestServer.start();
             ReplicaAgent agent = ReplicaAgent.attach(replica.server(), ReplicaAgentOptions.defaults())) {
            try (Jedis j = primary.jedis()) {
                j.set("a", "1");
            }
            try (Jedis rj = replica.jedis()) {
                rj.sendCommand(redis.clients.jedis.Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
            }
            await("classic sync", () -> linkUp(replica));
            assertEquals("tcp", info(replica, "master_last_sync_transport"));
            assertEquals("rdma/soft", info(replica, "master_sync_transport"));
            assertSameDataset(primary, replica);
        }
    }

    @Test
    void primaryKilledMidPullLeavesTheOldDataThenConvergesAfterItsRestart() throws Exception {
        try (RkvTestServer old = RkvTestServer.start(PRIMARY);
             PrimaryAgent oldAgent = PrimaryAgent.attach(old.server(), PrimaryAgentOptions.defaults());
             RkvTestServer replica = RkvTestServer.start("--repl-sync-transport", "rdma");
             ReplicaAgent agent = ReplicaAgent.attach(replica.server(), ReplicaAgentOptions.defaults().withStallMillis(2000))) {
            try (Jedis j = old.jedis()) {
                for (int i = 0; i < 500; i++) {
                    j.set("old:" + i, "o" + i);
                }
            }
            try (Jedis rj = replica.jedis()) {
                rj.replicaof("127.0.0.1", old.port());
            }
            await("first sync", () -> linkUp(replica));
            String oldDigest = digest(old, System.currentTimeMillis());

            RkvTestServer doomed = RkvTestServer.start(PRIMARY);
            int port = doomed.port();
            PrimaryAgent doomedAgent = PrimaryAgent.attach(doomed.server(), PrimaryAgentOptions.defaults());
            try (Jedis j = doomed.jedis()) {
                for (int i = 0; i < 2000; i++) {
                    j.set("new:" + i, "n".repeat(i % 500));
                }
            }
            AtomicInteger pulls = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            agent.listener(new ReplicaAgent.PullListener() {
                @Override
                public void header(long epoch, long offset) {
                    if (pulls.incrementAndGet() == 1) {
                        doomedAgent.close();
                        doomed.close();
                        killed.set(true);
                    }
                }
            });
            try (Jedis rj = replica.jedis()) {
                rj.replicaof("127.0.0.1", port);
            }
            await("the primary is killed in the middle of the pull", killed::get);
            Thread.sleep(300);
            assertEquals(oldDigest, digest(replica, System.currentTimeMillis()), "the replica keeps its old data");
            assertTrue(!linkUp(replica));

            try (RkvTestServer reborn = RkvTestServer.start(concat(PRIMARY, "--port", Integer.toString(port)));
                 PrimaryAgent rebornAgent = PrimaryAgent.attach(reborn.server(), PrimaryAgentOptions.defaults())) {
                try (Jedis j = reborn.jedis()) {
                    for (int i = 0; i < 1000; i++) {
                        j.set("reborn:" + i, "r" + i);
                    }
                }
                await("the replica retries and syncs from the restarted primary", java.time.Duration.ofSeconds(60),
                    () -> linkUp(replica) && offset(replica) == offset(reborn));
                assertEquals("rdma/soft", info(replica, "master_last_sync_transport"));
                assertTrue(pulls.get() >= 2);
                assertSameDataset(reborn, replica);
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
