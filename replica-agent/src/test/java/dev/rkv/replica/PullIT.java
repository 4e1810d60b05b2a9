package dev.rkv.replica;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.kvserver.repl.AcceleratedSync;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.layout.LayoutBuffers;
import dev.rkv.table.layout.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica agent pulls a primary agent's table into a fresh keyspace: exactly the primary's
 * data, on both providers; torn slots are read again (and fail the pull when they never
 * settle); an epoch change restarts it; a wrong secret or rkey is refused.
 */
class PullIT {

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"soft", "shm"})
    void pullLoadsExactlyThePrimarysData(String provider) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--requirepass", "pw");
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider(provider));
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults().withProvider(provider).withReads(64 << 10, 4))) {
            fill(primary, 4000);
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            Counters progress = new Counters();
            AcceleratedSync.Result r = replica.sync(request(primary, "pw"), fresh, progress);
            Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
            assertEquals(offset(primary), r.offset());
            assertEquals(replid(primary), r.replId());
            assertEquals(fresh.totalKeys(), r.keys());
            assertTrue(progress.bytes.get() > 0 && progress.keys.get() >= fresh.totalKeys(), progress.toString());
            assertEquals(r.offset(), r.filter().horizon(), "a quiet table has no LSN beyond its offset");
            // Every string but the one in an overflow extent stays where its READ landed.
            assertEquals(fresh.totalKeys() - 1, Datasets.adoptedStrings(fresh), "strings adopted, not copied");
        }
    }

    @Test
    void withoutATableCopyDirectoryValuesAreCopiedOntoTheHeap() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults());
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults().withTableCopyDirectory(null))) {
            fill(primary, 2000);
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            replica.sync(request(primary, ""), fresh, new Counters());
            Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
            assertEquals(0, Datasets.adoptedStrings(fresh));
            assertTrue(replica.lastPhases().contains("adopted=no(no table copy directory)"), replica.lastPhases());
        }
    }

    @Test
    void tornSlotIsReadAgainUntilItSettles() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults());
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults())) {
            fill(primary, 500);
            long[] torn = tear(agent);
            replica.listener(new ReplicaAgent.PullListener() {
                @Override
                public void bulkDone(int tornSlots) {
                    assertEquals(1, tornSlots, "the slot made odd reads as torn");
                    try {
                        agent.withTable((w, region) -> {
                            LayoutBuffers.putLong(region.buffer(), (int) torn[0] + SlotDescriptor.VERSION_OFFSET, torn[1]);
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            replica.sync(request(primary, ""), fresh, new Counters());
            assertTrue(replica.lastTornReads() >= 1, "the torn slot was read again");
            Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
        }
    }

    @Test
    void slotThatNeverSettlesFailsThePullAndLoadsNothing() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults());
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults().withSlotRetries(20))) {
            fill(primary, 500);
            tear(agent);
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            IOException e = assertThrows(IOException.class, () -> replica.sync(request(primary, ""), fresh, new Counters()));
            assertTrue(e.getMessage().contains("never read consistently"), e.getMessage());
            assertEquals(0, fresh.totalKeys(), "a failed pull leaves nothing behind");
        }
    }

    @Test
    void epochChangeDuringThePullStartsItOver() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults());
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults())) {
            fill(primary, 1000);
            AtomicLong headers = new AtomicLong();
            replica.listener(new ReplicaAgent.PullListener() {
                @Override
                public void header(long epoch, long offset) {
                    if (headers.incrementAndGet() == 1) {
                        try {
                            agent.rebuildNow();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            replica.sync(request(primary, ""), fresh, new Counters());
            assertEquals(1, replica.lastRestarts());
            assertEquals(2, headers.get());
            Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
        }
    }

    @Test
    void wrongSecretIsRefused() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withSecret("right"));
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults())) {
            fill(primary, 10);
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            AcceleratedSync.Unavailable e = assertThrows(AcceleratedSync.Unavailable.class,
                () -> replica.sync(request(primary, "wrong"), fresh, new Counters()));
            assertTrue(e.getMessage().contains("wrong replication secret"), e.getMessage());
            assertEquals(0, fresh.totalKeys());
        }
    }

    @Test
    void primaryWithoutAgentIsUnavailable() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             ReplicaAgent replica = new ReplicaAgent(ReplicaAgentOptions.defaults())) {
            AcceleratedSync.Unavailable e = assertThrows(AcceleratedSync.Unavailable.class,
                () -> replica.sync(request(primary, ""), new Keyspace(16, new KeyspaceListener() { }), new Counters()));
            assertTrue(e.getMessage().contains("no usable agent"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"soft", "shm"})
    void wrongRkeyIsRefusedWithARemoteAccessError(String provider) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider(provider));
             RdmaDevice device = Providers.open(provider)) {
            fill(primary, 100);
            Descriptor d = DescriptorClient.fetch(request(primary, ""), 5000);
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            try (TablePuller puller = new TablePuller(device, d.withRkey(d.region().rkey() + 1), ReplicaAgentOptions.defaults())) {
                IOException e = assertThrows(IOException.class,
                    () -> puller.pull(new DatasetLoader(fresh, d.offset()), new TablePuller.Listener() { }));
                assertTrue(e.getMessage().contains("REM_ACCESS_ERR"), e.getMessage());
            }
            assertEquals(0, fresh.totalKeys());
        }
    }

    // ------------------------------------------------------------------ helpers

    static void fill(RkvTestServer s, int n) throws Exception {
        try (Jedis j = s.jedis()) {
            if (!s.server().config().getString("requirepass").isEmpty()) {
                j.auth(s.server().config().getString("requirepass"));
            }
            for (int i = 0; i < n; i++) {
                j.set("key:" + i, "v".repeat(i % 700) + i);
            }
            j.set("big", "B".repeat(100_000));
            j.pexpireAt("key:7", System.currentTimeMillis() + 3_600_000);
            j.select(2);
            j.set("other-db", "2");
            j.del("key:3");
        }
    }

    /** Makes one used slot's seqlock version odd, as a writer caught mid-write leaves it; returns {address, old version}. */
    static long[] tear(PrimaryAgent agent) throws Exception {
        return agent.withTable((w, region) -> {
            ByteBuffer b = region.buffer();
            TableGeometry g = w.geometry();
            for (int c = 0; c < g.classCount(); c++) {
                if (w.usedSlots(c) > 0) {
                    int at = (int) g.slotAddress(c, 0);
                    long version = LayoutBuffers.getLong(b, at + SlotDescriptor.VERSION_OFFSET);
                    LayoutBuffers.putLong(b, at + SlotDescriptor.VERSION_OFFSET, version + 1);
                    return new long[] {at, version};
                }
            }
            throw new IllegalStateException("no used slot");
        });
    }

    static AcceleratedSync.Request request(RkvTestServer primary, String password) {
        return new AcceleratedSync.Request("127.0.0.1", primary.port(), "", password, 16);
    }

    static java.util.Map<String, String> primaryDump(RkvTestServer s) throws Exception {
        return s.call(() -> Datasets.dump(s.server().context().keyspace()));
    }

    static long offset(RkvTestServer s) throws Exception {
        return s.call(() -> s.server().context().replication().offset());
    }

    static String replid(RkvTestServer s) throws Exception {
        return s.call(() -> s.server().context().replication().replId());
    }

    /** Progress counters. */
    static final class Counters implements AcceleratedSync.ProgressSink {
        final AtomicLong total = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong keys = new AtomicLong();

        @Override
        public void total(long b) {
            total.set(b);
        }

        @Override
        public void pulled(long b) {
            bytes.addAndGet(b);
        }

        @Override
        public void loaded(long k) {
            keys.addAndGet(k);
        }

        @Override
        public String toString() {
            return "total=" + total + " bytes=" + bytes + " keys=" + keys;
        }
    }
}
