package dev.rkv.kvserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.ReferencePairTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MEMORY against redis-server 7.0: the same errors, and replies of the same shape (types, map
 * keys, nesting). The numbers are rkv's own estimates and are only checked for sense: MEMORY
 * USAGE must grow with the value, for every type and encoding.
 */
class MemoryCommandIT extends ReferencePairTest {

    @Test
    void errorsAndNilsMatchRedis() throws Exception {
        try (RawClient r = new RawClient(redis.port()); RawClient k = new RawClient(rkv.port())) {
            for (RawClient c : List.of(r, k)) {
                c.call("FLUSHALL");
                c.call("SET", "s", "value");
            }
            for (String[] cmd : List.of(
                new String[] {"MEMORY"},
                new String[] {"MEMORY", "nosuch"},
                new String[] {"MEMORY", "USAGE"},
                new String[] {"MEMORY", "USAGE", "nokey"},
                new String[] {"MEMORY", "USAGE", "nokey", "SAMPLES", "abc"},
                new String[] {"MEMORY", "USAGE", "s", "SAMPLES"},
                new String[] {"MEMORY", "USAGE", "s", "SAMPLES", "-1"},
                new String[] {"MEMORY", "USAGE", "s", "SAMPLES", "abc"},
                new String[] {"MEMORY", "USAGE", "s", "SAMPLES", "99999999999999999999"},
                new String[] {"MEMORY", "USAGE", "s", "foo"},
                new String[] {"MEMORY", "USAGE", "s", "SAMPLES", "1", "foo"},
                new String[] {"MEMORY", "STATS", "x"},
                new String[] {"MEMORY", "DOCTOR", "x"},
                new String[] {"MEMORY", "PURGE", "x"},
                new String[] {"MEMORY", "MALLOC-STATS", "x"},
                new String[] {"MEMORY", "HELP", "x"},
                new String[] {"MEMORY", "PURGE"})) {
                assertEquals(r.call(cmd), k.call(cmd), String.join(" ", cmd));
            }
        }
    }

    @Test
    void replyShapesMatchRedisInBothProtocols() throws Exception {
        for (String protocol : List.of("2", "3")) {
            try (RawClient r = new RawClient(redis.port()); RawClient k = new RawClient(rkv.port())) {
                for (RawClient c : List.of(r, k)) {
                    c.call("HELLO", protocol);
                    c.call("FLUSHALL");
                    c.call("SET", "s", "value", "EX", "100");
                    c.call("RPUSH", "l", "a", "b");
                    c.call("SELECT", "3");
                    c.call("HSET", "h", "f", "v");
                    c.call("SELECT", "0");
                }
                for (String[] cmd : List.of(new String[] {"MEMORY", "STATS"}, new String[] {"MEMORY", "DOCTOR"},
                    new String[] {"MEMORY", "MALLOC-STATS"}, new String[] {"MEMORY", "USAGE", "s"},
                    new String[] {"MEMORY", "USAGE", "l", "SAMPLES", "0"}, new String[] {"MEMORY", "USAGE", "nokey"})) {
                    assertEquals(shape(RespReply.parse(r.call(cmd))), shape(RespReply.parse(k.call(cmd))),
                        "RESP" + protocol + " " + String.join(" ", cmd));
                }
                RespReply redisHelp = RespReply.parse(r.call("MEMORY", "HELP"));
                RespReply rkvHelp = RespReply.parse(k.call("MEMORY", "HELP"));
                assertEquals(redisHelp.children().get(0).raw(), rkvHelp.children().get(0).raw());
                for (RespReply line : rkvHelp.children()) {
                    assertEquals('+', line.type(), line.raw());
                }
            }
        }
    }

    @Test
    void usageGrowsWithTheValueForEveryTypeAndEncoding() throws Exception {
        try (RawClient c = new RawClient(rkv.port())) {
            c.call("FLUSHALL");
            assertGrows(c, "string", n -> new String[] {"SET", "string", "x".repeat(n * 100)});
            assertGrows(c, "list", n -> new String[] {"RPUSH", "list", "x".repeat(n * 10), "y"});
            assertGrows(c, "hash", n -> new String[] {"HSET", "hash", "f" + n, "v".repeat(n)});
            assertGrows(c, "bighash", n -> new String[] {"HSET", "bighash", "f" + n, "v".repeat(100)});
            assertGrows(c, "intset", n -> new String[] {"SADD", "intset", Integer.toString(n)});
            assertGrows(c, "set", n -> new String[] {"SADD", "set", "member" + n});
            assertGrows(c, "zset", n -> new String[] {"ZADD", "zset", Integer.toString(n), "m" + n});
            assertGrows(c, "bigzset", n -> new String[] {"ZADD", "bigzset", Integer.toString(n), "m".repeat(80) + n});
            // Sampled or counted whole, a uniform collection comes out about the same.
            long sampled = usage(c, "MEMORY", "USAGE", "bighash");
            long whole = usage(c, "MEMORY", "USAGE", "bighash", "SAMPLES", "0");
            assertTrue(Math.abs(sampled - whole) < whole / 5, sampled + " sampled against " + whole + " counted");
        }
    }

    /**
     * Adds to {@code key} step by step (300 steps: past every compact encoding) and checks that no
     * step shrinks it and that twice the steps take more bytes (arrays grow by doubling, so single
     * steps may add nothing).
     */
    private static void assertGrows(RawClient c, String key, java.util.function.IntFunction<String[]> step)
        throws IOException {
        long[] after = new long[301];
        for (int n = 1; n <= 300; n++) {
            c.call(step.apply(n));
            after[n] = usage(c, "MEMORY", "USAGE", key, "SAMPLES", "0");
            assertTrue(after[n] >= after[n - 1], key + " after step " + n + ": " + after[n] + " bytes, " + after[n - 1] + " before");
            if (n % 2 == 0) {
                assertTrue(after[n] > after[n / 2], key + " after step " + n + ": " + after[n] + " bytes, " + after[n / 2]
                    + " after step " + n / 2);
            }
        }
    }

    private static long usage(RawClient c, String... cmd) throws IOException {
        return RespReply.parse(c.call(cmd)).integer();
    }

    /** The reply with every number and text replaced by its type, map keys and nesting kept. */
    private static String shape(RespReply r) {
        List<String> parts = new ArrayList<>();
        boolean map = r.type() == '%' || (r.type() == '*' && looksLikeFlatMap(r));
        for (int i = 0; i < r.children().size(); i++) {
            RespReply child = r.children().get(i);
            boolean key = map && i % 2 == 0;
            parts.add(key ? child.text() : shape(child));
        }
        String head = r.isNull() ? "nil" : String.valueOf(r.type());
        return parts.isEmpty() ? head : head + parts;
    }

    /** A RESP2 array of name, value pairs whose names are bulk strings with a dot (MEMORY STATS). */
    private static boolean looksLikeFlatMap(RespReply r) {
        return r.children().size() % 2 == 0 && !r.children().isEmpty() && r.children().get(0).type() == '$'
            && r.children().get(0).text().contains(".");
    }
}
