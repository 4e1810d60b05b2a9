package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code repl-diskless-load} on a replica, each mode against redis-server 7.0: whether the full
 * sync went through a file (which then is the replica's dump.rdb, as Redis renames it) or was
 * loaded from the socket, and that the replica ends with exactly the primary's data.
 */
class DisklessLoadIT {

    /** What a replica shows after a full sync: its data and whether its dir holds a dump.rdb. */
    private static List<String> syncWith(Jedis primary, int primaryPort, Jedis replica, boolean replicaHadData) throws Exception {
        primary.set("from-primary", "1");
        if (replicaHadData) {
            replica.set("replica-own", "x");
        }
        Path dir = Path.of(replica.configGet("dir").get("dir"));
        replica.replicaof("127.0.0.1", primaryPort);
        await("replica in sync", () -> replica.info("replication").contains("master_link_status:up")
            && "1".equals(replica.get("from-primary")));
        List<String> out = new ArrayList<>();
        out.add("dump.rdb after the sync: " + Files.exists(dir.resolve("dump.rdb")));
        out.add("replica-own: " + replica.get("replica-own"));
        out.add("keys: " + replica.dbSize());
        try (var files = Files.list(dir)) {
            out.add("temp files left: " + files.filter(f -> f.getFileName().toString().startsWith("temp-")).count());
        }
        return out;
    }

    private static void sameAsRedis(String mode, boolean replicaHadData, Supplier<List<String>> expectation) throws Exception {
        List<List<String>> seen = new ArrayList<>();
        try (RedisReference p = RedisReference.start("--repl-diskless-sync-delay", "0");
             RedisReference r = RedisReference.start("--repl-diskless-load", mode);
             Jedis jp = p.jedis(); Jedis jr = r.jedis()) {
            seen.add(syncWith(jp, p.port(), jr, replicaHadData));
        }
        try (RkvTestServer p = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer r = RkvTestServer.start("--repl-diskless-load", mode);
             Jedis jp = p.jedis(); Jedis jr = r.jedis()) {
            seen.add(syncWith(jp, p.port(), jr, replicaHadData));
        }
        assertEquals(seen.get(0), seen.get(1), "repl-diskless-load " + mode + (replicaHadData ? " over data" : " empty"));
        assertEquals(expectation.get(), seen.get(1));
    }

    @Test
    void disabledLoadsThroughAFileThatBecomesTheDump() throws Exception {
        sameAsRedis("disabled", true, () -> List.of("dump.rdb after the sync: true", "replica-own: null", "keys: 1",
            "temp files left: 0"));
    }

    @Test
    void onEmptyDbLoadsFromTheSocketIntoAnEmptyReplica() throws Exception {
        sameAsRedis("on-empty-db", false, () -> List.of("dump.rdb after the sync: false", "replica-own: null", "keys: 1",
            "temp files left: 0"));
    }

    @Test
    void onEmptyDbLoadsThroughAFileOverExistingData() throws Exception {
        sameAsRedis("on-empty-db", true, () -> List.of("dump.rdb after the sync: true", "replica-own: null", "keys: 1",
            "temp files left: 0"));
    }

    @Test
    void swapdbLoadsFromTheSocketOverExistingData() throws Exception {
        sameAsRedis("swapdb", true, () -> List.of("dump.rdb after the sync: false", "replica-own: null", "keys: 1",
            "temp files left: 0"));
    }
}
