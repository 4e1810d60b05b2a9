package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SAVE, BGSAVE, save points and loading at start, against an in-process server. */
class PersistenceCommandsTest {
    @TempDir
    Path dir;

    private RkvTestServer start(String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--dir";
        args[1] = dir.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return RkvTestServer.start(args);
    }

    private static Persistence persistence(RkvTestServer s) {
        return s.server().context().persistence();
    }

    private static <T> T onLoop(RkvTestServer s, java.util.concurrent.Callable<T> task) throws Exception {
        return s.server().call(task);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static boolean inProgress(RkvTestServer s) {
        try {
            return onLoop(s, () -> persistence(s).bgsaveInProgress());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The dump file's contents as "db/key" -> value. */
    private Map<String, String> dumpContents() throws Exception {
        Keyspace ks = Datasets.empty(16);
        assertTrue(RdbFiles.load(dir.resolve("dump.rdb"), ks, System.currentTimeMillis()) != null, "dump.rdb exists");
        Map<String, String> out = new TreeMap<>();
        for (var db : ks.snapshot()) {
            db.forEach((k, e) -> out.put(db.index() + "/" + k, new String(e.bytes(), StandardCharsets.ISO_8859_1)));
        }
        return out;
    }

    @Test
    void saveWritesEveryDatabaseToDirAndDbfilename() throws Exception {
        try (RkvTestServer s = start("--dbfilename", "my.rdb"); Jedis j = s.jedis()) {
            j.set("a", "1");
            j.select(5);
            j.set("b", "x".repeat(1000));
            assertEquals("OK", j.save());
            assertEquals(0L, (long) onLoop(s, () -> s.server().context().stats().dirty));
        }
        Files.move(dir.resolve("my.rdb"), dir.resolve("dump.rdb"));
        assertEquals(Map.of("0/a", "1", "5/b", "x".repeat(1000)), dumpContents());
    }

    @Test
    void bgsaveWritesTheStateAtBgsaveTimeWhileWritesContinue() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (RkvTestServer s = start(); Jedis j = s.jedis(); RawClient raw = new RawClient(s.port())) {
            persistence(s).beforeBackgroundWrite(() -> awaitGate(gate));
            for (int i = 0; i < 500; i++) {
                j.set("k" + i, "old" + i);
            }
            assertEquals("+Background saving started\r\n", raw.command("BGSAVE").readReply());
            // The save is held before writing a byte: everything below happens after its snapshot.
            for (int i = 0; i < 500; i += 2) {
                j.set("k" + i, "new" + i);
            }
            j.del("k1", "k3");
            j.set("late", "x");
            assertEquals("PONG", j.ping());
            assertEquals("-ERR Background save already in progress\r\n", raw.command("BGSAVE").readReply());
            assertEquals("-ERR Background save already in progress\r\n", raw.command("BGSAVE", "SCHEDULE").readReply());
            assertEquals("-ERR Background save already in progress\r\n", raw.command("SAVE").readReply());
            gate.countDown();
            // A writer keeps writing while the file is written.
            for (int round = 0; inProgress(s); round++) {
                j.set("k" + (round % 500), "newer" + round);
                j.set("late" + round, "y");
            }
            assertEquals("ok", onLoop(s, () -> persistence(s).lastBgsaveStatus()));
        }
        assertEquals(expected(500), dumpContents());
    }

    private static Map<String, String> expected(int n) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put("0/k" + i, "old" + i);
        }
        return m;
    }

    private static void awaitGate(CountDownLatch gate) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theEventLoopAnswersPingDuringABackgroundSaveOfALargeDataset() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        int keys = 200_000;
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            onLoop(s, () -> {
                Keyspace ks = s.server().context().keyspace();
                long now = System.currentTimeMillis();
                byte[] value = new byte[200];
                for (int i = 0; i < keys; i++) {
                    value[i % 200] = (byte) i;
                    ks.db(i % 4).put(Key.of("key:" + i), Entry.string(value.clone(), Entry.NO_EXPIRY, now));
                }
                return null;
            });
            persistence(s).beforeBackgroundWrite(() -> awaitGate(gate));
            assertEquals("Background saving started", j.bgsave());
            for (int i = 0; i < 50; i++) {
                assertEquals("PONG", j.ping());
                assertTrue(inProgress(s), "the save is still held");
            }
            gate.countDown();
            while (inProgress(s)) {
                assertEquals("PONG", j.ping());
            }
            assertEquals("ok", onLoop(s, () -> persistence(s).lastBgsaveStatus()));
        }
        Keyspace back = Datasets.empty(16);
        assertEquals(keys, RdbFiles.load(dir.resolve("dump.rdb"), back, System.currentTimeMillis()).keys());
    }

    @Test
    void bgsaveArgumentsAreCheckedAsInRedis() throws Exception {
        try (RkvTestServer s = start(); RawClient raw = new RawClient(s.port())) {
            assertEquals("-ERR syntax error\r\n", raw.command("BGSAVE", "NOW").readReply());
            assertEquals("-ERR syntax error\r\n", raw.command("BGSAVE", "SCHEDULE", "X").readReply());
            assertEquals("-ERR wrong number of arguments for 'save' command\r\n", raw.command("SAVE", "X").readReply());
            assertEquals("+Background saving started\r\n", raw.command("BGSAVE", "schedule").readReply());
            await("bgsave", () -> !inProgress(s));
        }
    }

    @Test
    void theServerLoadsItsDumpAtStart() throws Exception {
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            j.set("kept", "value");
            j.select(2);
            j.set("n", "12345");
            j.psetex("ttl", 3_600_000, "soon");
            assertEquals("OK", j.save());
        }
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            assertEquals("value", j.get("kept"));
            j.select(2);
            assertEquals("12345", j.get("n"));
            assertEquals("soon", j.get("ttl"));
            assertTrue(j.pttl("ttl") > 3_000_000);
        }
    }

    @Test
    void aCorruptDumpStopsTheServerFromStarting() throws Exception {
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            j.set("k", "v");
            j.save();
        }
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        rdb[rdb.length - 12] ^= 0x55;
        Files.write(dir.resolve("dump.rdb"), rdb);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, this::start);
        assertTrue(e.getMessage().contains("Fatal error loading the DB"), e.getMessage());
        assertTrue(e.getMessage().contains("at byte offset"), e.getMessage());
    }

    @Test
    void aSavePointTriggersABackgroundSave() throws Exception {
        try (RkvTestServer s = start("--save", "1 2"); Jedis j = s.jedis()) {
            j.set("a", "1");
            j.set("b", "2");
            await("a save point save", () -> Files.exists(dir.resolve("dump.rdb")) && !inProgress(s));
            await("the dirty counter to clear", () -> {
                try {
                    return onLoop(s, () -> s.server().context().stats().dirty) == 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertEquals(Map.of("0/a", "1", "0/b", "2"), dumpContents());
    }

    @Test
    void aFailedBackgroundSaveReportsErrAndKeepsThePreviousFile() throws Exception {
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            j.set("a", "first");
            assertEquals("OK", j.save());
            j.set("a", "second");
            Files.createDirectory(RdbFiles.tempFile(dir));
            Files.writeString(RdbFiles.tempFile(dir).resolve("blocker"), "a non-empty directory where the temp file goes");
            assertEquals("Background saving started", j.bgsave());
            await("the failed save", () -> !inProgress(s));
            assertEquals("err", onLoop(s, () -> persistence(s).lastBgsaveStatus()));
            JedisDataException e = assertThrows(JedisDataException.class, j::save);
            assertEquals("ERR", e.getMessage());
            assertFalse(onLoop(s, () -> persistence(s).refusesWrites()), "no save points configured");
            onLoop(s, () -> {
                s.server().config().set("save", "3600 1");
                return null;
            });
            assertTrue(onLoop(s, () -> persistence(s).refusesWrites()), "stop-writes-on-bgsave-error");
            JedisDataException refused = assertThrows(JedisDataException.class, () -> j.set("a", "third"));
            assertEquals(Persistence.MISCONF_ERROR, refused.getMessage());
            assertThrows(JedisDataException.class, j::ping, "PING reports MISCONF too, as Redis");
            assertEquals("second", j.get("a"), "reads still work");
            onLoop(s, () -> {
                s.server().config().set("stop-writes-on-bgsave-error", "no");
                return null;
            });
            assertFalse(onLoop(s, () -> persistence(s).refusesWrites()));
        }
        assertEquals(Map.of("0/a", "first"), dumpContents());
    }

    @Test
    void reloadReplacesTheKeyspaceWithTheSavedFile() throws Exception {
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            j.set("a", "saved");
            assertEquals("OK", j.save());
            j.set("a", "changed");
            j.set("b", "new");
            RdbLoadResult r = onLoop(s, () -> persistence(s).reload());
            assertEquals(1, r.keys());
            assertEquals("saved", j.get("a"));
            assertNull(j.get("b"));
        }
    }

    @Test
    void saveForShutdownStopsARunningBgsaveAndSavesTheLatestState() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (RkvTestServer s = start(); Jedis j = s.jedis()) {
            persistence(s).beforeBackgroundWrite(() -> awaitGate(gate));
            j.set("a", "before");
            assertEquals("Background saving started", j.bgsave());
            j.set("a", "after");
            RkvServer server = s.server();
            CompletableFuture<Boolean> saved = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.call(() -> persistence(s).saveForShutdown());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await("the shutdown save to cancel the background one", () -> {
                gate.countDown();
                return saved.isDone();
            });
            assertTrue(saved.get());
            assertFalse(inProgress(s));
        }
        assertEquals(Map.of("0/a", "after"), dumpContents());
        assertNull(Files.exists(RdbFiles.tempFile(dir)) ? "temp file left" : null);
    }
}
