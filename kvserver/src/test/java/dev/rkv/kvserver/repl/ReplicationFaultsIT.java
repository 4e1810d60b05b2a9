package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.rkv.kvserver.repl.ReplTesting.*;
import static dev.rkv.kvserver.testing.ReplicationChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Links that drop mid sync or mid stream, replicas and primaries that restart: replicas converge, WAITed writes stay. */
class ReplicationFaultsIT {
    private static long stat(RkvTestServer s, String name) {
        return call(s, () -> s.server().context().replication().stats().get(name));
    }

    private static void load(RkvTestServer s, int keys, int valueBytes) {
        String value = "v".repeat(valueBytes);
        try (Jedis j = jedis(s)) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set("bulk:" + i, value);
            }
            p.sync();
        }
    }

    @ParameterizedTest(name = "dropped by the {0}")
    @ValueSource(strings = {"replica", "primary"})
    void linkDroppedMidStreamResumesWithPartialResync(String side) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-backlog-size", "64mb", "--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start(replicaOf(primary))) {
            await("link up", () -> linkUp(replica));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            List<RandomWriter> writers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RandomWriter w = new RandomWriter(primary.port(), 77 + i, 40_000, stop, ops);
                writers.add(w);
                w.start();
            }
            for (int drop = 0; drop < 3; drop++) {
                long before = ops.get();
                await("writes flowing", () -> ops.get() > before + 1000 || !writers.get(0).isAlive());
                // CLIENT KILL TYPE master on the replica, TYPE replica on the primary: either end drops the link.
                RkvTestServer killer = side.equals("replica") ? replica : primary;
                try (Jedis j = jedis(killer)) {
                    Object killed = j.sendCommand(() -> "CLIENT".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        "KILL", "TYPE", side.equals("replica") ? "master" : "replica");
                    assertEquals(1L, killed);
                }
                int dropped = drop + 1;
                await("partial resync " + dropped, () -> stat(primary, "sync_partial_ok") >= dropped && linkUp(replica));
            }
            stop.set(true);
            for (RandomWriter w : writers) {
                w.join();
                assertNull(w.failure());
            }
            try (Jedis p = jedis(primary)) {
                assertEquals(1L, p.waitReplicas(1, 10_000));
            }
            awaitConverged(primary, replica);
            assertSameDataset(primary, replica);
            assertEquals(1, stat(primary, "sync_full"), "only the first sync was a full one");
        }
    }

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void linkDroppedMidFullSyncKeepsOldDataThenConverges(String diskless) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", diskless,
                "--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start()) {
            load(primary, 150_000, 200);
            try (Jedis r = jedis(replica)) {
                r.set("old", "data");
                // The replica announces itself and the primary starts producing the RDB; drop the
                // connection as soon as the primary is busy with this replica's sync.
                r.replicaof("127.0.0.1", primary.port());
                await("primary busy with the sync", () -> {
                    String s = info(primary, "slave0");
                    return s != null && (s.contains("state=wait_bgsave") || s.contains("state=send_bulk"));
                });
                call(primary, () -> {
                    primary.server().context().replication().killReplicas();
                    return null;
                });
                assertEquals("data", r.get("old"), "the old dataset is served until a sync completes");
                await("replica converges after the retry", () -> linkUp(replica) && offset(replica) == offset(primary));
                assertTrue(stat(primary, "sync_full") >= 2, "the dropped sync was retried in full");
                assertNull(r.get("old"));
                assertSameDataset(primary, replica);
            }
        }
    }

    @Test
    void replicaRestartedFromScratchResyncs() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync-delay", "0"); Jedis p = jedis(primary)) {
            load(primary, 5000, 50);
            try (RkvTestServer replica = RkvTestServer.start(replicaOf(primary))) {
                await("link up", () -> linkUp(replica));
                p.set("before", "restart");
                assertEquals(1L, p.waitReplicas(1, 10_000));
            }
            p.set("while", "down");
            assertEquals(0L, p.waitReplicas(1, 100));
            try (RkvTestServer replica = RkvTestServer.start(replicaOf(primary)); Jedis r = jedis(replica)) {
                await("link up again", () -> linkUp(replica));
                assertEquals(1L, p.waitReplicas(1, 10_000));
                awaitConverged(primary, replica);
                assertEquals("restart", r.get("before"));
                assertEquals("down", r.get("while"));
                assertSameDataset(primary, replica);
            }
        }
    }

    @Test
    void primaryRestartedFromItsRdbKeepsAcknowledgedWrites(@TempDir Path dir) throws Exception {
        int port = dev.rkv.kvserver.testing.RedisReference.freePort();
        String[] primaryOptions = {"--port", Integer.toString(port), "--dir", dir.toString(), "--repl-diskless-sync-delay", "0"};
        RkvTestServer primary = RkvTestServer.start(primaryOptions);
        try (RkvTestServer replica = RkvTestServer.start(replicaOf(primary)); Jedis r = jedis(replica)) {
            try (Jedis p = jedis(primary)) {
                load(primary, 3000, 20);
                p.set("acked", "yes");
                assertEquals(1L, p.waitReplicas(1, 10_000));
                assertEquals("OK", p.save());
                p.set("after-save", "kept-by-replica-only-until-resync");
            }
            primary.close();
            await("replica sees the link down", () -> !linkUp(replica));
            assertEquals("yes", r.get("acked"), "the replica keeps serving while its primary is away");
            primary = RkvTestServer.start(primaryOptions);
            RkvTestServer restarted = primary;
            await("replica resyncs with the restarted primary", () -> linkUp(replica)
                && offset(replica) == offset(restarted));
            assertEquals("yes", r.get("acked"));
            assertEquals(3001, dbsize(replica));
            assertSameDataset(restarted, replica);
        } finally {
            primary.close();
        }
    }
}
