package dev.rkv.primary;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.rdma.Providers;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table cannot grow (its new region cannot be registered, or the JVM is out of direct
 * memory): the server's writes still succeed, the old table keeps serving, the failure is
 * logged once and counted, replicas are sent to the classic sync meanwhile, and once
 * allocations succeed again the table catches up with every write made meanwhile.
 */
class TableGrowFailureIT {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"registration error", "out of direct memory"})
    void writesGoOnWhileTheTableCannotGrowAndAreMirroredOnceItCan(String failure, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        FlakyAllocationDevice device = new FlakyAllocationDevice(Providers.open("soft"));
        try (RkvTestServer s = RkvTestServer.start("--logfile", log.toString()); Jedis j = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults(), device)) {
            j.configSet("loglevel", "notice");
            j.set("before", "1");
            long epoch = agent.stats().epoch();
            if (failure.startsWith("registration")) {
                device.failWithRegistrationError();
            } else {
                device.failWithOutOfMemory();
            }
            for (int i = 0; i < 2000; i++) {
                assertEquals("OK", j.set("during:" + i, "x".repeat(i % 300)), "write " + i + " while the table cannot grow");
            }
            assertTrue(device.refused() >= 1, "the writes needed a bigger table");
            PrimaryAgent.Stats failed = agent.stats();
            assertTrue(failed.growFailures() >= 1, failed.toString());
            assertEquals(epoch, failed.epoch(), "the old table keeps serving");
            assertNotNull(failed.unavailable(), "replicas are not sent to a table that is behind");
            JedisDataException refused = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                () -> j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", ""));
            assertTrue(refused.getMessage().contains("could not grow"), refused.getMessage());

            device.heal();
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (int i = 0; agent.stats().unavailable() != null; i++) {
                assertTrue(System.nanoTime() < deadline, "the table never caught up: " + agent.stats());
                j.set("after:" + i, "y".repeat(i % 500));
                Thread.sleep(20);
            }
            j.del("during:5");
            Map<String, String> table = TableDump.liveTable(agent);
            Map<String, String> keyspace = s.call(() -> TableDump.keyspace(s.server().context().keyspace()));
            assertEquals(keyspace, table, "every write made while the table could not grow is in it now");
            long offset = s.call(() -> s.server().context().replication().offset());
            assertEquals(offset, (long) agent.withTable((w, r) -> w.replicationOffset()));
            PrimaryAgent.Stats healed = agent.stats();
            assertTrue(healed.grows() >= 1 && healed.epoch() > epoch, healed.toString());
            assertNull(healed.unavailable());
            String d = SafeEncoder.encode((byte[]) j.sendCommand(() -> SafeEncoder.encode("RKVSYNC"), "DESCRIPTOR", ""));
            assertTrue(d.startsWith("rkv-descriptor=1\n"), d);

            String lines = Files.readString(log);
            assertEquals(1, count(lines, "growing the table failed"), "the failure is logged once:\n" + lines);
            assertEquals(1, count(lines, "table caught up"), "and its end once:\n" + lines);
        }
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }
}
