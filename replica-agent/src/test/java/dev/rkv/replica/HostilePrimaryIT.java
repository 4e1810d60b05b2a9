package dev.rkv.replica;

import dev.rkv.kvserver.repl.AcceleratedSync;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.TableWriter;
import dev.rkv.table.layout.SlotCodec;
import dev.rkv.table.layout.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica whose primary is hostile or broken on the accelerated path: a fake primary hands
 * out a garbage descriptor, a table header with absurd or overflowing sizes, a slot naming an
 * overflow extent outside the table, or vanishes or stalls in the middle of a pull. Each time
 * the replica logs a line naming what was wrong, keeps its data and serves reads, and its link
 * retries (the link thread does not die).
 */
class HostilePrimaryIT {
    private static final int REGION = 64 << 10;
    private static final ReplicaAgentOptions OPTIONS = ReplicaAgentOptions.defaults().withStallMillis(1500).withReads(64 << 10, 4);

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ descriptors

    @Test
    void descriptorWithAPortOutOfRange() throws Exception {
        survives("soft", p -> {
            validTable(p);
            p.override("port", "70000");
        }, OPTIONS, "port must be between 1 and 65535, was 70000");
    }

    @ParameterizedTest(name = "rkey {0}")
    @ValueSource(strings = {"-9999999999", "99999999999"})
    void descriptorWithAnRkeyOfMoreThan32Bits(String rkey) throws Exception {
        survives("soft", p -> {
            validTable(p);
            p.override("rkey", rkey);
        }, OPTIONS, "rkey must be between -2147483648 and 4294967295, was " + rkey);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(strings = {"-1", "12"})
    void descriptorWithARegionLengthThatHoldsNoTable(String length) throws Exception {
        survives("soft", p -> {
            validTable(p);
            p.override("length", length);
        }, OPTIONS, "length must be between 4096 and ");
    }

    @Test
    void descriptorWithANegativeAddress() throws Exception {
        survives("soft", p -> {
            validTable(p);
            p.override("address", "-4096");
        }, OPTIONS, "address must be between 0 and ");
    }

    @Test
    void descriptorNamingARegionLargerThanThisReplicaAccepts() throws Exception {
        survives("soft", p -> {
            validTable(p);
            p.override("length", Long.toString(1L << 45));
        }, OPTIONS.withMaxTableBytes(64L << 20), "more than this replica accepts");
    }

    // ------------------------------------------------------------------ table headers

    @Test
    void headerClaimingATrillionSlots() throws Exception {
        survives("soft", p -> HeaderForgery.write(p.table(), TableGeometry.of(new int[] {64}, new long[] {1_000_000_000_000L}, 1024, 0)),
            OPTIONS, "more than the " + REGION + "-byte region the primary registered");
    }

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"soft", "shm"})
    void headerDescribingATableLongerThanTheRegion(String provider) throws Exception {
        survives(provider, p -> HeaderForgery.write(p.table(), TableGeometry.of(new int[] {64, 128}, new long[] {2000, 100}, 16, 0)),
            OPTIONS, "more than the " + REGION + "-byte region the primary registered");
    }

    @Test
    void headerWhoseSlotCountOverflowsAnInt() throws Exception {
        survives("soft", p -> {
            HeaderForgery.write(p.table(), TableGeometry.of(new int[] {64}, new long[] {(1L << 32) + 10}, 1024, 0));
            p.override("length", Long.toString(1L << 40));
        }, OPTIONS.withMaxTableBytes(1L << 40), "slots in class 0, more than one pull can track");
    }

    @Test
    void headerWhoseSlotCountTimesSlotSizeOverflowsALong() throws Exception {
        survives("soft", p -> {
            HeaderForgery.write(p.table(), TableGeometry.of(new int[] {1 << 20}, new long[] {1}, 16, 0));
            HeaderForgery.patchSlotCount(p.table(), 0, 1L << 62);
        }, OPTIONS, "slot count of class 0 must be between 0 and ");
    }

    // ------------------------------------------------------------------ slots

    @Test
    void slotNamingAnOverflowExtentOutsideTheTable() throws Exception {
        survives("soft", p -> {
            TableGeometry g = TableGeometry.of(new int[] {64, 128}, new long[] {16, 16}, 16, 4);
            HeaderForgery.write(p.table(), g);
            byte[] key = "\0evil".getBytes(StandardCharsets.ISO_8859_1);
            new SlotCodec().writeOverflow(p.table(), (int) g.slotAddress(0, 3), 64, SlotDescriptor.TYPE_STRING, key, 1000, 1_000_000, 2,
                SlotDescriptor.NO_EXPIRY, 50);
        }, OPTIONS, "class 0 slot 3 names an overflow extent outside the table's overflow area");
    }

    // ------------------------------------------------------------------ peers that go away

    @Test
    void primaryThatVanishesInTheMiddleOfThePull() throws Exception {
        CountDownLatch vanished = new CountDownLatch(1);
        FakePrimary[] primary = new FakePrimary[1];
        survives("soft", p -> {
            primary[0] = p;
            validTable(p);
        }, OPTIONS, "READ failed", agent -> agent.listener(new ReplicaAgent.PullListener() {
            @Override
            public void header(long epoch, long offset) {
                primary[0].vanishRdma();
                vanished.countDown();
            }
        }), replica -> assertTrue(waitFor(vanished)));
    }

    @Test
    void primaryThatStallsInTheMiddleOfThePull() throws Exception {
        CountDownLatch stalled = new CountDownLatch(1);
        StallingProxy[] proxy = new StallingProxy[1];
        try {
            survives("soft", p -> {
                validTable(p);
                try {
                    proxy[0] = new StallingProxy(p.rdmaPort());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                p.advertiseRdmaPort(proxy[0].port());
            }, OPTIONS, "no READ completed in 1500 ms", agent -> agent.listener(new ReplicaAgent.PullListener() {
                @Override
                public void header(long epoch, long offset) {
                    proxy[0].stall();
                    stalled.countDown();
                }
            }), replica -> {
                // The pull hangs on a READ that never completes: the old data still answers.
                assertTrue(waitFor(stalled));
                try (Jedis j = replica.jedis()) {
                    assertEquals("seed-7", j.get("seed:7"));
                }
            });
        } finally {
            if (proxy[0] != null) {
                proxy[0].close();
            }
        }
    }

    // ------------------------------------------------------------------ retries

    @Test
    void eachFailedPullDoublesTheWaitBeforeTheNextAndLoadsNothing() throws Exception {
        try (FakePrimary fake = new FakePrimary("soft", REGION); ReplicaAgent agent = new ReplicaAgent(OPTIONS)) {
            HeaderForgery.write(fake.table(), TableGeometry.of(new int[] {64}, new long[] {1_000_000_000_000L}, 1024, 0));
            AcceleratedSync.Request request = new AcceleratedSync.Request("127.0.0.1", fake.port(), "", "", 16);
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            long[] waits = new long[3];
            for (int i = 0; i < waits.length; i++) {
                assertThrows(IOException.class, () -> agent.sync(request, fresh, new PullIT.Counters()));
                waits[i] = agent.retryDelayMillis();
                assertEquals(0, fresh.totalKeys(), "a failed pull leaves nothing behind");
            }
            assertArrayEquals(new long[] {200, 400, 800}, waits);
        }
    }

    // ------------------------------------------------------------------ the harness

    /**
     * A replica holding seed keys is pointed at a fake primary set up by {@code primary}; it
     * must log {@code complaint}, keep its seed keys exactly, answer reads and ask again.
     */
    private void survives(String provider, Consumer<FakePrimary> primary, ReplicaAgentOptions options, String complaint) throws Exception {
        survives(provider, primary, options, complaint, agent -> { }, replica -> { });
    }

    private void survives(String provider, Consumer<FakePrimary> primary, ReplicaAgentOptions options, String complaint,
                          Consumer<ReplicaAgent> hooks, ReplicaCheck during) throws Exception {
        Path log = dir.resolve("replica.log");
        try (FakePrimary fake = new FakePrimary(provider, REGION);
             RkvTestServer replica = RkvTestServer.start("--repl-sync-transport", "rdma", "--logfile", log.toString());
             ReplicaAgent agent = ReplicaAgent.attach(replica.server(), options.withProvider(provider))) {
            primary.accept(fake);
            hooks.accept(agent);
            try (Jedis j = replica.jedis()) {
                j.configSet("loglevel", "notice");
                for (int i = 0; i < 50; i++) {
                    j.set("seed:" + i, "seed-" + i);
                }
            }
            Map<String, String> before = replica.call(() -> Datasets.dump(replica.server().context().keyspace()));
            try (Jedis j = replica.jedis()) {
                j.replicaof("127.0.0.1", fake.port());
            }
            during.check(replica);
            await("the replica's link asks the primary again after the failure", Duration.ofSeconds(30),
                () -> fake.descriptorRequests() >= 2);
            try (Jedis j = replica.jedis()) {
                assertEquals("seed-7", j.get("seed:7"), "reads are served");
            }
            Datasets.assertSame(before, replica.call(() -> Datasets.dump(replica.server().context().keyspace())), "the replica's data");
            assertEquals(0, agent.completedSyncs());
            String lines = Files.readString(log);
            assertTrue(lines.lines().anyMatch(l -> l.contains(complaint)), () -> "no log line says '" + complaint + "':\n" + lines);
        }
    }

    /** A check made while the replica's link works on the hostile primary. */
    @FunctionalInterface
    private interface ReplicaCheck {
        void check(RkvTestServer replica) throws Exception;
    }

    /** A genuine small table with a few keys: only what the test overrides is hostile. */
    private static void validTable(FakePrimary p) {
        TableGeometry g = TableGeometry.of(new int[] {64, 128, 256}, new long[] {64, 32, 16}, 16, 16);
        TableWriter w = TableWriter.format(p.table(), g, 1, FakePrimary.REPLID, 100);
        for (int i = 0; i < 20; i++) {
            w.put(("\0primary:" + i).getBytes(StandardCharsets.ISO_8859_1), ("p" + i).getBytes(StandardCharsets.ISO_8859_1),
                SlotDescriptor.NO_EXPIRY, 90);
        }
    }

    private static boolean waitFor(CountDownLatch latch) throws InterruptedException {
        return latch.await(20, TimeUnit.SECONDS);
    }
}
