package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.rkv.kvserver.repl.ReplTesting.*;
import static dev.rkv.kvserver.testing.ReplicationChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Replicas that join a primary under a concurrent random write load (full sync while writes
 * go on, then the stream) end with the primary's dataset once the load stops and WAIT returns.
 */
class ReplicationConvergenceIT {
    @ParameterizedTest(name = "{0} replica(s), repl-diskless-sync {1}")
    @CsvSource({"1,no", "2,yes", "3,no", "3,yes"})
    void replicasConvergeUnderConcurrentWrites(int replicaCount, String diskless) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", diskless,
                "--repl-diskless-sync-delay", "0", "--hz", "50")) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            List<RandomWriter> writers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RandomWriter w = new RandomWriter(primary.port(), 1000L * replicaCount + i, 20_000, stop, ops);
                writers.add(w);
                w.start();
            }
            await("some writes before the replicas join", () -> ops.get() > 2000);
            List<RkvTestServer> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < replicaCount; i++) {
                    replicas.add(RkvTestServer.start(replicaOf(primary)));
                }
                for (RkvTestServer r : replicas) {
                    await("replica link up during the load", () -> linkUp(r));
                }
                long atSync = ops.get();
                await("writes continue after the syncs", () -> ops.get() > atSync + 2000 || !anyAlive(writers));
                stop.set(true);
                for (RandomWriter w : writers) {
                    w.join();
                    assertNull(w.failure(), () -> "writer failed: " + w.failure());
                }
                try (Jedis p = jedis(primary)) {
                    p.set("fence", "last");
                    assertEquals(replicaCount, p.waitReplicas(replicaCount, 20_000));
                }
                awaitConverged(primary, replicas.toArray(new RkvTestServer[0]));
                for (RkvTestServer r : replicas) {
                    assertSameDataset(primary, r);
                    try (Jedis j = jedis(r)) {
                        assertEquals("last", j.get("fence"));
                    }
                }
            } finally {
                stop.set(true);
                for (RkvTestServer r : replicas) {
                    r.close();
                }
            }
        }
    }

    private static boolean anyAlive(List<RandomWriter> writers) {
        for (RandomWriter w : writers) {
            if (w.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
