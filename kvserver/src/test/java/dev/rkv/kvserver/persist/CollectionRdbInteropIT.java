package dev.rkv.kvserver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Collections in RDB files, both ways with Debian's redis-server 7.0: redis-server writes small
 * hashes as listpacks and integer sets as intsets, big ones in the plain encodings; rkv must load
 * all of them; rkv's files must pass redis-check-rdb and load into redis-server with the same
 * contents and encodings.
 */
class CollectionRdbInteropIT {
    @TempDir
    Path dir;

    /** Small (listpack) and big (hashtable) hashes, integers, empty and binary fields, an expiry. */
    private static void load(Jedis j) {
        Pipeline p = j.pipelined();
        p.hset("small", Map.of("a", "1", "b", "-12", "c", "", "d", "hello", "e", "123456789012", "f", "-5000"));
        for (int i = 0; i < 300; i++) {
            p.hset("big", "field:" + i, i % 3 == 0 ? Integer.toString(i * 1000) : "value " + "x".repeat(i % 90));
        }
        p.hset("longvalue", "f", "v".repeat(10_000));
        p.hset("ints", Map.of("0", "0", "127", "128", "-4096", "4095", "70000", "-70000", "8388608", "-8388609",
            "2147483648", "-9223372036854775808"));
        p.hset("expiring", "f", "v");
        p.expire("expiring", 3600);
        p.set("plain", "string");
        p.sadd("intset", "1", "-2", "300", "70000", "-9223372036854775808", "9223372036854775807");
        p.sadd("smallints", "1", "2", "3");
        p.sadd("words", "a", "b", "", "c d");
        for (int i = 0; i < 600; i++) {
            p.sadd("bigints", Integer.toString(i * 7));
        }
        p.rpush("list", "a", "1", "-70000", "", "b".repeat(100));
        for (int i = 0; i < 3000; i++) {
            p.rpush("longlist", "element " + i + " " + "z".repeat(i % 200));
        }
        p.rpush("hugeelement", "h".repeat(20_000), "small");
        p.zadd("zsmall", Map.of("a", 1.0, "b", -2.5, "c", 0.1, "d", 1e300, "e", Double.POSITIVE_INFINITY, "f", 3.0));
        for (int i = 0; i < 300; i++) {
            p.zadd("zbig", i / 7.0, "member:" + i);
        }
        p.sync();
    }

    private static Map<String, Map<String, String>> contents(Jedis j) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String key : j.keys("*")) {
            if (j.type(key).equals("hash")) {
                out.put(key, new TreeMap<>(j.hgetAll(key)));
            } else if (j.type(key).equals("list")) {
                Map<String, String> elements = new TreeMap<>();
                java.util.List<String> all = j.lrange(key, 0, -1);
                for (int i = 0; i < all.size(); i++) {
                    elements.put(String.format("%06d", i), all.get(i));
                }
                out.put(key, elements);
            } else if (j.type(key).equals("zset")) {
                Map<String, String> members = new TreeMap<>();
                j.zrangeWithScores(key, 0, -1).forEach(t -> members.put(t.getElement(), Double.toString(t.getScore())));
                out.put(key, members);
            } else if (j.type(key).equals("set")) {
                Map<String, String> members = new TreeMap<>();
                j.smembers(key).forEach(m -> members.put(m, ""));
                out.put(key, members);
            } else {
                out.put(key, Map.of("<string>", j.get(key)));
            }
        }
        return out;
    }

    @Test
    void rkvLoadsWhatRedisWrites() throws Exception {
        Map<String, Map<String, String>> expected;
        Path rdb;
        try (RedisReference redis = RedisReference.start(); Jedis j = redis.jedis()) {
            load(j);
            assertEquals("listpack", j.objectEncoding("small"));
            assertEquals("hashtable", j.objectEncoding("big"));
            assertEquals("intset", j.objectEncoding("intset"));
            assertEquals("hashtable", j.objectEncoding("bigints"));
            assertEquals("listpack", j.objectEncoding("zsmall"));
            assertEquals("skiplist", j.objectEncoding("zbig"));
            expected = contents(j);
            j.save();
            rdb = Path.of(j.configGet("dir").get("dir"), "dump.rdb");
            Files.copy(rdb, dir.resolve("dump.rdb"));
        }
        try (RkvTestServer rkv = RkvTestServer.start("--dir", dir.toString()); Jedis j = rkv.jedis()) {
            assertEquals(expected, contents(j));
            assertEquals("listpack", j.objectEncoding("small"));
            assertEquals("hashtable", j.objectEncoding("big"));
            assertEquals("intset", j.objectEncoding("intset"));
            assertEquals("hashtable", j.objectEncoding("words"));
            assertTrue(j.ttl("expiring") > 3500);
        }
    }

    @Test
    void redisLoadsWhatRkvWrites() throws Exception {
        Map<String, Map<String, String>> expected;
        try (RkvTestServer rkv = RkvTestServer.start("--dir", dir.toString()); Jedis j = rkv.jedis()) {
            load(j);
            expected = contents(j);
            j.save();
        }
        Path file = dir.resolve("dump.rdb");
        String check = run(checker(), file.toString());
        assertTrue(check.contains("RDB looks OK"), check);
        try (RedisReference redis = RedisReference.start("--dir", dir.toString()); Jedis j = redis.jedis()) {
            assertEquals(expected, contents(j));
            assertEquals("listpack", j.objectEncoding("small"));
            assertEquals("intset", j.objectEncoding("smallints"));
            assertTrue(j.ttl("expiring") > 3500);
        }
    }

    private static String checker() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "redis-check-rdb");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("redis-check-rdb not found on PATH: install Debian's redis-tools");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
