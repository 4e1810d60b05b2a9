package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static dev.rkv.kvserver.repl.ReplTesting.*;
import static dev.rkv.kvserver.testing.ReplicationChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitIT {
    @Test
    void waitCountsReplicasThatAcknowledgedTheWrite() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer r1 = RkvTestServer.start(replicaOf(primary));
             RkvTestServer r2 = RkvTestServer.start(replicaOf(primary));
             Jedis p = jedis(primary)) {
            await("both up", () -> linkUp(r1) && linkUp(r2));
            p.set("k", "v");
            assertEquals(2L, p.waitReplicas(2, 0), "timeout 0 waits as long as it takes");
            long one = p.waitReplicas(1, 1000);
            assertTrue(one >= 1 && one <= 2, "WAIT 1 answers once one replica acknowledged: " + one);
            p.set("k", "w");
            assertEquals(2L, p.waitReplicas(3, 300), "at the timeout WAIT answers with the replicas it has");
            try (Jedis j = jedis(r1)) {
                assertEquals("w", j.get("k"));
            }
        }
    }

    @Test
    void commandsPipelinedBehindABlockedWaitAnswerAfterIt() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start(replicaOf(primary));
             RawClient c = new RawClient(primary.port())) {
            await("up", () -> linkUp(replica));
            c.command("SET", "a", "1").command("WAIT", "2", "200").command("GET", "a").command("WAIT", "1", "0");
            assertEquals("+OK\r\n", c.readReply());
            assertEquals(":1\r\n", c.readReply());
            assertEquals("$1\r\n1\r\n", c.readReply());
            assertEquals(":1\r\n", c.readReply());
        }
    }

    @Test
    void waitWithoutReplicasTimesOutWithZero() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start(); Jedis p = jedis(primary)) {
            p.set("x", "1");
            assertEquals(0L, p.waitReplicas(1, 50));
            assertEquals(0L, p.waitReplicas(0, 0));
        }
    }
}
