package dev.rkv.replica;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.call;
import static dev.rkv.kvserver.testing.ReplicationChecks.digest;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica that adopted its primary's table keeps pulled strings where the READs put them:
 * every command that reads a string (GET, GETRANGE, STRLEN, LCS, OBJECT ENCODING, DUMP, SAVE,
 * INCR ...) answers exactly as the primary does, and writes through the stream replace adopted
 * values without disturbing their neighbours.
 */
class AdoptedStringsIT {
    /** String shapes whose encoding or reply path differs: integers, embstr's limit, binary, empty. */
    private static final List<byte[]> VALUES = List.of(
        "".getBytes(), "0".getBytes(), "-9223372036854775808".getBytes(), "12345678901234567890".getBytes(), "007".getBytes(),
        "x".repeat(44).getBytes(), "y".repeat(45).getBytes(), "z".repeat(1000).getBytes(), new byte[] {0, '\r', '\n', (byte) 0xFF, 1});

    @ParameterizedTest(name = "provider {0}, table copy {1}")
    @CsvSource({"soft,direct", "shm,direct", "soft,staged", "shm,staged"})
    void adoptedStringsAnswerExactlyAsThePrimarys(String provider, String copyMode, @TempDir Path dir) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider(provider));
             RkvTestServer replica = RkvTestServer.start("--dir", dir.toString());
             ReplicaAgent replicaAgent = ReplicaAgent.attach(replica.server(), ReplicaAgentOptions.defaults().withProvider(provider))) {
            if (copyMode.equals("staged")) {
                // As on a system without fallocate: READs land in staging and each range is written into the copy.
                replicaAgent.tableCopyFiles(UnreservedCopies.opener());
            }
            List<String> keys = new ArrayList<>();
            try (Jedis p = primary.jedis()) {
                for (int i = 0; i < VALUES.size(); i++) {
                    for (int copy = 0; copy < 3; copy++) {
                        String k = "s" + i + ":" + copy;
                        p.set(k.getBytes(), VALUES.get(i));
                        keys.add(k);
                    }
                }
                p.pexpireAt("s7:1", System.currentTimeMillis() + 3_600_000);
            }
            try (Jedis r = replica.jedis()) {
                r.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
            }
            await("replica synced", () -> linkUp(replica) && offset(replica) == offset(primary));
            assertTrue(replicaAgent.completedSyncs() >= 1, "pulled over RDMA");
            long adopted = call(replica, () -> Datasets.adoptedStrings(replica.server().context().keyspace()));
            assertEquals(keys.size(), adopted, "every pulled string stays in the adopted table");
            try (Jedis r = replica.jedis()) {
                String info = r.info("accelerator");
                assertTrue(info.contains("replica_agent_provider:" + provider), info);
                long copyBytes = Long.parseLong(info.replaceAll("(?s).*replica_agent_last_pull_table_copy_bytes:(\\d+).*", "$1"));
                assertTrue(copyBytes > 0, "the memory the strings live in is reported: " + info);
                assertTrue(info.contains("replica_agent_last_pull_phases_ms:descriptor="), info);
                // direct: the READs landed in the registered mappings of the table copy; staged: they were copied there.
                assertTrue(info.contains("replica_agent_last_pull_table_copy_mode:" + copyMode), info);
                assertTrue(info.contains("copy=" + copyMode), info);
                assertTrue(r.info().indexOf("# Accelerator") < 0, "not in the default sections");
            }

            try (Jedis p = primary.jedis(); Jedis r = replica.jedis()) {
                assertSameReplies(p, r, keys);
                // Writes through the stream replace adopted values; the keys around them keep theirs.
                p.append("s7:0", "tail");
                p.incr("s1:0");
                p.setrange("s8:0", 2, "ab");
                p.del("s5:0");
                p.set("s6:0", "short now");
                assertEquals(1, p.waitReplicas(1, 10_000));
                assertSameReplies(p, r, keys);
                assertEquals("OK", r.save());
            }
            assertSameDataset(primary, replica);
            String replicaDigest = digest(replica, System.currentTimeMillis());
            try (RkvTestServer reloaded = RkvTestServer.start("--dir", dir.toString())) {
                assertEquals(replicaDigest, digest(reloaded, System.currentTimeMillis()), "the RDB a replica saves from adopted strings");
            }
        }
    }

    private static void assertSameReplies(Jedis p, Jedis r, List<String> keys) {
        for (String k : keys) {
            for (String[] cmd : new String[][] {{"GET", k}, {"STRLEN", k}, {"GETRANGE", k, "2", "10"}, {"GETRANGE", k, "-3", "-1"},
                {"OBJECT", "ENCODING", k}, {"DUMP", k}, {"TYPE", k}, {"SUBSTR", k, "0", "0"}, {"LCS", k, "s7:0"},
                {"MGET", k, "s0:0", "missing"}, {"PEXPIRETIME", k}}) {
                Object want = send(p, cmd);
                Object got = send(r, cmd);
                assertEquals(render(want), render(got), () -> String.join(" ", cmd));
            }
        }
    }

    private static Object send(Jedis j, String[] cmd) {
        String[] args = Arrays.copyOfRange(cmd, 1, cmd.length);
        try {
            return j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(cmd[0]), args);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return "ERR:" + e.getMessage();
        }
    }

    private static String render(Object o) {
        if (o instanceof byte[] b) {
            return Arrays.toString(b);
        }
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object x : l) {
                sb.append(render(x)).append(',');
            }
            return sb.append(']').toString();
        }
        return String.valueOf(o);
    }
}
