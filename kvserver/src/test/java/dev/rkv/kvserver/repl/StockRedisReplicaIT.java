package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashMap;
import java.util.Map;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.repl.ReplTesting.jedis;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stock redis-server 7.0 replicating from an rkv primary: full sync (disk and diskless), then the stream. */
class StockRedisReplicaIT {
    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void stockRedisReplicaConvergesWithRkvPrimary(String diskless) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", diskless,
                "--repl-diskless-sync-delay", "0");
             Jedis p = jedis(primary)) {
            for (int i = 0; i < 2000; i++) {
                p.set("key:" + i, "value-" + i + "-".repeat(i % 50));
            }
            p.set("counter", "41");
            p.pexpireAt("key:7", System.currentTimeMillis() + 3_600_000);
            try (RedisReference redis = RedisReference.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
                 Jedis r = redis.jedis()) {
                await("stock replica link up", () -> r.info("replication").contains("master_link_status:up"));
                p.incr("counter");
                p.set("late", "write");
                p.setex("ttl", 1000, "x");
                p.del("key:3");
                assertEquals(1L, p.waitReplicas(1, 10_000));
                assertEquals(dump(p), dump(r));
                assertEquals("42", r.get("counter"));
                long ttl = r.pttl("key:7");
                assertEquals(true, ttl > 3_500_000 && ttl <= 3_600_000, "pttl " + ttl);
            }
        }
    }

    private static Map<String, String> dump(Jedis j) {
        Map<String, String> out = new HashMap<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = j.scan(cursor, new ScanParams().count(1000));
            for (String k : page.getResult()) {
                out.put(k, j.get(k));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }
}
