package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RdmaClients;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static dev.rkv.kvserver.repl.ReplTesting.awaitConverged;
import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.dbsize;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/**
 * A replica whose replication link runs over RESP-over-RDMA ({@code repl-link-transport rdma},
 * REPLICAOF naming the primary's rdma-port): full sync (disk and diskless), the stream, WAIT,
 * and a reconnection after CLIENT KILL. One subclass per provider.
 */
abstract class RdmaReplicationLinkIT {
    protected abstract String provider();

    @Test
    void replicaSyncsAndFollowsOverRdma() throws Exception {
        for (String diskless : new String[] {"no", "yes"}) {
            int rdmaPort = RdmaClients.freePort();
            try (RkvTestServer primary = RkvTestServer.start("--rdma-port", Integer.toString(rdmaPort), "--rdma-provider",
                provider(), "--rdma-rx-size", "65536", "--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0");
                 Jedis p = primary.jedis()) {
                for (int i = 0; i < 2000; i++) {
                    p.set("k" + i, "v".repeat(i % 700));
                }
                try (RkvTestServer replica = RkvTestServer.start("--replicaof", "127.0.0.1", Integer.toString(rdmaPort),
                    "--repl-link-transport", "rdma", "--rdma-provider", provider()); Jedis r = replica.jedis()) {
                    await("link up over RDMA", () -> linkUp(replica));
                    p.set("after", "sync");
                    assertEquals(1L, p.waitReplicas(1, 10_000));
                    awaitConverged(primary, replica);
                    assertEquals("sync", r.get("after"));
                    assertEquals(2001, dbsize(replica));
                    assertSameDataset(primary, replica);
                    String line = Arrays.stream(p.clientList().split("\n")).filter(l -> l.contains("flags=S"))
                        .findFirst().orElseThrow();
                    assertTrue(line.contains("transport=rdma"), "the primary sees its replica on RDMA: " + line);
                    // the link comes back after the primary drops it
                    assertEquals(1L, p.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                        redis.clients.jedis.args.ClientType.REPLICA)));
                    p.set("after-kill", "1");
                    await("link up again", () -> linkUp(replica) && "1".equals(r.get("after-kill")));
                    assertSameDataset(primary, replica);
                }
            }
        }
    }
}
