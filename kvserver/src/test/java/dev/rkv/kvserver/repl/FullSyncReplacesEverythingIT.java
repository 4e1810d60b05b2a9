package dev.rkv.kvserver.repl;

import static dev.rkv.kvserver.testing.ReplicationChecks.assertSameDataset;
import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rkv.kvserver.testing.RkvTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

/**
 * The invariant of every full sync (classic here, disk or diskless, the replica empty, holding
 * its own keys, or started from its own RDB): afterwards the replica holds exactly the primary's
 * data and nothing of what it had before, also keys of the same name with other values or TTLs.
 */
class FullSyncReplacesEverythingIT {
    @TempDir
    Path replicaDir;

    private static void load(Jedis j, String prefix, int keys, String value) {
        Pipeline p = j.pipelined();
        for (int db = 0; db < 3; db++) {
            p.select(db);
            for (int i = 0; i < keys; i++) {
                if (i % 7 == 0) {
                    p.set(prefix + i, value + i, SetParams.setParams().ex(3600 + i));
                } else {
                    p.set(prefix + i, value + i);
                }
            }
        }
        p.select(0);
        p.sync();
    }

    @ParameterizedTest(name = "diskless sync {0}, replica before: {1}")
    @CsvSource({
        "yes, empty", "no, empty",
        "yes, own keys", "no, own keys",
        "yes, same keys other values", "no, same keys other values",
        "yes, own RDB", "no, own RDB"})
    void theReplicaEqualsThePrimaryAndNothingOfBefore(String diskless, String before) throws Exception {
        List<String> replicaOptions = new ArrayList<>(List.of("--dir", replicaDir.toString()));
        if (before.equals("own RDB")) {
            try (RkvTestServer writer = RkvTestServer.start("--dir", replicaDir.toString()); Jedis j = writer.jedis()) {
                load(j, "from-rdb:", 500, "stale");
                j.save();
            }
        }
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start(replicaOptions.toArray(new String[0]));
             Jedis p = primary.jedis(); Jedis r = replica.jedis()) {
            load(p, "key:", 2_000, "primary-");
            switch (before) {
                case "own keys" -> load(r, "mine:", 700, "replica-");
                case "same keys other values" -> {
                    load(r, "key:", 2_500, "replica-");
                    r.set("key:1", "no ttl on the replica");
                    r.expire("key:2", 100_000);
                }
                case "own RDB" -> assertEquals(500, r.dbSize(), "the replica started from its RDB");
                default -> { }
            }
            r.replicaof("127.0.0.1", primary.port());
            await("link up", () -> linkUp(replica) && offset(replica) == offset(primary));
            assertSameDataset(primary, replica);
            for (int db = 0; db < 3; db++) {
                p.select(db);
                r.select(db);
                assertEquals(p.dbSize(), r.dbSize(), "db " + db);
            }
            r.select(0);
            assertNull(r.get("mine:1"));
            assertNull(r.get("from-rdb:1"));
            assertEquals("primary-1", r.get("key:1"));
            assertEquals(-1, r.ttl("key:2"), "a TTL the replica had is gone with its dataset");
        }
    }
}
