package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.rkv.kvserver.repl.ReplTesting.*;
import static dev.rkv.kvserver.testing.ReplicationChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Chains and mixed topologies: a replica of a replica, promotion, rkv following a stock redis-server. */
class ReplicationTopologyIT {
    @Test
    void replicaOfAReplicaConvergesWithTheSameOffsets() throws Exception {
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer b = RkvTestServer.start(concat(replicaOf(a), "--repl-diskless-sync-delay", "0"));
             RkvTestServer c = RkvTestServer.start(replicaOf(b))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            RandomWriter w = new RandomWriter(a.port(), 5, 8000, stop, ops);
            w.start();
            await("chain up", () -> linkUp(b) && linkUp(c));
            w.join();
            assertNull(w.failure());
            try (Jedis ja = jedis(a)) {
                ja.set("fence", "1");
                assertEquals(1L, ja.waitReplicas(1, 10_000), "WAIT counts direct replicas only");
            }
            awaitConverged(a, b);
            awaitConverged(b, c);
            assertEquals(offset(a), offset(c), "the sub-replica's offset is the top primary's");
            assertSameDataset(a, b);
            assertSameDataset(a, c);
            try (Jedis jc = jedis(c)) {
                assertEquals("1", jc.get("fence"));
            }
        }
    }

    @Test
    void promotedReplicaKeepsItsReplicasWithPartialResync() throws Exception {
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer b = RkvTestServer.start(concat(replicaOf(a), "--repl-diskless-sync-delay", "0"));
             RkvTestServer c = RkvTestServer.start(replicaOf(b));
             Jedis ja = jedis(a); Jedis jb = jedis(b)) {
            ja.set("x", "1");
            await("chain up", () -> linkUp(b) && linkUp(c) && offset(c) == offset(a));
            assertEquals("OK", jb.replicaofNoOne());
            await("sub-replica reconnects to the promoted primary", () -> linkUp(c));
            jb.set("y", "2");
            assertEquals(1L, jb.waitReplicas(1, 10_000));
            awaitConverged(b, c);
            assertSameDataset(b, c);
            assertEquals(1L, call(b, () -> b.server().context().replication().stats().get("sync_partial_ok")));
        }
    }

    @Test
    void stockRedisSubReplicaContinuesWithAPromotedRkvReplica() throws Exception {
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer b = RkvTestServer.start(concat(replicaOf(a), "--repl-diskless-sync-delay", "0"));
             RedisReference redis = RedisReference.start("--replicaof", "127.0.0.1", Integer.toString(b.port()));
             Jedis ja = jedis(a); Jedis jb = jedis(b); Jedis r = redis.jedis()) {
            ja.set("x", "1");
            await("chain up", () -> linkUp(b) && r.info("replication").contains("master_link_status:up")
                && r.info("replication").contains("master_repl_offset:" + offset(a) + "\r\n"));
            String oldId = info(b, "master_replid");
            long fullBefore = call(b, () -> b.server().context().replication().stats().get("sync_full"));
            assertEquals("OK", jb.replicaofNoOne());
            assertEquals(oldId, info(b, "master_replid2"));
            jb.set("y", "2");
            assertEquals(1L, jb.waitReplicas(1, 10_000), "redis-server reconnected to the promoted replica");
            assertEquals("2", r.get("y"));
            assertEquals(fullBefore, call(b, () -> b.server().context().replication().stats().get("sync_full")));
            assertEquals(1L, call(b, () -> b.server().context().replication().stats().get("sync_partial_ok")));
            assertEquals(true, r.info("replication").contains("master_replid2:" + oldId), "redis followed the id shift");
        }
    }

    @Test
    void replicaAuthenticatesWithMasterauth() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--requirepass", "s3cret", "--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start(concat(replicaOf(primary), "--masterauth", "s3cret"));
             RedisReference redis = RedisReference.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()),
                 "--masterauth", "s3cret");
             Jedis p = jedis(primary); Jedis r = redis.jedis()) {
            p.auth("s3cret");
            p.set("guarded", "1");
            await("rkv replica up", () -> linkUp(replica));
            assertEquals(2L, p.waitReplicas(2, 10_000));
            assertEquals("1", r.get("guarded"));
            assertSameDataset(primary, replica);
        }
    }

    @Test
    void rkvReplicaOfStockRedisPrimary() throws Exception {
        try (RedisReference redis = RedisReference.start("--repl-diskless-sync", "no", "--repl-diskless-sync-delay",
                "0"); Jedis p = redis.jedis()) {
            Pipeline pl = p.pipelined();
            for (int i = 0; i < 3000; i++) {
                pl.set("key:" + i, "value-" + i + "-".repeat(i % 70));
            }
            pl.set("n", "10");
            pl.sync();
            p.pexpire("key:1", 3_600_000);
            try (RkvTestServer replica = RkvTestServer.start("--replicaof", "127.0.0.1", Integer.toString(redis.port()));
                 Jedis r = jedis(replica)) {
                await("link up with stock redis", () -> linkUp(replica));
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    p.incr("n");
                    p.append("key:" + i, "+");
                    p.del("key:" + (i + 1000));
                }
                p.setex("ttl", 100, "v");
                assertEquals(1L, p.waitReplicas(1, 10_000));
                await("replica applied the stream", () -> "210".equals(r.get("n")));
                assertEquals(p.dbSize(), r.dbSize());
                for (int i = 0; i < 3000; i += 7) {
                    assertEquals(p.get("key:" + i), r.get("key:" + i), "key:" + i);
                }
                long ttl = r.pttl("key:1");
                assertEquals(true, ttl > 3_500_000, "pttl " + ttl);
                assertEquals(true, r.ttl("ttl") > 90);
                expected.add("done");
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
