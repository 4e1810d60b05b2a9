package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.DatabaseSnapshot;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our RDB files against Debian's redis-server 7.0 and redis-check-rdb, both ways. */
class RdbRedisInteropIT {
    @TempDir
    Path dir;

    private static String checker() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "redis-check-rdb");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("redis-check-rdb not found on PATH: install Debian's redis-tools");
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    private Path writeRdb(Keyspace ks, boolean compress, long now) throws IOException {
        return writeRdb(ks, compress, new RdbAux("f".repeat(40), 77), now);
    }

    private Path writeRdb(Keyspace ks, boolean compress, RdbAux aux, long now) throws IOException {
        Path file = dir.resolve("rkv.rdb");
        try (OutputStream out = Files.newOutputStream(file)) {
            new RdbWriter(compress).write(ks.snapshot(), aux, out, now);
        }
        return file;
    }

    @Test
    void redisCheckRdbAcceptsOurFiles() throws Exception {
        long now = System.currentTimeMillis();
        for (int seed = 0; seed < 4; seed++) {
            Path file = writeRdb(Datasets.random(100 + seed, 16, 200, now), seed % 2 == 0, now);
            String out = run(checker(), file.toString());
            assertTrue(out.contains("RDB looks OK!"), out);
        }
        String empty = run(checker(), writeRdb(Datasets.empty(16), true, null, now).toString());
        assertTrue(empty.contains("RDB looks OK!"), empty);
    }

    @Test
    void redisServerLoadsOurFileAndServesTheSameData() throws Exception {
        long now = System.currentTimeMillis();
        Keyspace ks = Datasets.random(200, 16, 300, now);
        writeRdb(ks, true, now);
        Map<String, String> expected = Datasets.contents(ks, now);
        try (RedisReference redis = RedisReference.start("--dir", dir.toString(), "--dbfilename", "rkv.rdb");
             Jedis j = redis.jedis()) {
            assertEquals(expected, readAll(j, ks.snapshot()));
            long total = 0;
            for (int db = 0; db < 16; db++) {
                j.select(db);
                total += j.dbSize();
            }
            assertEquals(expected.size(), total);
        }
    }

    /** Reads back, through a client, every key of the snapshot that is still live. */
    private static Map<String, String> readAll(Jedis j, DatabaseSnapshot[] dbs) {
        Map<String, String> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        for (DatabaseSnapshot db : dbs) {
            j.select(db.index());
            db.forEach((k, e) -> {
                byte[] v = j.get(k.bytes());
                if (v != null) {
                    long pexpireTime = j.pexpireTime(k.bytes());
                    out.put(db.index() + "/" + hex.formatHex(k.bytes()), pexpireTime + ":" + hex.formatHex(v));
                }
            });
        }
        return out;
    }

    @Test
    void weLoadTheDumpRedisWritesForStrings() throws Exception {
        Map<String, byte[]> written = new TreeMap<>();
        Map<String, Long> expiries = new TreeMap<>();
        long at = System.currentTimeMillis() + 3_600_000;
        byte[] rdb = redisDump("dump.rdb", at, written, expiries);
        byte[] plain = redisDump("plain.rdb", at, new TreeMap<>(), new TreeMap<>(), "--rdbcompression", "no",
            "--rdbchecksum", "no");
        long rawBytes = written.values().stream().mapToLong(v -> v.length).sum();
        assertTrue(rdb.length < rawBytes / 2, "redis compressed the dump with LZF: " + rdb.length + " of " + rawBytes);
        assertTrue(plain.length > rawBytes, "no compression: " + plain.length);
        assertEquals(0L, java.nio.ByteBuffer.wrap(plain, plain.length - 8, 8).getLong(), "no checksum");
        assertLoadsAsWritten(rdb, written, expiries);
        assertLoadsAsWritten(plain, written, expiries);

        // And the server loads it at start (dir/dump.rdb by default).
        try (RkvTestServer rkv = RkvTestServer.start("--dir", dir.toString()); Jedis j = rkv.jedis()) {
            j.select(3);
            assertEquals("x", j.get("ttl:ms"));
            assertEquals(at, j.pexpireTime("ttl:ms"));
            j.select(0);
            assertEquals(Long.toString(Long.MIN_VALUE), j.get("int:" + Long.MIN_VALUE));
            var server = rkv.server();
            assertEquals((long) written.size(), server.call(() -> server.context().keyspace().totalKeys()));
        }
    }

    /** Fills a real redis-server with a seeded string dataset, SAVEs, and returns its dump (also kept in dir/name). */
    private byte[] redisDump(String name, long at, Map<String, byte[]> written, Map<String, Long> expiries,
        String... options) throws Exception {
        Random rnd = new Random(3);
        try (RedisReference redis = RedisReference.start(options); Jedis j = redis.jedis()) {
            long[] ints = {0, 1, -1, 127, -128, 128, -129, 32767, -32768, 32768, -32769, 2147483647L, -2147483648L,
                2147483648L, -2147483649L, Long.MAX_VALUE, Long.MIN_VALUE};
            for (long v : ints) {
                put(j, 0, "int:" + v, Long.toString(v).getBytes(StandardCharsets.US_ASCII), written);
            }
            for (String s : new String[] {"", "007", "-0", "+1", "1.5", " 12"}) {
                put(j, 0, "odd:" + s, s.getBytes(StandardCharsets.US_ASCII), written);
            }
            for (int i = 0; i < 200; i++) {
                int db = rnd.nextInt(16);
                put(j, db, "lzf:" + i, ("value " + i + " ").repeat(1 + rnd.nextInt(2000)).getBytes(StandardCharsets.US_ASCII),
                    written);
                byte[] bin = new byte[rnd.nextInt(3000)];
                rnd.nextBytes(bin);
                put(j, db, "bin:" + i, bin, written);
            }
            j.select(3);
            j.set("ttl:ms", "x", SetParams.setParams().pxAt(at));
            written.put("3/ttl:ms", new byte[] {'x'});
            expiries.put("3/ttl:ms", at);
            j.set(new byte[] {0, (byte) 0xff, '\r', '\n'}, new byte[] {1, 2});
            written.put("3/" + new String(new byte[] {0, (byte) 0xff, '\r', '\n'}, StandardCharsets.ISO_8859_1),
                new byte[] {1, 2});
            assertEquals("OK", j.save());
            Path dump = Path.of(j.configGet("dir").get("dir"), "dump.rdb");
            Files.copy(dump, dir.resolve(name));
        }
        return Files.readAllBytes(dir.resolve(name));
    }

    private static void assertLoadsAsWritten(byte[] rdb, Map<String, byte[]> written, Map<String, Long> expiries)
        throws Exception {
        Keyspace ks = Datasets.empty(16);
        RdbLoadResult r = Datasets.load(rdb, ks, System.currentTimeMillis());
        assertEquals(written.size(), r.keys());
        assertEquals(10, r.rdbVersion());
        for (Map.Entry<String, byte[]> e : written.entrySet()) {
            int slash = e.getKey().indexOf('/');
            int db = Integer.parseInt(e.getKey().substring(0, slash));
            byte[] key = e.getKey().substring(slash + 1).getBytes(StandardCharsets.ISO_8859_1);
            var entry = ks.db(db).peek(new dev.rkv.kvserver.store.Key(key));
            assertArrayEquals(e.getValue(), entry.bytes(), e.getKey());
            assertEquals(expiries.getOrDefault(e.getKey(), -1L), entry.expireAtMs(), e.getKey());
        }

    }

    private static void put(Jedis j, int db, String key, byte[] value, Map<String, byte[]> written) {
        j.select(db);
        j.set(key.getBytes(StandardCharsets.ISO_8859_1), value);
        written.put(db + "/" + key, value);
    }
}
