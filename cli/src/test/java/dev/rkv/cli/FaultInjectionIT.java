package dev.rkv.cli;

import dev.rkv.cli.testing.AckedWriter;
import dev.rkv.cli.testing.FaultTable;
import dev.rkv.cli.testing.FreePort;
import dev.rkv.cli.testing.Generation;
import dev.rkv.cli.testing.RkvNode;
import dev.rkv.cli.testing.SmallDisk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on real rkv processes: kill -9 and SIGSTOP of a primary or a replica (each a server
 * with its agent) at a chosen phase of a sync, and a full disk under a primary. Phases are
 * recognised from INFO replication, not guessed with sleeps. For each fault: no write that
 * {@code WAIT 1} acknowledged is lost, no replica serves a mix of two datasets (every value
 * carries its dataset's generation tag), and every process recovers or exits with a clear
 * message. The table of faults × outcomes is printed and written to target/fault-table.md.
 *
 * <p>RDMA cases use the {@code soft} provider: its responder is a thread of the primary's
 * process, so stopping the process really stalls the READs (with {@code shm} the replica copies
 * from shared memory and would not notice). Replicas pull over one endpoint, 4 KiB per READ and
 * one outstanding, so that a pull of a few tens of MB lasts long enough to be interrupted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {
    private static final String PROVIDER = "soft";
    private static final List<String> SLOW_PULL = List.of("--endpoints", "1", "--read-size", "4096", "--outstanding", "1");
    /** The replica's dataset before a sync: what it must keep when the sync fails. */
    private static final int OLD_KEYS = 5_000;
    /** The primary's dataset: large enough that a slow pull takes a moment. */
    private static final int KEYS = 30_000;
    private static final int VALUE_SIZE = 1000;
    private static final Duration SYNC = Duration.ofSeconds(60);

    private final FaultTable table = new FaultTable();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Path root;

    @BeforeAll
    void createRoot() throws Exception {
        root = Files.createTempDirectory("rkv-faults-");
    }

    @AfterAll
    void report() throws Exception {
        closeOpen();
        String md = table.markdown();
        System.out.println("\nFault injection: fault x outcome\n\n" + md);
        table.write(Path.of("target", "fault-table.md"));
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    void kill9PrimaryDuringHandshake() throws Exception {
        fault("kill -9 primary during the handshake (primary stopped, then killed; restarted on its port)",
            "replica keeps its old data and serves reads; retries; then syncs the restarted primary whole", () -> {
                Path home = home("p-handshake");
                int port = FreePort.next();
                RkvNode primary = primaryOn(home, "primary", port);
                Generation.load(primary, 1, "key", KEYS, VALUE_SIZE);
                RkvNode replica = replicaWithOldData(home);
                primary.jvm().pause();
                replicaOf(replica, primary);
                awaitHandshakeStarted(replica);
                primary.jvm().kill9();
                assertOnlyGeneration(replica, "g0", OLD_KEYS);
                RkvNode restarted = primaryOn(home, "primary-restarted", port);
                Generation.load(restarted, 2, "key", KEYS, VALUE_SIZE);
                awaitSynced(replica);
                assertOnlyGeneration(replica, "g2", KEYS);
                return "old data kept (" + OLD_KEYS + " g0 keys); replica resynced by itself to the restarted primary (" + KEYS + " g2 keys)";
            });
    }

    @Test
    @Order(2)
    void kill9ReplicaDuringHandshake() throws Exception {
        fault("kill -9 replica during the handshake", "primary keeps serving; a new replica syncs whole", () -> {
            Path home = home("r-handshake");
            RkvNode primary = primaryOn(home, "primary", FreePort.next());
            Generation.load(primary, 1, "key", KEYS, VALUE_SIZE);
            RkvNode replica = replicaWithOldData(home);
            primary.jvm().pause();
            replicaOf(replica, primary);
            awaitHandshakeStarted(replica);
            replica.jvm().kill9();
            primary.jvm().resume();
            assertServes(primary, KEYS);
            RkvNode second = replica(home, "replica-2");
            replicaOf(second, primary);
            awaitSynced(second);
            assertOnlyGeneration(second, "g1", KEYS);
            return "primary served on; a new replica synced " + KEYS + " g1 keys";
        });
    }

    @Test
    @Order(3)
    void kill9PrimaryDuringBulkRead() throws Exception {
        fault("kill -9 primary during the bulk READ (restarted on its port)",
            "replica keeps its old data, never a mix; syncs the restarted primary whole", () -> {
                Path home = home("p-bulk");
                int port = FreePort.next();
                RkvNode primary = primaryOn(home, "primary", port);
                Generation.load(primary, 1, "key", KEYS, VALUE_SIZE);
                RkvNode replica = replicaWithOldData(home);
                replicaOf(replica, primary);
                long at = awaitPulling(replica);
                primary.jvm().kill9();
                assertOnlyGeneration(replica, "g0", OLD_KEYS);
                RkvNode restarted = primaryOn(home, "primary-restarted", port);
                Generation.load(restarted, 2, "key", KEYS, VALUE_SIZE);
                awaitSynced(replica);
                assertOnlyGeneration(replica, "g2", KEYS);
                return "killed after " + at + " bytes pulled: old data kept (" + OLD_KEYS + " g0 keys); then resynced to " + KEYS + " g2 keys";
            });
    }

    @Test
    @Order(4)
    void kill9ReplicaDuringBulkRead() throws Exception {
        fault("kill -9 replica during the bulk READ", "primary and its agent keep serving; a new replica syncs whole", () -> {
            Path home = home("r-bulk");
            RkvNode primary = primaryOn(home, "primary", FreePort.next());
            Generation.load(primary, 1, "key", KEYS, VALUE_SIZE);
            RkvNode replica = replicaWithOldData(home);
            replicaOf(replica, primary);
            long at = awaitPulling(replica);
            replica.jvm().kill9();
            assertServes(primary, KEYS);
            RkvNode second = replica(home, "replica-2");
            replicaOf(second, primary);
            awaitSynced(second);
            assertOnlyGeneration(second, "g1", KEYS);
            return "killed after " + at + " bytes pulled; primary served on; a new replica synced " + KEYS + " g1 keys";
        });
    }

    @Test
    @Order(5)
    void sigstopPrimaryDuringPull() throws Exception {
        fault("SIGSTOP primary during the bulk READ for 2 s, then SIGCONT",
            "replica serves its old data only while stalled; completes (or retries) after SIGCONT", () -> {
                Path home = home("p-stop");
                RkvNode primary = primaryOn(home, "primary", FreePort.next());
                Generation.load(primary, 1, "key", KEYS, VALUE_SIZE);
                RkvNode replica = replicaWithOldData(home);
                replicaOf(replica, primary);
                long at = awaitPulling(replica);
                primary.jvm().pause();
                long stoppedAt = System.nanoTime();
                Map<String, Long> during = Generation.census(replica);
                assertEquals(Map.of("g0", (long) OLD_KEYS), during, "replica's data while the primary is stopped");
                Thread.sleep(Math.max(0, 2000 - (System.nanoTime() - stoppedAt) / 1_000_000));
                Map<String, Long> later = Generation.census(replica);
                assertEquals(Map.of("g0", (long) OLD_KEYS), later, "replica's data after 2 s of a stopped primary");
                primary.jvm().resume();
                awaitSynced(replica);
                assertOnlyGeneration(replica, "g1", KEYS);
                return "stopped after " + at + " bytes; replica served " + OLD_KEYS + " g0 keys while stalled; after SIGCONT synced " + KEYS
                    + " g1 keys";
            });
    }

    @Test
    @Order(6)
    void kill9PrimaryDuringStream() throws Exception {
        fault("kill -9 primary during the command stream", "every write WAIT acknowledged is on the replica; one dataset", () -> {
            Path home = home("p-stream");
            RkvNode primary = primaryOn(home, "primary", FreePort.next());
            Generation.load(primary, 1, "key", KEYS / 10, 100);
            RkvNode replica = replica(home, "replica");
            replicaOf(replica, primary);
            awaitSynced(replica);
            List<String> acked;
            try (AckedWriter writer = AckedWriter.start(primary, 1, 1000)) {
                writer.awaitAcked(200, Duration.ofSeconds(30));
                primary.jvm().kill9();
                writer.close();
                acked = writer.acked();
            }
            assertAllPresent(replica, acked);
            Map<String, Long> census = Generation.census(replica);
            assertEquals(List.of("g1"), List.copyOf(census.keySet()), "generations on the replica: " + census);
            assertTrue(replica.jvm().isAlive(), "replica still runs");
            return acked.size() + " acknowledged writes all on the replica; " + census.get("g1") + " g1 keys, nothing else";
        });
    }

    @Test
    @Order(7)
    void kill9ReplicaDuringStream() throws Exception {
        fault("kill -9 replica during the command stream", "primary keeps every write; a new replica syncs whole", () -> {
            Path home = home("r-stream");
            RkvNode primary = primaryOn(home, "primary", FreePort.next());
            Generation.load(primary, 1, "key", KEYS / 10, 100);
            RkvNode replica = replica(home, "replica");
            replicaOf(replica, primary);
            awaitSynced(replica);
            List<String> acked;
            try (AckedWriter writer = AckedWriter.start(primary, 1, 200)) {
                writer.awaitAcked(200, Duration.ofSeconds(30));
                replica.jvm().kill9();
                Thread.sleep(300);
                writer.close();
                acked = writer.acked();
            }
            assertAllPresent(primary, acked);
            RkvNode second = replica(home, "replica-2");
            replicaOf(second, primary);
            awaitSynced(second);
            assertAllPresent(second, acked);
            long onPrimary;
            try (Jedis j = primary.jedis()) {
                onPrimary = j.dbSize();
            }
            Map<String, Long> census = Generation.census(second);
            assertEquals(Map.of("g1", onPrimary), census, "the new replica equals the primary");
            return acked.size() + " acknowledged writes kept; a new replica synced all " + onPrimary + " keys";
        });
    }

    @Test
    @Order(8)
    void diskFullDuringBgsave() throws Exception {
        fault("disk full on the primary during BGSAVE", "BGSAVE fails with a clear error; the server keeps running and keeps its data",
            () -> {
                Path home = home("disk-bgsave");
                SmallDisk disk = track(SmallDisk.create(home.resolve("small"), 1 << 20));
                RkvNode server = track(RkvNode.launch("server", home, disk.prefix(), FreePort.next(), disk.dir(), "server", List.of(),
                    "--save", ""));
                Generation.load(server, 1, "key", 5_000, 1000);
                try (Jedis j = server.jedis()) {
                    j.bgsave();
                }
                Map<String, String> persistence = server.awaitInfo("persistence",
                    m -> "0".equals(m.get("rdb_bgsave_in_progress")) && "err".equals(m.get("rdb_last_bgsave_status")),
                    Duration.ofSeconds(30), "a failed BGSAVE");
                String error = server.jvm().awaitLine("(?i)(saving error|write error|no space|too large)", Duration.ofSeconds(5)).group();
                assertServes(server, 5_000);
                return disk.kind() + ": rdb_last_bgsave_status=" + persistence.get("rdb_last_bgsave_status") + ", log: \""
                    + lineWith(server, error) + "\"; server serves all 5000 keys";
            });
    }

    @Test
    @Order(9)
    void diskFullDuringDiskBasedSync() throws Exception {
        fault("disk full on the primary during a disk-based sync (classic TCP)",
            "primary keeps running with a clear error; the replica keeps its old data, never a mix", () -> {
                Path home = home("disk-sync");
                SmallDisk disk = track(SmallDisk.create(home.resolve("small"), 1 << 20));
                RkvNode primary = track(RkvNode.launch("primary", home, disk.prefix(), FreePort.next(), disk.dir(), "server", List.of(),
                    "--save", "", "--repl-diskless-sync", "no"));
                Generation.load(primary, 1, "key", 5_000, 1000);
                RkvNode replica = track(RkvNode.server("replica", home.resolve("replica"), "--save", ""));
                Generation.load(replica, 0, "old", OLD_KEYS, 100);
                try (Jedis j = replica.jedis()) {
                    j.replicaof("127.0.0.1", primary.port());
                }
                String error = primary.jvm().awaitLine("(?i)(saving error|write error|no space|too large|sync.*fail)", Duration.ofSeconds(30))
                    .group();
                assertOnlyGeneration(replica, "g0", OLD_KEYS);
                assertServes(primary, 5_000);
                assertTrue(replica.jvm().isAlive(), "replica still runs");
                return disk.kind() + ": primary log \"" + lineWith(primary, error) + "\"; primary serves on; replica kept " + OLD_KEYS
                    + " g0 keys";
            });
    }

    // ---- the steps the cases share ----

    /** A body that returns the outcome to report, or throws. */
    private interface Case {
        String run() throws Exception;
    }

    private void fault(String fault, String mustHold, Case body) throws Exception {
        try {
            table.passed(fault, mustHold, body.run());
        } catch (Exception | AssertionError e) {
            table.failed(fault, mustHold, e);
            throw e;
        } finally {
            closeOpen();
        }
    }

    private void closeOpen() throws Exception {
        List<AutoCloseable> lastFirst = new ArrayList<>(open);
        Collections.reverse(lastFirst);
        open.clear();
        for (AutoCloseable c : lastFirst) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private Path home(String name) throws Exception {
        return Files.createDirectories(root.resolve(name));
    }

    private RkvNode primaryOn(Path home, String name, int port) throws Exception {
        RkvNode p = track(RkvNode.launch(name, home.resolve(name), List.of(), port, home.resolve(name).resolve("data"), "primary-agent",
            List.of("--provider", PROVIDER), "--save", "", "--repl-backlog-size", "64mb"));
        // The server answers PING before its agent is attached; a sync started earlier would be a classic one.
        p.jvm().awaitLine("rkv primary-agent: server on port", Duration.ofSeconds(30));
        return p;
    }

    private RkvNode replica(Path home, String name) throws Exception {
        return track(RkvNode.replicaAgent(name, home.resolve(name), PROVIDER, SLOW_PULL, "--save", ""));
    }

    /** A replica-agent that already holds a dataset of its own (generation 0, other key names). */
    private RkvNode replicaWithOldData(Path home) throws Exception {
        RkvNode r = replica(home, "replica");
        Generation.load(r, 0, "old", OLD_KEYS, 100);
        return r;
    }

    private static void replicaOf(RkvNode replica, RkvNode primary) {
        try (Jedis j = replica.jedis()) {
            j.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
        }
    }

    /** The replica has a link to the primary that is not up: it is connecting or in the handshake. */
    private static void awaitHandshakeStarted(RkvNode replica) throws Exception {
        replica.awaitInfo("replication", m -> m.containsKey("master_host") && "down".equals(m.get("master_link_status")),
            Duration.ofSeconds(10), "a link in its handshake");
        // The stopped primary's kernel accepted the connection; give the replica a moment to send its first command.
        Thread.sleep(200);
    }

    /** Waits until the replica has pulled some, not all, of the table; returns the bytes pulled then. */
    private static long awaitPulling(RkvNode replica) throws Exception {
        Map<String, String> m = replica.awaitInfo("replication", i -> "1".equals(i.get("master_sync_in_progress"))
                && Long.parseLong(i.getOrDefault("master_sync_read_bytes", "0")) > 0,
            SYNC, "a pull in progress");
        return Long.parseLong(m.get("master_sync_read_bytes"));
    }

    private static void awaitSynced(RkvNode replica) throws Exception {
        replica.awaitInfo("replication", m -> "up".equals(m.get("master_link_status")) && "0".equals(m.get("master_sync_in_progress")),
            SYNC, "a link up after a full sync");
    }

    private static void assertOnlyGeneration(RkvNode node, String gen, long keys) {
        Map<String, Long> census = Generation.census(node);
        assertEquals(Map.of(gen, keys), census, node.jvm().name() + " must hold exactly one whole dataset");
    }

    private static void assertServes(RkvNode node, long atLeastKeys) {
        try (Jedis j = node.jedis()) {
            assertEquals("PONG", j.ping());
            assertTrue(j.dbSize() >= atLeastKeys, node.jvm().name() + " lost keys: " + j.dbSize());
        }
    }

    private static void assertAllPresent(RkvNode node, List<String> keys) {
        try (Jedis j = node.jedis()) {
            for (int from = 0; from < keys.size(); from += 500) {
                List<String> part = keys.subList(from, Math.min(keys.size(), from + 500));
                List<String> values = j.mget(part.toArray(new String[0]));
                for (int i = 0; i < part.size(); i++) {
                    assertTrue(values.get(i) != null, "acknowledged write " + part.get(i) + " missing on " + node.jvm().name());
                }
            }
        }
    }

    private static String lineWith(RkvNode node, String match) {
        return node.jvm().output().stream().filter(l -> l.contains(match)).findFirst().orElse(match).replaceFirst("^\\d+:\\w \\d+ \\w+ \\d+ [\\d:.]+ . ", "");
    }
}
