package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.persist.RdbAux;
import dev.rkv.kvserver.persist.RdbFiles;
import dev.rkv.kvserver.persist.RdbLoadResult;
import dev.rkv.kvserver.persist.RdbWriter;
import dev.rkv.kvserver.store.DatabaseSnapshot;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.testing.FakePrimary;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.rkv.kvserver.testing.ReplicationChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica restarted from its own RDB (repl-id, repl-offset, repl-stream-db aux fields, as Redis
 * 7.0 writes them) continues with a partial resync: against an rkv primary, against a stock
 * redis-server 7.0 primary, and redis-server 7.0 itself resuming from a file rkv saved.
 */
class PsyncAfterRestartIT {
    /** The database the last writes before the restart go to: the primary's stream continues there without a SELECT. */
    private static final int STREAM_DB = 3;

    @Test
    void rkvReplicaRestartedFromItsRdbPartiallyResyncsWithRkvPrimary() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0"); Jedis ja = a.jedis()) {
            saveAndStopReplica(dir, a.port(), ja);
            long fullBefore = stat(ja, "sync_full");
            long partialBefore = stat(ja, "sync_partial_ok");
            writeWhileReplicaIsDown(ja);
            try (RkvTestServer b = RkvTestServer.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                    Integer.toString(a.port()))) {
                await("restarted replica caught up", () -> linkUp(b) && offset(b) == offset(a));
                assertEquals(partialBefore + 1, stat(ja, "sync_partial_ok"), "the restart continued the stream");
                assertEquals(fullBefore, stat(ja, "sync_full"), "no full sync after the restart");
                assertEquals(info(a, "master_replid"), info(b, "master_replid"));
                assertSameDataset(a, b);
            }
        } finally {
            delete(dir);
        }
    }

    @Test
    void restartPastTheBacklogFallsBackToAFullSync() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0", "--repl-backlog-size", "16384");
             Jedis ja = a.jedis()) {
            saveAndStopReplica(dir, a.port(), ja);
            long fullBefore = stat(ja, "sync_full");
            writeWhileReplicaIsDown(ja);
            // More than the backlog holds: the offset the replica asks for is gone.
            for (int i = 0; i < 100; i++) {
                ja.set("big:" + i, "x".repeat(1000));
            }
            try (RkvTestServer b = RkvTestServer.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                    Integer.toString(a.port()))) {
                await("restarted replica caught up", () -> linkUp(b) && offset(b) == offset(a));
                assertEquals(fullBefore + 1, stat(ja, "sync_full"));
                assertSameDataset(a, b);
            }
        } finally {
            delete(dir);
        }
    }

    @Test
    void rkvReplicaRestartedFromItsRdbPartiallyResyncsWithStockRedis() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        try (RedisReference redis = RedisReference.start("--repl-diskless-sync-delay", "0");
             Jedis p = redis.jedis()) {
            saveAndStopReplica(dir, redis.port(), p);
            long fullBefore = stat(p, "sync_full");
            long partialBefore = stat(p, "sync_partial_ok");
            writeWhileReplicaIsDown(p);
            long target = replOffset(p);
            try (RkvTestServer b = RkvTestServer.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                    Integer.toString(redis.port()))) {
                await("restarted replica caught up", () -> linkUp(b) && offset(b) >= target);
                assertEquals(partialBefore + 1, stat(p, "sync_partial_ok"), "redis continued the stream");
                assertEquals(fullBefore, stat(p, "sync_full"), "no full sync after the restart");
                assertSameKeys(p, b);
            }
        } finally {
            delete(dir);
        }
    }

    @Test
    void stockRedisResumesFromAnRdbSavedByAnRkvReplica() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0"); Jedis ja = a.jedis()) {
            saveAndStopReplica(dir, a.port(), ja);
            String check = run(List.of(checkRdb(), dir.resolve("dump.rdb").toString()));
            assertTrue(check.contains("RDB looks OK"), check);
            assertTrue(check.contains("repl-id") && check.contains("repl-offset"), check);
            long fullBefore = stat(ja, "sync_full");
            long partialBefore = stat(ja, "sync_partial_ok");
            writeWhileReplicaIsDown(ja);
            try (RedisReference redis = RedisReference.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                    Integer.toString(a.port())); Jedis r = redis.jedis()) {
                await("redis replica caught up", () -> replOffset(r) == offset(a)
                    && r.info("replication").contains("master_link_status:up"));
                assertEquals(partialBefore + 1, stat(ja, "sync_partial_ok"), "redis asked rkv for a partial resync");
                assertEquals(fullBefore, stat(ja, "sync_full"));
                for (int db = 0; db < 16; db++) {
                    ja.select(db);
                    r.select(db);
                    assertEquals(ja.dbSize(), r.dbSize(), "db " + db);
                }
                r.select(STREAM_DB);
                assertEquals("after-199", r.get("after:199"));
            }
        } finally {
            delete(dir);
        }
    }

    @Test
    void primaryRestartedFromItsRdbContinuesItsReplicasThroughReplid2() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        String port = Integer.toString(RedisReference.freePort());
        // A long ping period: a PING after the SAVE would put the replica past what the file holds.
        String[] primary = {"--port", port, "--dir", dir.toString(), "--repl-diskless-sync-delay", "0",
            "--repl-ping-replica-period", "3600"};
        try (RkvTestServer b = RkvTestServer.start("--replicaof", "127.0.0.1", port)) {
            String oldId;
            try (RkvTestServer a = RkvTestServer.start(primary); Jedis ja = a.jedis()) {
                await("replica up", () -> linkUp(b));
                for (int i = 0; i < 300; i++) {
                    ja.set("key:" + i, "value-" + i);
                }
                assertEquals(1L, ja.waitReplicas(1, 10_000));
                await("replica caught up", () -> offset(b) == offset(a));
                oldId = info(a, "master_replid");
                assertEquals("OK", ja.save());
            }
            try (RkvTestServer a = RkvTestServer.start(primary); Jedis ja = a.jedis()) {
                assertEquals(oldId, info(a, "master_replid2"));
                // The replica may not have noticed the old primary's close yet: wait for it on this side.
                await("replica reconnected", () -> "1".equals(info(a, "connected_slaves")) && linkUp(b)
                    && offset(b) == offset(a));
                assertEquals(1L, stat(ja, "sync_partial_ok"), "the replica continued from the restarted primary");
                assertEquals(0L, stat(ja, "sync_full"));
                ja.select(2);
                ja.set("after", "restart");
                assertEquals(1L, ja.waitReplicas(1, 10_000));
                assertSameDataset(a, b);
            }
        } finally {
            delete(dir);
        }
    }

    @Test
    void anRdbSavedInsideTheStreamsTransactionRecordsTheOffsetBeforeItsMulti() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        String id = "0123456789abcdef0123456789abcdef01234567";
        ByteArrayOutputStream rdb = new ByteArrayOutputStream();
        new RdbWriter(true).write(new DatabaseSnapshot[0], new RdbAux(id, 100), rdb, System.currentTimeMillis());
        String stream = "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
        String answer = "+FULLRESYNC " + id + " 100\r\n$" + rdb.size() + "\r\n"
            + rdb.toString(StandardCharsets.ISO_8859_1) + stream;
        // The primary stalls inside its transaction: the replica holds MULTI and a queued SET.
        try (FakePrimary primary = new FakePrimary(FakePrimary.writeAndStall(answer));
             RkvTestServer b = RkvTestServer.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                 Integer.toString(primary.port()));
             Jedis jb = b.jedis()) {
            await("replica received the open transaction",
                () -> Long.parseLong(info(b, "slave_read_repl_offset")) == 100 + stream.length());
            // Read but not counted (Redis's reploff rule): the offset stays before MULTI.
            assertEquals(100, offset(b));
            assertEquals("OK", jb.save());
            RdbLoadResult saved = RdbFiles.load(dir.resolve("dump.rdb"), new Keyspace(16, new KeyspaceListener() { }),
                System.currentTimeMillis());
            assertEquals(0, saved.keys(), "the queued SET is not in the dataset");
            assertEquals(100, saved.replOffset(), "a restart must receive the whole transaction again");
            assertEquals(id, saved.replId());
        } finally {
            delete(dir);
        }
    }

    @Test
    void anRdbPlaceThisServerCannotUseGetsAFullSync() throws Exception {
        Path dir = Files.createTempDirectory("rkv-psync-restart-");
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis()) {
            ja.set("k", "v");
            // The primary's own id and offset, but a stream database past the 16 this server has.
            RdbAux hostile = new RdbAux(info(a, "master_replid"), offset(a), 20);
            try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
                new RdbWriter(true).write(new DatabaseSnapshot[0], hostile, out, System.currentTimeMillis());
            }
            long fullBefore = stat(ja, "sync_full");
            try (RkvTestServer b = RkvTestServer.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                    Integer.toString(a.port()))) {
                await("replica caught up", () -> linkUp(b) && offset(b) == offset(a));
                assertEquals(fullBefore + 1, stat(ja, "sync_full"));
                assertSameDataset(a, b);
            }
        } finally {
            delete(dir);
        }
    }

    /**
     * Starts an rkv replica of {@code primaryPort} saving into {@code dir}, writes through
     * {@code p} (the last writes in {@link #STREAM_DB}), waits until the replica has them, SAVEs
     * on the replica and stops it. {@code p} is left in {@link #STREAM_DB}.
     */
    private static void saveAndStopReplica(Path dir, int primaryPort, Jedis p) throws Exception {
        try (RkvTestServer b = RkvTestServer.start("--dir", dir.toString(), "--replicaof", "127.0.0.1",
                Integer.toString(primaryPort)); Jedis jb = b.jedis()) {
            // Linked before the writes: the full sync is over, so the stream goes on in STREAM_DB
            // past the SAVE without a SELECT, and the replica must know that database.
            await("replica up", () -> linkUp(b));
            Pipeline pl = p.pipelined();
            for (int i = 0; i < 500; i++) {
                pl.set("key:" + i, "value-" + i);
            }
            pl.select(STREAM_DB);
            for (int i = 0; i < 50; i++) {
                pl.hset("h:" + i, "f", Integer.toString(i));
            }
            pl.sync();
            assertEquals(1L, p.waitReplicas(1, 10_000));
            assertEquals("OK", jb.save());
        }
    }

    /** Writes the restarted replica must get from the backlog; the first ones go to the stream's current database. */
    private static void writeWhileReplicaIsDown(Jedis p) {
        for (int i = 0; i < 200; i++) {
            p.set("after:" + i, "after-" + i);
        }
        p.del("h:1");
        p.incr("counter");
    }

    private static long stat(Jedis j, String field) {
        return Long.parseLong(field(j.info("stats"), field));
    }

    private static long replOffset(Jedis j) {
        return Long.parseLong(field(j.info("replication"), "master_repl_offset"));
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + info);
    }

    private static void assertSameKeys(Jedis primary, RkvTestServer replica) {
        try (Jedis r = replica.jedis()) {
            for (int db = 0; db < 16; db++) {
                primary.select(db);
                r.select(db);
                assertEquals(primary.dbSize(), r.dbSize(), "db " + db);
            }
            r.select(STREAM_DB);
            assertEquals("after-199", r.get("after:199"));
            assertEquals("1", r.get("counter"));
            assertEquals(false, r.exists("h:1"));
            assertEquals("2", r.hget("h:2", "f"));
            r.select(0);
            assertEquals("value-2", r.get("key:2"));
        }
    }

    private static String checkRdb() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "redis-check-rdb");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("redis-check-rdb not found on PATH: install Debian's redis-tools");
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + cmd);
        return out;
    }

    private static void delete(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            files.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
