package dev.rkv.replica;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.info;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a full sync over RDMA the replica holds exactly the primary's data and nothing of what
 * it held before (issue 8, item 3): whether it was empty, had keys of its own, was started from
 * its own RDB file, or had keys of the same names with other values and expiries. Compared as a
 * client sees it (SCAN, GET, PEXPIRETIME, DBSIZE in every database), with the primary idle and
 * with a writer running through the pull.
 */
class FullSyncReplacesDatasetIT {
    private static final String[] PRIMARY = {"--repl-backlog-size", "64mb", "--hz", "50"};
    private static final int DATABASES = 16;
    private static final int[] PRIMARY_DBS = {0, 1, 5, 15};
    /** Primary keys per database (db 0 gets most). */
    private static final int[] PRIMARY_KEYS = {3000, 600, 300, 100};
    private static final long HOUR_MS = 3_600_000;

    /** What the replica held before REPLICAOF. */
    enum Before { EMPTY, OWN_KEYS, OWN_RDB, SAME_NAMES }

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean writing : new boolean[] {false, true}) {
            for (String provider : new String[] {"soft", "shm"}) {
                for (Before b : Before.values()) {
                    out.add(Arguments.of(provider, b, writing));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "provider {0}, replica {1}, primary writing {2}")
    @MethodSource("cases")
    void replicaEndsWithExactlyThePrimarysData(String provider, Before before, boolean writing) throws Exception {
        long t0 = System.nanoTime();
        try (RkvTestServer primary = RkvTestServer.start(PRIMARY);
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider(provider))) {
            long expiresAt = System.currentTimeMillis() + HOUR_MS;
            Set<String> primaryNames = fillPrimary(primary, expiresAt);
            try (RkvTestServer replica = startReplica(before, expiresAt);
                 ReplicaAgent replicaAgent = ReplicaAgent.attach(replica.server(),
                     ReplicaAgentOptions.defaults().withProvider(provider).withReads(64 << 10, 4))) {
                Map<String, byte[]> former = snapshot(replica).values;
                assertEquals(before == Before.EMPTY, former.isEmpty(), "the replica's data before REPLICAOF: " + former.size() + " keys");
                if (before == Before.SAME_NAMES) {
                    assertTrue(former.keySet().stream().filter(primaryNames::contains).count() >= 1000,
                        "the replica holds keys of the primary's names");
                }

                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong ops = new AtomicLong();
                Writer writer = new Writer(primary.port(), stop, ops);
                AtomicLong writesDuringPull = new AtomicLong(-1);
                long linkMs;
                if (writing) {
                    writer.start();
                    await("the writer runs", () -> ops.get() > 200);
                    // Hold the pull between its header and its bulk READs until the primary has
                    // changed more: the pulled table is then certainly fuzzy.
                    replicaAgent.listener(new ReplicaAgent.PullListener() {
                        @Override
                        public void header(long epoch, long offset) {
                            long at = ops.get();
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                            while (ops.get() < at + 300 && System.nanoTime() < deadline) {
                                Thread.onSpinWait();
                            }
                            writesDuringPull.set(ops.get() - at);
                        }
                    });
                }
                try {
                    try (Jedis rj = replica.jedis()) {
                        Object reply = rj.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
                        assertEquals("OK", SafeEncoder.encode((byte[]) reply));
                    }
                    long asked = System.nanoTime();
                    await("replica link up", () -> linkUp(replica));
                    linkMs = (System.nanoTime() - asked) / 1_000_000;
                    if (writing) {
                        long atSync = ops.get();
                        await("writes continue after the sync", () -> ops.get() > atSync + 300);
                    }
                } finally {
                    stop.set(true);
                    writer.join(10_000);
                }
                assertNull(writer.failure(), () -> "writer failed: " + writer.failure());
                if (writing) {
                    assertTrue(writesDuringPull.get() >= 300, "writes during the pull: " + writesDuringPull.get());
                }
                try (Jedis p = primary.jedis()) {
                    p.set("fence", "last");
                    assertEquals(1, p.waitReplicas(1, 20_000));
                }
                await("replica reaches the primary's offset", () -> linkUp(replica) && offset(replica) == offset(primary));

                assertEquals("rdma/" + provider, info(replica, "master_last_sync_transport"), "synced over RDMA");
                assertTrue(replicaAgent.completedSyncs() >= 1);

                Snapshot p = snapshot(primary);
                Snapshot r = snapshot(replica);
                assertEquals(p.dbsizes, r.dbsizes, "DBSIZE per database");
                assertSameValues(p, r);
                // Implied by the equality above, spelled out: nothing of before survives unless the primary has it too.
                long kept = 0;
                for (String k : former.keySet()) {
                    if (r.values.containsKey(k)) {
                        kept++;
                        assertTrue(p.values.containsKey(k), () -> "the replica kept a former key the primary does not have: " + k);
                        assertTrue(Arrays.equals(p.values.get(k), r.values.get(k)), () -> "the replica kept its former value of " + k);
                    }
                }
                assertEquals(before == Before.SAME_NAMES, kept > 0, "former names also on the primary: " + kept);
                assertSameDataset(primary, replica);
                System.out.printf("%s/%s/writing=%s: %d keys, %d former, %d writes during the pull, link up %d ms after REPLICAOF (pull: %s),"
                    + " %d ms in all%n", provider, before, writing, p.values.size(), former.size(), writesDuringPull.get(), linkMs,
                    replicaAgent.lastPhases(), (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    // ------------------------------------------------------------------ datasets

    /**
     * The primary's known dataset: text and binary keys and values (from empty to beyond the
     * largest slot class), a third with an expiry an hour away, in four databases.
     *
     * @return "db/hexkey" of every key
     */
    private static Set<String> fillPrimary(RkvTestServer primary, long expiresAt) {
        Set<String> names = new TreeSet<>();
        Random rnd = new Random(42);
        try (Jedis j = primary.jedis()) {
            for (int d = 0; d < PRIMARY_DBS.length; d++) {
                int db = PRIMARY_DBS[d];
                j.select(db);
                Pipeline pl = j.pipelined();
                for (int i = 0; i < PRIMARY_KEYS[d]; i++) {
                    byte[] key = sharedName(i);
                    byte[] value = i % 7 == 0 ? binary(rnd, i % 3000) : ("p" + db + ":" + i + "x".repeat(i % 900)).getBytes(StandardCharsets.UTF_8);
                    pl.set(key, value);
                    if (i % 3 == 0) {
                        pl.pexpireAt(key, expiresAt + i);
                    }
                    names.add(db + "/" + hex(key));
                }
                // Binary keys, an empty value, values past the largest slot class (overflow extents).
                for (int i = 0; i < 20; i++) {
                    byte[] key = binary(rnd, 1 + rnd.nextInt(40));
                    pl.set(key, binary(rnd, rnd.nextInt(200)));
                    names.add(db + "/" + hex(key));
                }
                pl.set("empty".getBytes(StandardCharsets.UTF_8), new byte[0]);
                pl.set("big".getBytes(StandardCharsets.UTF_8), binary(rnd, 150_000 + db));
                pl.pexpireAt("big".getBytes(StandardCharsets.UTF_8), expiresAt);
                names.add(db + "/" + hex("empty".getBytes(StandardCharsets.UTF_8)));
                names.add(db + "/" + hex("big".getBytes(StandardCharsets.UTF_8)));
                pl.sync();
            }
        }
        return names;
    }

    /** Key names the primary and a SAME_NAMES replica share. */
    private static byte[] sharedName(int i) {
        return ("key:" + i).getBytes(StandardCharsets.UTF_8);
    }

    private RkvTestServer startReplica(Before before, long expiresAt) throws Exception {
        return switch (before) {
            case EMPTY -> RkvTestServer.start();
            case OWN_KEYS -> {
                RkvTestServer r = RkvTestServer.start();
                fillOwn(r, "own:", expiresAt);
                yield r;
            }
            case OWN_RDB -> {
                Path rdbDir = Files.createDirectories(dir.resolve("replica-dir"));
                try (RkvTestServer writer = RkvTestServer.start("--dir", rdbDir.toString())) {
                    fillOwn(writer, "rdb:", expiresAt);
                    try (Jedis j = writer.jedis()) {
                        assertEquals("OK", j.save());
                    }
                }
                assertTrue(Files.size(rdbDir.resolve("dump.rdb")) > 0);
                RkvTestServer r = RkvTestServer.start("--dir", rdbDir.toString());
                try (Jedis j = r.jedis()) {
                    assertTrue(j.dbSize() > 0, "the replica loaded its own RDB at start");
                }
                yield r;
            }
            case SAME_NAMES -> {
                RkvTestServer r = RkvTestServer.start();
                fillSameNames(r, expiresAt);
                yield r;
            }
        };
    }

    /** Keys of names the primary never has, in its databases and in others, some expiring, some binary. */
    private static void fillOwn(RkvTestServer s, String prefix, long expiresAt) {
        Random rnd = new Random(prefix.hashCode());
        try (Jedis j = s.jedis()) {
            for (int db : new int[] {0, 1, 3, 15}) {
                j.select(db);
                Pipeline pl = j.pipelined();
                for (int i = 0; i < 700; i++) {
                    byte[] key = (prefix + db + ":" + i).getBytes(StandardCharsets.UTF_8);
                    pl.set(key, i % 5 == 0 ? binary(rnd, 300) : ("mine" + i).getBytes(StandardCharsets.UTF_8));
                    if (i % 4 == 0) {
                        pl.pexpireAt(key, expiresAt + 7 * HOUR_MS);
                    }
                }
                pl.sync();
            }
        }
    }

    /**
     * The primary's key names with other values: one in three with an expiry where the
     * primary's has none (or another one), plus a few names of its own and a database the
     * primary leaves empty.
     */
    private static void fillSameNames(RkvTestServer s, long expiresAt) {
        try (Jedis j = s.jedis()) {
            for (int d = 0; d < PRIMARY_DBS.length; d++) {
                j.select(PRIMARY_DBS[d]);
                Pipeline pl = j.pipelined();
                for (int i = 0; i < PRIMARY_KEYS[d]; i++) {
                    byte[] key = sharedName(i);
                    pl.set(key, ("stale" + i).getBytes(StandardCharsets.UTF_8));
                    if (i % 3 == 1) {
                        pl.pexpireAt(key, expiresAt + 2 * HOUR_MS);
                    } else if (i % 3 == 0) {
                        pl.pexpireAt(key, expiresAt + 3 * HOUR_MS + i);
                    }
                }
                pl.set("big".getBytes(StandardCharsets.UTF_8), "small now".getBytes(StandardCharsets.UTF_8));
                pl.set("empty".getBytes(StandardCharsets.UTF_8), "not empty".getBytes(StandardCharsets.UTF_8));
                pl.set(("key:" + (PRIMARY_KEYS[d] + 5)).getBytes(StandardCharsets.UTF_8), "beyond".getBytes(StandardCharsets.UTF_8));
                pl.sync();
            }
            j.select(7);
            j.set("key:1", "only in db 7");
        }
    }

    // ------------------------------------------------------------------ comparison as a client sees it

    /** Every key as "db/hexkey" with its value and expiry, and DBSIZE per database. */
    private record Snapshot(Map<String, byte[]> values, Map<String, Long> expiries, List<Long> dbsizes) {
    }

    private static Snapshot snapshot(RkvTestServer s) {
        Map<String, byte[]> values = new TreeMap<>();
        Map<String, Long> expiries = new TreeMap<>();
        List<Long> sizes = new ArrayList<>();
        try (Jedis j = s.jedis()) {
            for (int db = 0; db < DATABASES; db++) {
                j.select(db);
                sizes.add(j.dbSize());
                List<byte[]> keys = new ArrayList<>();
                byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
                do {
                    ScanResult<byte[]> page = j.scan(cursor, new ScanParams().count(1000));
                    keys.addAll(page.getResult());
                    cursor = page.getCursorAsBytes();
                } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
                Pipeline pl = j.pipelined();
                List<Response<byte[]>> gets = new ArrayList<>();
                List<Response<Object>> exps = new ArrayList<>();
                for (byte[] k : keys) {
                    gets.add(pl.get(k));
                    exps.add(pl.sendCommand(Protocol.Command.PEXPIRETIME, k));
                }
                pl.sync();
                for (int i = 0; i < keys.size(); i++) {
                    String name = db + "/" + hex(keys.get(i));
                    if (values.put(name, gets.get(i).get()) != null) {
                        throw new AssertionError("SCAN returned " + name + " twice");
                    }
                    expiries.put(name, (Long) exps.get(i).get());
                }
            }
        }
        return new Snapshot(values, expiries, sizes);
    }

    private static void assertSameValues(Snapshot p, Snapshot r) {
        Set<String> names = new TreeSet<>(p.values.keySet());
        names.addAll(r.values.keySet());
        StringBuilder diff = new StringBuilder();
        int differences = 0;
        for (String k : names) {
            byte[] pv = p.values.get(k);
            byte[] rv = r.values.get(k);
            boolean same = p.values.containsKey(k) == r.values.containsKey(k) && Arrays.equals(pv, rv)
                && java.util.Objects.equals(p.expiries.get(k), r.expiries.get(k));
            if (!same && differences++ < 10) {
                diff.append("\n  ").append(k).append(": primary=").append(describe(pv, p.expiries.get(k), p.values.containsKey(k)))
                    .append(" replica=").append(describe(rv, r.expiries.get(k), r.values.containsKey(k)));
            }
        }
        if (differences > 0) {
            throw new AssertionError(differences + " keys differ (primary " + p.values.size() + " keys, replica " + r.values.size()
                + "):" + diff);
        }
    }

    private static String describe(byte[] v, Long expiry, boolean present) {
        if (!present) {
            return "absent";
        }
        String s = v == null ? "nil" : v.length > 24 ? v.length + " bytes" : "'" + new String(v, StandardCharsets.ISO_8859_1) + "'";
        return s + " @" + expiry;
    }

    private static byte[] binary(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    // ------------------------------------------------------------------ writer

    /**
     * Writes to the primary's key names in its databases (SET of every size class, DEL,
     * PEXPIREAT, PERSIST, APPEND, INCR) until stopped. No RENAME: an effect the LSN filter
     * cannot reconcile makes the link resync classically, and this test is about the RDMA sync.
     */
    private static final class Writer extends Thread {
        private final int port;
        private final AtomicBoolean stop;
        private final AtomicLong ops;
        private volatile Throwable failure;

        Writer(int port, AtomicBoolean stop, AtomicLong ops) {
            super("full-sync-writer");
            this.port = port;
            this.stop = stop;
            this.ops = ops;
            setDaemon(true);
        }

        Throwable failure() {
            return failure;
        }

        @Override
        public void run() {
            Random rnd = new Random(7);
            try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                while (!stop.get()) {
                    int d = rnd.nextInt(PRIMARY_DBS.length);
                    if (rnd.nextInt(20) == 0) {
                        j.select(PRIMARY_DBS[d]);
                    }
                    byte[] k = sharedName(rnd.nextInt(PRIMARY_KEYS[0] + 50));
                    switch (rnd.nextInt(8)) {
                        case 0, 1, 2 -> j.set(k, binary(rnd, rnd.nextInt(rnd.nextInt(10) == 0 ? 5000 : 100)));
                        case 3 -> j.del(k);
                        case 4 -> j.pexpireAt(k, System.currentTimeMillis() + HOUR_MS + rnd.nextInt(1000));
                        case 5 -> j.persist(k);
                        case 6 -> j.append(k, "+".getBytes(StandardCharsets.UTF_8));
                        default -> j.incr(("counter:" + rnd.nextInt(10)).getBytes(StandardCharsets.UTF_8));
                    }
                    ops.incrementAndGet();
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
