package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static dev.rkv.kvserver.repl.ReplTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplicationSmokeIT {
    @Test
    void replicaGetsDatasetAndStream() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", "no");
             Jedis p = jedis(primary)) {
            for (int i = 0; i < 1000; i++) {
                p.set("k" + i, "v" + i);
            }
            try (RkvTestServer replica = RkvTestServer.start(replicaOf(primary)); Jedis r = jedis(replica)) {
                await("link up", () -> linkUp(replica));
                p.set("after", "sync");
                assertEquals(1L, p.waitReplicas(1, 5000));
                awaitConverged(primary, replica);
                assertEquals("sync", r.get("after"));
                assertEquals(1001, dbsize(replica));
                assertSameDataset(primary, replica);
            }
        }
    }
}
