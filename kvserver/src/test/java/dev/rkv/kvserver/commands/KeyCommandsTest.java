package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.kvserver.testing.SharedServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.FlushMode;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of the keyspace commands over a real socket with Jedis. */
class KeyCommandsTest extends SharedServerTest {

    /** Stores a list value in db 0 directly (the list commands live elsewhere). */
    static void putList(RkvTestServer server, String key) {
        try {
            server.server().call(() -> {
                server.server().context().keyspace().db(0).put(Key.of(key),
                    Entry.of(ValueType.LIST, List.of("x"), Entry.NO_EXPIRY, System.currentTimeMillis()));
                return null;
            });
        } catch (Exception e) {
            throw new AssertionError("could not store a list", e);
        }
    }

    @Test
    void delAndUnlinkCountOnlyExistingKeys() {
        jedis.mset("a", "1", "b", "2", "c", "3");
        assertEquals(2, jedis.del("a", "b", "missing", "a"));
        assertEquals(1, jedis.unlink("c", "missing"));
        assertEquals(0, jedis.dbSize());
    }

    @Test
    void existsCountsRepeatedKeysEachTime() {
        jedis.set("a", "1");
        assertEquals(3, jedis.exists("a", "a", "missing", "a"));
    }

    @Test
    void typeNamesEveryValueType() {
        jedis.set("s", "v");
        putList(server, "l");
        assertEquals("string", jedis.type("s"));
        assertEquals("list", jedis.type("l"));
        assertEquals("none", jedis.type("missing"));
    }

    @Test
    void renameMovesTheValueWithItsExpiry() {
        jedis.set("a", "1", SetParams.setParams().ex(100));
        jedis.set("b", "old");
        assertEquals("OK", jedis.rename("a", "b"));
        assertEquals("1", jedis.get("b"));
        assertTrue(jedis.ttl("b") > 90);
        assertFalse(jedis.exists("a"));
        assertError("ERR no such key", () -> jedis.rename("a", "c"));
        assertEquals("OK", jedis.rename("b", "b"));
    }

    @Test
    void renamenxRefusesAnExistingDestination() {
        jedis.mset("a", "1", "b", "2");
        assertEquals(0, jedis.renamenx("a", "b"));
        assertEquals(1, jedis.renamenx("a", "c"));
        assertEquals("1", jedis.get("c"));
        assertEquals(0, jedis.renamenx("c", "c"));
    }

    @Test
    void keysMatchesGlobPatterns() {
        jedis.mset("hello", "1", "hallo", "2", "hxllo", "3", "world", "4");
        assertEquals(Set.of("hello", "hallo", "hxllo"), jedis.keys("h?llo"));
        assertEquals(Set.of("hello", "hallo"), jedis.keys("h[ae]llo"));
        assertEquals(Set.of("hello", "hallo", "hxllo", "world"), jedis.keys("*"));
        assertEquals(Set.of(), jedis.keys("nothing*"));
    }

    @Test
    void scanVisitsEveryKeyOnceWithMatchCountAndType() {
        for (int i = 0; i < 500; i++) {
            jedis.set("key:" + i, "v");
        }
        putList(server, "key:list");
        Set<String> seen = new HashSet<>();
        int calls = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = jedis.scan(cursor, new ScanParams().count(20));
            for (String k : r.getResult()) {
                assertTrue(seen.add(k), "returned twice: " + k);
            }
            cursor = r.getCursor();
            calls++;
        } while (!cursor.equals("0"));
        assertEquals(501, seen.size());
        assertTrue(calls > 10, "COUNT 20 should take several calls, took " + calls);
        assertEquals(Set.of("key:list"), scanAll(new ScanParams().count(7), "list"));
        Set<String> expected = new HashSet<>();
        for (int i = 100; i < 200; i += 10) {
            expected.add("key:" + i);
        }
        assertEquals(expected, scanAll(new ScanParams().match("key:1?0").count(3), null));
    }

    @Test
    void scanReturnsKeysPresentForTheWholeScanDespiteConcurrentWrites() {
        for (int i = 0; i < 300; i++) {
            jedis.set("stable:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int round = 0;
        do {
            ScanResult<String> r = jedis.scan(cursor, new ScanParams().count(10));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            // Churn between steps: new keys appear, others disappear.
            jedis.set("churn:" + round, "v");
            jedis.del("churn:" + (round - 1));
            round++;
        } while (!cursor.equals("0"));
        for (int i = 0; i < 300; i++) {
            assertTrue(seen.contains("stable:" + i), "missed stable:" + i);
        }
    }

    @Test
    void scanRejectsBadCursorsAndOptions() {
        assertError("ERR invalid cursor", () -> jedis.scan("abc"));
        assertError("ERR syntax error", () -> jedis.scan("0", new ScanParams().count(0)));
        assertError("ERR syntax error", () -> jedis.sendCommand(KeyCmd.SCAN, "0", "FOO", "bar"));
    }

    private Set<String> scanAll(ScanParams params, String type) {
        Set<String> out = new HashSet<>();
        String cursor = "0";
        do {
            ScanResult<String> r = type == null ? jedis.scan(cursor, params) : jedis.scan(cursor, params, type);
            out.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals("0"));
        return out;
    }

    @Test
    void randomkeyReturnsAnExistingKeyOrNil() {
        assertNull(jedis.randomKey());
        jedis.mset("a", "1", "b", "2");
        assertTrue(Set.of("a", "b").contains(jedis.randomKey()));
    }

    @Test
    void dbsizeFlushdbAndFlushallWorkPerDatabase() {
        jedis.set("a", "1");
        jedis.select(1);
        jedis.mset("b", "2", "c", "3");
        assertEquals(2, jedis.dbSize());
        assertEquals("OK", jedis.flushDB(FlushMode.ASYNC));
        assertEquals(0, jedis.dbSize());
        jedis.select(0);
        assertEquals(1, jedis.dbSize());
        jedis.select(2);
        jedis.set("d", "4");
        assertEquals("OK", jedis.flushAll(FlushMode.SYNC));
        assertEquals(0, jedis.dbSize());
        jedis.select(0);
        assertEquals(0, jedis.dbSize());
        assertError("ERR syntax error", () -> jedis.sendCommand(KeyCmd.FLUSHDB, "LATER"));
    }

    @Test
    void flushallWithSavePointsSavesTheEmptyDataset(@TempDir Path dir) throws Exception {
        try (RkvTestServer saving = RkvTestServer.start("--save", "3600 1", "--dir", dir.toString());
             Jedis j = saving.jedis()) {
            j.set("k", "v");
            Path rdb = dir.resolve("dump.rdb");
            assertFalse(Files.exists(rdb));
            assertEquals("OK", j.flushAll());
            assertTrue(Files.exists(rdb), "FLUSHALL saved " + rdb);
        }
        try (RkvTestServer restarted = RkvTestServer.start("--save", "", "--dir", dir.toString());
             Jedis j = restarted.jedis()) {
            assertEquals(0, j.dbSize());
        }
    }

    @Test
    void flushesAndSwapdbMakeTransactionsWatchingExistingKeysFail() {
        for (Runnable change : List.<Runnable>of(() -> jedis.flushAll(), () -> jedis.flushDB(),
            () -> jedis.swapDB(0, 1))) {
            jedis.flushAll();
            jedis.set("watched", "v");
            try (Jedis watcher = server.jedis()) {
                watcher.watch("watched");
                change.run();
                Transaction tx = watcher.multi();
                tx.set("other", "1");
                assertNull(tx.exec());
            }
        }
    }

    @Test
    void flushesAndSwapdbLeaveTransactionsWatchingKeysThatExistNowhereAlone() {
        for (Runnable change : List.<Runnable>of(() -> jedis.flushAll(), () -> jedis.flushDB(),
            () -> jedis.swapDB(0, 1))) {
            jedis.flushAll();
            jedis.set("unrelated", "v");
            try (Jedis watcher = server.jedis()) {
                watcher.watch("never-existed");
                change.run();
                Transaction tx = watcher.multi();
                tx.set("other", "1");
                assertEquals(List.of("OK"), tx.exec());
            }
        }
    }

    @Test
    void swapdbFailsTransactionsWatchingAKeyThatOnlyTheOtherDatabaseHolds() {
        jedis.flushAll();
        try (Jedis other = server.jedis(); Jedis watcher = server.jedis()) {
            other.select(1);
            other.set("arrives", "v");
            watcher.watch("arrives");
            jedis.swapDB(0, 1);
            Transaction tx = watcher.multi();
            tx.set("x", "1");
            assertNull(tx.exec());
        }
    }

    @Test
    void swapdbExchangesDatabasesForEveryClient() {
        jedis.set("in0", "v");
        try (Jedis other = server.jedis()) {
            other.select(1);
            other.set("in1", "v");
            assertEquals("OK", jedis.swapDB(0, 1));
            assertEquals("v", jedis.get("in1"));
            assertEquals("v", other.get("in0"));
        }
        assertError("ERR DB index is out of range", () -> jedis.swapDB(0, 16));
        assertError("ERR invalid first DB index", () -> jedis.sendCommand(KeyCmd.SWAPDB, "x", "0"));
        assertError("ERR invalid second DB index", () -> jedis.sendCommand(KeyCmd.SWAPDB, "0", "x"));
    }

    @Test
    void copyDuplicatesWithExpiryAcrossDatabases() {
        jedis.set("a", "v", SetParams.setParams().ex(100));
        assertTrue(jedis.copy("a", "b", false));
        assertFalse(jedis.copy("a", "b", false));
        assertTrue(jedis.copy("a", "b", true));
        assertTrue(jedis.copy("a", "c", 1, false));
        jedis.append("a", "2");
        assertEquals("v", jedis.get("b"));
        jedis.select(1);
        assertEquals("v", jedis.get("c"));
        assertTrue(jedis.ttl("c") > 90);
        jedis.select(0);
        assertError("ERR source and destination objects are the same", () -> jedis.copy("a", "a", false));
        assertFalse(jedis.copy("missing", "x", false));
    }

    @Test
    void moveTransfersOnlyWhenTheTargetHasNoSuchKey() {
        jedis.set("a", "v");
        assertEquals(1, jedis.move("a", 1));
        assertFalse(jedis.exists("a"));
        jedis.set("a", "again");
        assertEquals(0, jedis.move("a", 1));
        assertEquals("again", jedis.get("a"));
        assertEquals(0, jedis.move("missing", 1));
        assertError("ERR source and destination objects are the same", () -> jedis.move("a", 0));
        assertError("ERR DB index is out of range", () -> jedis.move("a", 16));
    }

    @Test
    void touchCountsExistingKeysAndResetsIdleTime() {
        jedis.set("a", "1");
        assertEquals(1, jedis.touch("a", "missing"));
        assertEquals(0L, jedis.objectIdletime("a"));
    }

    

    /** Commands sent raw, for argument shapes Jedis's typed API does not produce. */
    enum KeyCmd implements redis.clients.jedis.commands.ProtocolCommand {
        SCAN, FLUSHDB, SWAPDB;

        @Override
        public byte[] getRaw() {
            return name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
