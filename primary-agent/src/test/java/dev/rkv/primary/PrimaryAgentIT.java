package dev.rkv.primary;

import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.RdmaDevice;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent keeps a table equal to a live server's keyspace and serves its descriptor to holders of the secret. */
class PrimaryAgentIT {

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"soft", "shm"})
    void tableFollowsTheKeyspaceThroughWritesDeletesExpiryAndGrowth(String provider) throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis()) {
            for (int i = 0; i < 200; i++) {
                j.set("before:" + i, "v" + i);
            }
            try (PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withProvider(provider))) {
                for (int i = 0; i < 3000; i++) {
                    j.set("k:" + i, "x".repeat(i % 300));
                }
                j.select(3);
                j.set("in-db-3", "three");
                j.select(0);
                j.del("k:1", "k:2", "before:0");
                j.append("k:10", "-appended");
                j.pexpireAt("k:20", System.currentTimeMillis() + 3_600_000);
                j.set("big", "b".repeat(200_000));
                j.incr("counter");
                j.incr("counter");
                j.persist("k:20");
                j.expire("k:30", 1000);

                Map<String, Long> lsns = new HashMap<>();
                Map<String, String> table = TableDump.liveTable(agent, lsns);
                Map<String, String> keyspace = s.call(() -> TableDump.keyspace(s.server().context().keyspace()));
                assertEquals(keyspace, table);
                long offset = s.call(() -> s.server().context().replication().offset());
                assertTrue(lsns.values().stream().allMatch(l -> l <= offset), "an LSN beyond the replication offset");
                assertTrue(lsns.get("0/counter") > lsns.get("0/k:2999"), "a later write has a later LSN");
                assertEquals(offset, (long) agent.withTable((w, r) -> w.replicationOffset()));
                PrimaryAgent.Stats st = agent.stats();
                assertTrue(st.grows() > 0, "3000 keys into a table sized for 200 grow it: " + st);
                assertNull(st.unavailable());
            }
        }
    }

    @Test
    void everyTypeIsInTheTableAndABigCollectionCatchesUpWhenAReplicaAsks() throws Exception {
        try (RkvTestServer s = RkvTestServer.start("--requirepass", "pw"); Jedis j = s.jedis()) {
            j.auth("pw");
            try (PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withProvider("shm"))) {
                j.hset("h", Map.of("a", "1", "b", "2"));
                j.rpush("l", "x", "y", "x");
                j.sadd("s", "1", "2", "3");
                j.sadd("s2", "m", "n");
                j.zadd("z", Map.of("p", 1.5, "q", -2.0));
                j.pexpireAt("h", System.currentTimeMillis() + 3_600_000);
                assertSameRecords(keyspaceOf(s), tableOf(agent), "small collections go in at once");

                Map<String, String> fields = new HashMap<>();
                for (int i = 0; i < 3000; i++) {
                    fields.put("f" + i, "v" + i);
                }
                j.hset("big", fields);
                assertEquals(0, agent.stats().batchedCollections(), "a write of 3,000 fields pays for its own record");
                assertSameRecords(keyspaceOf(s), tableOf(agent), "the big hash as created");

                long offsetBefore = agent.withTable((w, r) -> w.replicationOffset());
                j.hset("big", "f0", "changed");
                j.hdel("big", "f1");
                j.set("after", "x");
                PrimaryAgent.Stats st = agent.stats();
                assertEquals(1, st.batchedCollections(), "the big hash waits for more writes: " + st);
                assertTrue(tableOf(agent).get("0/big").contains("f0=v0,"), "the table keeps the big hash's older record");
                assertTrue(tableOf(agent).containsKey("0/after"), "other keys go in at once");
                assertEquals(offsetBefore, (long) agent.withTable((w, r) -> w.replicationOffset()),
                    "the header's offset stays where every record was current");

                askForDescriptor(j);
                assertEquals(0, agent.stats().batchedCollections());
                assertSameRecords(keyspaceOf(s), tableOf(agent), "a replica's request made every record current");
                long offset = s.call(() -> s.server().context().replication().offset());
                assertEquals(offset, (long) agent.withTable((w, r) -> w.replicationOffset()));

                j.hset("big", "f0", "again");
                for (int i = 2; i < 3000 / BatchedRewrites.FRACTION + 1; i++) {
                    assertEquals(1, agent.stats().batchedCollections(), "still waiting before write " + i);
                    j.hset("big", "f" + i, "w");
                }
                assertEquals(0, agent.stats().batchedCollections(), "writes touching a quarter of its size rewrite it");
                assertSameRecords(keyspaceOf(s), tableOf(agent), "rewritten");
            }
        }
    }

    private static void askForDescriptor(Jedis j) {
        String d = SafeEncoder.encode((byte[]) j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", "pw"));
        assertTrue(d.contains("rkv-descriptor"), d);
    }

    private static Map<String, String> tableOf(PrimaryAgent agent) throws Exception {
        return TableDump.liveTable(agent);
    }

    private static Map<String, String> keyspaceOf(RkvTestServer s) throws Exception {
        return s.call(() -> TableDump.keyspace(s.server().context().keyspace()));
    }

    /** Equal maps, or a failure naming the keys that differ (not thousands of fields). */
    private static void assertSameRecords(Map<String, String> expected, Map<String, String> actual, String what) {
        java.util.Set<String> differing = new java.util.TreeSet<>(expected.keySet());
        differing.addAll(actual.keySet());
        differing.removeIf(k -> java.util.Objects.equals(expected.get(k), actual.get(k)));
        assertTrue(differing.isEmpty(), what + ": keys whose table record differs from the keyspace: " + differing);
    }

    /**
     * A table sized from a keyspace of one value size still has room in the other classes: a
     * write of a new size (a replica's first write once promoted) does not grow, that is copy,
     * the whole table.
     */
    @Test
    void aTableSizedFromTheKeyspaceTakesANewValueSizeWithoutGrowing() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis()) {
            redis.clients.jedis.Pipeline p = j.pipelined();
            for (int i = 0; i < 5_000; i++) {
                p.set("key:" + i, "x".repeat(1000));
            }
            p.sync();
            try (PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withProvider("shm"))) {
                j.set("failover:probe", "1");
                j.set("counter", "12345");
                j.set("medium", "m".repeat(200));
                PrimaryAgent.Stats st = agent.stats();
                assertEquals(0, st.grows(), "grown for a few keys of new sizes: " + st);
                assertEquals(5_003, st.keys());
            }
        }
    }

    @Test
    void descriptorNeedsTheSecretAndDefaultsToRequirepass() throws Exception {
        try (RkvTestServer s = RkvTestServer.start("--requirepass", "sesame"); Jedis j = s.jedis()) {
            j.auth("sesame");
            try (PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults())) {
                String d = SafeEncoder.encode((byte[]) j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", "sesame"));
                assertTrue(d.contains("provider=soft\n") && d.contains("port=" + agent.rdmaPort() + "\n"), d);
                JedisDataException wrong = assertThrows(JedisDataException.class,
                    () -> j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", "open"));
                assertTrue(wrong.getMessage().startsWith("NOPERM"), wrong.getMessage());
                assertThrows(JedisDataException.class, () -> j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR"));
                assertEquals(2, agent.stats().refusals());
            }
            JedisDataException gone = assertThrows(JedisDataException.class,
                () -> j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", "sesame"));
            assertTrue(gone.getMessage().contains("no agent"), gone.getMessage());
        }
    }

    @Test
    void anExplicitSecretReplacesRequirepass() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withSecret("agent-only"))) {
            assertThrows(JedisDataException.class, () -> j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", ""));
            String d = SafeEncoder.encode((byte[]) j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", "agent-only"));
            assertTrue(d.startsWith("rkv-descriptor=1\n"), d);
        }
    }

    @Test
    void flushallStartsANewEpochHoldingTheRest() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults())) {
            j.set("a", "1");
            long epoch = agent.stats().epoch();
            j.flushAll();
            j.set("b", "2");
            assertTrue(agent.stats().epoch() > epoch);
            Map<String, String> table = TableDump.liveTable(agent);
            assertEquals(Map.of("0/b", "2 @0"), table);
        }
    }

    @Test
    void invalidOptionsAreRefusedWithTheirLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PrimaryAgentOptions.defaults().withProvider("ib0").validate());
        assertTrue(e.getMessage().contains("provider must be one of"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PrimaryAgentOptions.defaults().withHeadroom(0.5).validate());
        assertTrue(e.getMessage().contains("headroom must be between 1.0 and 4.0, was 0.5"), e.getMessage());
    }

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"soft", "shm"})
    void listenerLimitsComeFromTheOptions(String provider) throws Exception {
        try (RkvTestServer s = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withProvider(provider)
                 .withDeviceProperty("listener.max-endpoints", "1"));
             RdmaDevice client = Providers.open(provider);
             CompletionQueue cq = client.createCompletionQueue(16)) {
            EndpointOptions opts = EndpointOptions.of(cq).withDepths(1, 1);
            try (Endpoint first = client.connect("127.0.0.1", agent.rdmaPort(), opts)) {
                RdmaConnectException full = assertThrows(RdmaConnectException.class,
                    () -> client.connect("127.0.0.1", agent.rdmaPort(), opts));
                assertTrue(full.getMessage().contains("endpoint limit of 1 reached"), full.getMessage());
            }
        }
    }

    @Test
    void badListenerLimitIsRefusedAtAttach() throws Exception {
        try (RkvTestServer s = RkvTestServer.start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrimaryAgent.attach(s.server(),
                PrimaryAgentOptions.defaults().withDeviceProperty("listener.max-handshakes", "0")));
            assertTrue(e.getMessage().contains("listener.max-handshakes"), e.getMessage());
        }
    }
}
