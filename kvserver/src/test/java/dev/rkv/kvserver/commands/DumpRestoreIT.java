package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.ReferencePairTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;

/** DUMP payloads of every type move between redis-server 7.0 and rkv both ways; RESTORE's errors match. */
class DumpRestoreIT extends ReferencePairTest {

    private static void fill(Jedis j) {
        j.flushAll();
        j.set("s", "string value");
        j.set("n", "12345");
        j.hset("h", Map.of("f", "v", "n", "1"));
        for (int i = 0; i < 200; i++) {
            j.hset("bigh", "f" + i, "v" + i);
        }
        j.sadd("si", "1", "2", "3");
        j.sadd("ss", "a", "b");
        j.rpush("l", "a", "b", "1", "");
        j.zadd("z", Map.of("a", 1.5, "b", -2.0));
        for (int i = 0; i < 200; i++) {
            j.zadd("bigz", i, "m" + i);
        }
    }

    private static final List<String> KEYS = List.of("s", "n", "h", "bigh", "si", "ss", "l", "z", "bigz");

    @Test
    void payloadsMoveBothWays() {
        try (Jedis r = new Jedis("127.0.0.1", redis.port()); Jedis k = rkv.jedis()) {
            fill(r);
            fill(k);
            for (String key : KEYS) {
                byte[] fromRedis = r.dump(key);
                byte[] fromRkv = k.dump(key);
                assertEquals("OK", k.restore(key + ":copy", 0, fromRedis), key);
                assertEquals("OK", r.restore(key + ":copy", 0, fromRkv), key);
                if (!key.startsWith("big") && !key.equals("ss")) {
                    assertArrayEquals(fromRedis, fromRkv, "the payload of " + key + " is Redis's byte for byte");
                }
            }
            for (String key : KEYS) {
                assertEquals(r.type(key), k.type(key + ":copy"));
            }
            assertEquals(r.hgetAll("bigh"), k.hgetAll("bigh:copy"));
            assertEquals(r.zrangeWithScores("bigz", 0, -1), k.zrangeWithScores("bigz:copy", 0, -1));
            assertEquals(r.lrange("l", 0, -1), k.lrange("l:copy", 0, -1));
            assertEquals(r.smembers("ss"), k.smembers("ss:copy"));
            assertEquals(k.hgetAll("bigh"), r.hgetAll("bigh:copy"));
            assertEquals(k.zrangeWithScores("z", 0, -1), r.zrangeWithScores("z:copy", 0, -1));
            assertEquals("intset", k.objectEncoding("si:copy"));
            assertEquals("listpack", r.objectEncoding("h:copy"));
            assertEquals("OK", k.restore("ttl", 100_000, r.dump("s"), RestoreParams.restoreParams().replace()));
            assertTrue(k.pttl("ttl") > 90_000);
        }
    }

    @Test
    void restoreErrorsMatchRedis() throws Exception {
        assertSameReplies(redis, rkv, """
            SET k v
            RESTORE k 0 x
            RESTORE new 0 x
            RESTORE new -1 x
            RESTORE new abc x
            RESTORE new 0 x FOO
            RESTORE new 0 x IDLETIME -1
            RESTORE new 0 x FREQ 256
            RESTORE new 0 x IDLETIME 1 FREQ 1
            RESTORE new 0 "\\x00\\x01v\\n\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            DUMP nokey
            EXISTS new
            """);
    }
}
