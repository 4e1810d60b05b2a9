package dev.rkv.kvserver.repl;

import static dev.rkv.kvserver.repl.ReplTesting.jedis;
import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.ListDirection;

/**
 * Hashes, sets, lists and sorted sets over classic replication: the full sync (disk and diskless) carries them, the
 * stream replays the writes as deterministic effects (HINCRBYFLOAT as HSET of the result, SPOP as
 * SREM of the members it chose), and both an rkv replica and a stock redis-server replica end
 * with the primary's data, while a BGSAVE snapshot is live.
 */
class CollectionReplicationIT {
    private static void writeRandomly(Jedis p, Random rnd, int n) {
        Pipeline pipe = p.pipelined();
        for (int i = 0; i < n; i++) {
            String key = "h:" + rnd.nextInt(40);
            String field = "f" + rnd.nextInt(300);
            String set = "s:" + rnd.nextInt(20);
            String list = "l:" + rnd.nextInt(20);
            String zset = "z:" + rnd.nextInt(20);
            switch (rnd.nextInt(21)) {
                case 16 -> pipe.zadd(zset, rnd.nextInt(100) / 4.0, "m" + rnd.nextInt(60));
                case 17 -> pipe.zincrby(zset, rnd.nextDouble(), "m" + rnd.nextInt(60));
                case 18 -> pipe.zpopmin(zset, rnd.nextInt(3) + 1);
                case 19 -> pipe.zremrangeByScore(zset, rnd.nextInt(10), rnd.nextInt(30));
                case 20 -> pipe.zunionstore("z:" + rnd.nextInt(20), zset, "z:" + rnd.nextInt(20));
                case 11 -> pipe.rpush(list, "e" + rnd.nextInt(100), "e" + rnd.nextInt(100));
                case 12 -> pipe.lpop(list, rnd.nextInt(3) + 1);
                case 13 -> pipe.lmove(list, "l:" + rnd.nextInt(20), ListDirection.LEFT, ListDirection.RIGHT);
                case 14 -> pipe.lrem(list, rnd.nextInt(3) - 1, "e" + rnd.nextInt(100));
                case 15 -> pipe.ltrim(list, rnd.nextInt(3), -rnd.nextInt(3) - 1);
                case 6 -> pipe.sadd(set, "m" + rnd.nextInt(50), Integer.toString(rnd.nextInt(50)));
                case 7 -> pipe.srem(set, "m" + rnd.nextInt(50));
                case 8 -> pipe.spop(set, rnd.nextInt(3));
                case 9 -> pipe.smove(set, "s:" + rnd.nextInt(20), Integer.toString(rnd.nextInt(50)));
                case 10 -> pipe.sinterstore("s:" + rnd.nextInt(20), set, "s:" + rnd.nextInt(20));
                case 0, 1 -> pipe.hset(key, field, "v" + rnd.nextInt(1000) + "x".repeat(rnd.nextInt(80)));
                case 2 -> pipe.hdel(key, field, "f" + rnd.nextInt(300));
                case 3 -> pipe.hincrBy(key, "counter", rnd.nextInt(100) - 50);
                case 4 -> pipe.hincrByFloat(key, "float", rnd.nextDouble() * 10 - 5);
                default -> pipe.hsetnx(key, field, "nx");
            }
        }
        pipe.sync();
    }

    private static Map<String, Map<String, String>> hashes(Jedis j) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String key : j.keys("h:*")) {
            out.put(key, new TreeMap<>(j.hgetAll(key)));
        }
        for (String key : j.keys("l:*")) {
            Map<String, String> elements = new TreeMap<>();
            List<String> all = j.lrange(key, 0, -1);
            for (int i = 0; i < all.size(); i++) {
                elements.put(String.format("%06d", i), all.get(i));
            }
            out.put(key, elements);
        }
        for (String key : j.keys("z:*")) {
            Map<String, String> members = new TreeMap<>();
            j.zrangeWithScores(key, 0, -1).forEach(t -> members.put(t.getElement(), Double.toString(t.getScore())));
            out.put(key, members);
        }
        for (String key : j.keys("s:*")) {
            Map<String, String> members = new TreeMap<>();
            j.smembers(key).forEach(m -> members.put(m, ""));
            out.put(key, members);
        }
        return out;
    }

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void replicasOfEveryKindEndWithThePrimarysCollections(String diskless) throws Exception {
        Random rnd = new Random(9);
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start();
             Jedis p = jedis(primary); Jedis r = jedis(replica)) {
            writeRandomly(p, rnd, 5_000);
            r.replicaof("127.0.0.1", primary.port());
            try (RedisReference stock = RedisReference.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
                 Jedis s = stock.jedis()) {
                await("links up", () -> linkUp(replica) && s.info("replication").contains("master_link_status:up"));
                p.bgsave(); // a snapshot taken while the stream below changes hashes in place
                writeRandomly(p, rnd, 5_000);
                assertEquals(2L, p.waitReplicas(2, 10_000));
                assertSameDataset(primary, replica);
                assertEquals(hashes(p), hashes(s));
                assertEquals(hashes(p), hashes(r));
            }
        }
    }
}
