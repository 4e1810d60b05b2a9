package dev.rkv.cli;

import dev.rkv.cli.testing.RkvNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The failover case Sentinel makes: two replicas of one primary, both synced by RDMA pull; one
 * is promoted and the other is pointed at it. The promoted one kept the old history (replid2),
 * so the follower continues with a partial resync: it must not pull the whole table again
 * (before the REPLCONF rkv-psync-probe it always did, 4x redis-server's time in
 * bench-failover's psync variant).
 */
class RdmaReplicaFollowsPromotedPeerIT {
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final String PROVIDER = "shm";

    @TempDir
    Path home;

    @Test
    void theOtherReplicaContinuesPartiallyWithoutAPull() throws Exception {
        try (RkvNode a = RkvNode.primaryAgent("a", home.resolve("a"), PROVIDER)) {
            load(a, "before:", 5_000);
            String[] follow = {"--replicaof", "127.0.0.1", Integer.toString(a.port()), "--repl-sync-transport", "rdma"};
            try (RkvNode b = RkvNode.replicaAgent("b", home.resolve("b"), PROVIDER, List.of("--primary-agent"), follow);
                 RkvNode d = RkvNode.replicaAgent("d", home.resolve("d"), PROVIDER, List.of(), follow)) {
                for (RkvNode r : new RkvNode[] {b, d}) {
                    r.awaitInfo("replication", m -> "up".equals(m.get("master_link_status")), SYNC, "a replica in sync with a");
                    assertEquals("rdma/" + PROVIDER, r.info("replication").get("master_last_sync_transport"));
                }
                load(a, "streamed:", 500);
                String offset = a.info("replication").get("master_repl_offset");
                for (RkvNode r : new RkvNode[] {b, d}) {
                    r.awaitInfo("replication", m -> Long.parseLong(m.get("master_repl_offset")) >= Long.parseLong(offset), SYNC,
                        "a replica at a's offset " + offset);
                }

                try (Jedis jb = b.jedis(); Jedis jd = d.jedis()) {
                    assertEquals("OK", jb.replicaofNoOne());
                    jb.set("written:on", "b");
                    assertEquals("OK", jd.replicaof("127.0.0.1", b.port()));
                }
                d.awaitInfo("replication", m -> "up".equals(m.get("master_link_status"))
                    && Integer.toString(b.port()).equals(m.get("master_port")), SYNC, "d following b");
                try (Jedis jb = b.jedis()) {
                    jb.set("written:after", "d followed");
                }
                String bOffset = b.info("replication").get("master_repl_offset");
                d.awaitInfo("replication", m -> Long.parseLong(m.get("master_repl_offset")) >= Long.parseLong(bOffset), SYNC,
                    "d at b's offset " + bOffset);

                Map<String, String> stats = b.info("stats");
                assertEquals("0", stats.get("sync_full"), "b served no full sync: " + stats);
                assertEquals("1", stats.get("sync_partial_ok"), "b continued d: " + stats);
                assertEquals("1", d.info("accelerator").get("replica_agent_completed_syncs"), "d pulled once (from a), not again from b");
                try (Jedis jb = b.jedis(); Jedis jd = d.jedis()) {
                    assertEquals(jb.dbSize(), jd.dbSize());
                    assertEquals("b", jd.get("written:on"));
                    assertEquals("d followed", jd.get("written:after"));
                    assertEquals(jb.get("streamed:499"), jd.get("streamed:499"));
                }
            }
        }
    }

    private static void load(RkvNode node, String prefix, int keys) {
        try (Jedis j = node.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set(prefix + i, "value-" + i);
            }
            p.sync();
        }
    }
}
