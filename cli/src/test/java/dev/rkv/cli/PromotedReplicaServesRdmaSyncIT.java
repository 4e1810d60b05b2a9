package dev.rkv.cli;

import dev.rkv.cli.testing.RkvNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rkv replica-agent --primary-agent}: a replica whose keyspace is kept in a table all along
 * (RDMA full sync, then the classic stream), so that once promoted its own replicas full-sync
 * from it by RDMA READ as from {@code rkv primary-agent}; while it is a replica it refuses, and a
 * replica of it falls back to the classic sync.
 */
class PromotedReplicaServesRdmaSyncIT {
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final String PROVIDER = "shm";
    private static final int KEYS = 3_000;

    @TempDir
    Path home;

    @Test
    void promotedReplicaServesItsTableToANewReplica() throws Exception {
        try (RkvNode a = RkvNode.primaryAgent("a", home.resolve("a"), PROVIDER, "--enable-debug-command", "local")) {
            load(a, "before:");
            try (RkvNode b = RkvNode.replicaAgent("b", home.resolve("b"), PROVIDER, List.of("--primary-agent"),
                "--enable-debug-command", "local", "--replicaof", "127.0.0.1", Integer.toString(a.port()), "--repl-sync-transport", "rdma")) {
                b.awaitInfo("replication", m -> "up".equals(m.get("master_link_status")), SYNC, "b in sync with a");
                assertEquals("rdma/" + PROVIDER, b.info("replication").get("master_last_sync_transport"), "b's own full sync");
                awaitTableOf(b, "after its pull, before any write");
                // After the pull, the classic stream: every kind of change the table must follow.
                load(a, "after:");
                try (Jedis j = a.jedis()) {
                    j.incrBy("before:counter", 5);
                    j.del("before:s:7");
                    j.hset("before:h:3", "added", "yes");
                    j.rpush("before:l:4", "tail");
                    j.expire("before:s:8", 3600);
                    j.rename("before:s:9", "renamed:9");
                }
                awaitSameOffset(a, b);
                assertEquals(digest(a), digest(b), "b follows a");
                assertEquals("replica (served once promoted)", awaitTableOf(b, "after the stream").get("primary_agent_state"));

                // A replica of a replica: b's table is not served while it is one (the descriptor is refused).
                try (RkvNode chained = RkvNode.replicaAgent("chained", home.resolve("chained"), PROVIDER, List.of(),
                    "--replicaof", "127.0.0.1", Integer.toString(b.port()), "--repl-sync-transport", "rdma")) {
                    chained.awaitInfo("replication", m -> "up".equals(m.get("master_link_status")), SYNC, "chained replica in sync with b");
                    assertEquals("tcp", chained.info("replication").get("master_last_sync_transport"),
                        "a replica's table is refused: the chained replica syncs the classic way");
                }

                try (Jedis j = b.jedis()) {
                    assertEquals("OK", j.replicaofNoOne());
                    j.set("promoted:written", "on b");
                    j.incr("before:counter");
                }
                try (RkvNode c = RkvNode.replicaAgent("c", home.resolve("c"), PROVIDER, List.of(),
                    "--enable-debug-command", "local", "--replicaof", "127.0.0.1", Integer.toString(b.port()), "--repl-sync-transport", "rdma")) {
                    Map<String, String> repl = c.awaitInfo("replication", m -> "up".equals(m.get("master_link_status")), SYNC,
                        "c in sync with the promoted b");
                    assertEquals("rdma/" + PROVIDER, repl.get("master_last_sync_transport"), "c pulled b's table");
                    assertEquals("1", c.info("accelerator").get("replica_agent_completed_syncs"), "c's agent pulled once");
                    try (Jedis j = b.jedis()) {
                        j.set("promoted:streamed", "after c's pull");
                    }
                    awaitSameOffset(b, c);
                    try (Jedis jb = b.jedis(); Jedis jc = c.jedis()) {
                        assertEquals(jb.dbSize(), jc.dbSize(), "keys on c");
                        assertEquals("on b", jc.get("promoted:written"));
                        assertEquals("after c's pull", jc.get("promoted:streamed"));
                        assertEquals(jb.get("before:counter"), jc.get("before:counter"));
                        assertTrue(jc.ttl("before:s:8") > 0, "expiry carried over");
                    }
                    assertEquals(digest(b), digest(c), "c holds what b holds");
                    Map<String, String> served = b.info("accelerator");
                    assertEquals("serving", served.get("primary_agent_state"));
                    assertTrue(Long.parseLong(served.get("primary_agent_descriptors_declined")) >= 1, "the chained replica was refused: " + served);
                    assertTrue(Long.parseLong(served.get("primary_agent_descriptors_served")) >= 1, "c got a descriptor: " + served);
                }
            }
        }
    }

    /** Waits until {@code node}'s primary agent table holds every key of its dataset (INFO accelerator); returns that INFO. */
    private static Map<String, String> awaitTableOf(RkvNode node, String when) throws InterruptedException {
        long keys;
        try (Jedis j = node.jedis()) {
            keys = j.dbSize();
        }
        return node.awaitInfo("accelerator", m -> "1".equals(m.get("primary_agent_table_current"))
            && Long.toString(keys).equals(m.get("primary_agent_table_keys")), SYNC, "table with all " + keys + " keys " + when);
    }

    /** Strings (some larger than a page), hashes, lists and a counter under {@code prefix}. */
    private static void load(RkvNode node, String prefix) {
        try (Jedis j = node.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < KEYS; i++) {
                p.set(prefix + "s:" + i, (i % 100 == 0 ? "x".repeat(9_000) : "value-") + i);
                if (i % 10 == 0) {
                    p.hset(prefix + "h:" + i, Map.of("f1", "v" + i, "f2", "w" + i));
                    p.rpush(prefix + "l:" + i, "a" + i, "b" + i);
                }
            }
            p.set(prefix + "counter", "10");
            p.sync();
        }
    }

    private static void awaitSameOffset(RkvNode primary, RkvNode replica) throws InterruptedException {
        String offset = primary.info("replication").get("master_repl_offset");
        replica.awaitInfo("replication", m -> "up".equals(m.get("master_link_status"))
            && Long.parseLong(m.get("master_repl_offset")) >= Long.parseLong(offset), SYNC, "replica at offset " + offset);
    }

    private static String digest(RkvNode node) {
        try (Jedis j = node.jedis()) {
            return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "DIGEST"), StandardCharsets.US_ASCII);
        }
    }
}
