package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rkv.kvserver.commands.ExpireCommandsTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the string, key and expire commands hand to replication: deterministic effects with
 * absolute expiry times, nothing for no-op writes, DEL when a primary expires a key. A recording
 * propagator stands in for the replication stream.
 */
class ReplicationEffectsTest {
    private static RkvTestServer server;
    private static final List<String> effects = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> replaced = Collections.synchronizedList(new ArrayList<>());
    private Jedis jedis;

    @BeforeAll
    static void start() {
        server = RkvTestServer.start();
        server.server().context().propagator((db, effect) -> {
            StringBuilder sb = new StringBuilder().append(db).append(':');
            for (byte[] word : effect) {
                sb.append(' ').append(new String(word, StandardCharsets.UTF_8));
            }
            effects.add(sb.toString());
        });
        server.server().context().addKeyspaceListener(new KeyspaceListener() {
            @Override
            public void databaseReplaced(int db) {
                replaced.add("db" + db);
            }

            @Override
            public void keyModified(int db, Key key, dev.rkv.kvserver.store.Entry newEntryOrNull) {
            }
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() {
        jedis = server.jedis();
        jedis.flushAll();
        effects.clear();
        replaced.clear();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    /** The effects so far, with absolute times checked to be near now and replaced by "<abs>". */
    private static List<String> effects() {
        List<String> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        Pattern abs = Pattern.compile("\\b(\\d{13})\\b");
        synchronized (effects) {
            for (String e : effects) {
                Matcher m = abs.matcher(e);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    long t = Long.parseLong(m.group(1));
                    assertTrue(Math.abs(t - now) < 1_000_000, "absolute time " + t + " far from now in " + e);
                    m.appendReplacement(sb, "<abs>");
                }
                m.appendTail(sb);
                out.add(sb.toString());
            }
        }
        return out;
    }

    @Test
    void relativeExpiriesBecomeAbsolute() {
        jedis.set("a", "1", SetParams.setParams().ex(100));
        jedis.setex("b", 100, "2");
        jedis.psetex("c", 100_000, "3");
        jedis.set("d", "4", SetParams.setParams().px(100_000).nx());
        jedis.expire("a", 200);
        jedis.pexpire("b", 200_000);
        jedis.getEx("c", GetExParams.getExParams().ex(300));
        assertEquals(List.of("0: SET a 1 PXAT <abs>", "0: SET b 2 PXAT <abs>", "0: SET c 3 PXAT <abs>",
            "0: SET d 4 PXAT <abs>", "0: PEXPIREAT a <abs>", "0: PEXPIREAT b <abs>", "0: PEXPIREAT c <abs>"), effects());
    }

    @Test
    void absoluteExpiryIsPropagatedAsGiven() {
        long at = System.currentTimeMillis() + 100_000;
        jedis.set("a", "1", SetParams.setParams().pxAt(at));
        jedis.pexpireAt("a", at + 1);
        assertEquals(List.of("0: SET a 1 PXAT " + at, "0: PEXPIREAT a " + (at + 1)), effects);
    }

    @Test
    void expiryInThePastPropagatesDel() {
        jedis.mset("a", "1", "b", "2", "c", "3");
        effects.clear();
        jedis.expire("a", -1);
        jedis.getEx("b", GetExParams.getExParams().pxAt(1));
        jedis.pexpireAt("c", 1);
        assertEquals(List.of("0: DEL a", "0: DEL b", "0: DEL c"), effects);
    }

    @Test
    void incrbyfloatBecomesSetKeepttl() {
        jedis.incrByFloat("f", 10.5);
        assertEquals(List.of("0: SET f 10.5 KEEPTTL"), effects);
    }

    @Test
    void setWithGetDropsTheGetOption() {
        jedis.setGet("k", "v", SetParams.setParams().nx());
        jedis.set("k", "w", SetParams.setParams().keepTtl());
        assertEquals(List.of("0: SET k v NX", "0: SET k w KEEPTTL"), effects);
    }

    @Test
    void getsetGetdelPersistAndGetexPersistUseTheirEffects() {
        jedis.getSet("k", "v");
        jedis.expire("k", 100);
        jedis.persist("k");
        jedis.expire("k", 100);
        jedis.getEx("k", GetExParams.getExParams().persist());
        jedis.getDel("k");
        assertEquals(List.of("0: SET k v", "0: PEXPIREAT k <abs>", "0: PERSIST k", "0: PEXPIREAT k <abs>",
            "0: PERSIST k", "0: DEL k"), effects());
    }

    @Test
    void noOpWritesPropagateNothing() {
        jedis.set("k", "v");
        effects.clear();
        jedis.set("k", "w", SetParams.setParams().nx());
        jedis.set("missing", "w", SetParams.setParams().xx());
        jedis.msetnx("k", "x", "y", "z");
        jedis.del("missing");
        jedis.expire("missing", 10);
        jedis.expire("k", 10, redis.clients.jedis.args.ExpiryOption.XX);
        jedis.persist("k");
        jedis.getDel("missing");
        jedis.setrange("k", 0, "");
        jedis.renamenx("k", "k");
        jedis.copy("missing", "x", false);
        jedis.move("missing", 1);
        assertEquals(List.of(), effects);
    }

    @Test
    void keyCommandsPropagateAsIssued() {
        jedis.mset("a", "1", "b", "2");
        jedis.del("a", "missing");
        jedis.rename("b", "c");
        jedis.copy("c", "d", 1, true);
        jedis.move("c", 2);
        jedis.swapDB(1, 2);
        jedis.select(3);
        jedis.flushDB();
        assertEquals(List.of("0: MSET a 1 b 2", "0: DEL a", "0: RENAME b c", "0: COPY c d DB 1 REPLACE",
            "0: MOVE c 2", "0: SWAPDB 1 2", "3: FLUSHDB"), effects);
    }

    @Test
    void aPrimaryExpiringAKeyPropagatesDel() {
        jedis.psetex("lazy", 10, "v");
        jedis.psetex("active", 10, "v");
        effects.clear();
        eventually(() -> effects.contains("0: DEL active") || jedis.get("lazy") == null, "one key expires");
        eventually(() -> jedis.get("lazy") == null, "lazy expires on access");
        eventually(() -> effects.containsAll(List.of("0: DEL lazy", "0: DEL active")), "both expiries propagate");
    }

    @Test
    void flushesAndSwapdbTouchEveryWatchedDatabase() {
        jedis.flushDB();
        jedis.swapDB(4, 5);
        jedis.flushAll();
        assertTrue(replaced.containsAll(List.of("db0", "db4", "db5", "db15")), replaced.toString());
    }
}
