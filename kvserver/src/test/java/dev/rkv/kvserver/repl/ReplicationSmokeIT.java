package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static dev.rkv.kvserver.repl.ReplTesting.*;
import static dev.rkv.kvserver.testing.ReplicationChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

class ReplicationSmokeIT {
    private static String debugDigest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "DIGEST"), java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void replicaGetsDatasetAndStream() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync", "no", "--enable-debug-command", "local");
             Jedis p = jedis(primary)) {
            for (int i = 0; i < 1000; i++) {
                p.set("k" + i, "v" + i);
            }
            try (RkvTestServer replica = RkvTestServer.start(replicaOf(primary)[0], replicaOf(primary)[1],
                 replicaOf(primary)[2], "--enable-debug-command", "local"); Jedis r = jedis(replica)) {
                await("link up", () -> linkUp(replica));
                p.set("after", "sync");
                assertEquals(1L, p.waitReplicas(1, 5000));
                awaitConverged(primary, replica);
                assertEquals("sync", r.get("after"));
                assertEquals(1001, dbsize(replica));
                assertSameDataset(primary, replica);
                assertEquals(debugDigest(p), debugDigest(r));
                String pi = p.info("replication");
                assertTrue(pi.contains("role:master\r\nconnected_slaves:1\r\nslave0:ip=127.0.0.1,port="
                    + replica.port() + ",state=online,offset="), pi);
                assertTrue(pi.contains("repl_backlog_active:1\r\n"), pi);
                String ri = r.info("replication");
                assertTrue(ri.contains("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:" + primary.port()
                    + "\r\nmaster_link_status:up\r\n"), ri);
                assertTrue(ri.contains("master_sync_in_progress:0\r\n"), ri);
                assertTrue(ri.contains("master_repl_offset:" + offset(primary) + "\r\n"), ri);
                assertEquals(List.of("slave", "127.0.0.1", (long) primary.port(), "connected", offset(primary)), r.role());
                List<Object> role = p.role();
                assertEquals("master", role.get(0));
                assertEquals(offset(primary), role.get(1));
                // The primary's client on the replica: applying its stream must not age it (its
                // commands run with the expiry clock at 0, the idle time is wall-clock).
                String masterLine = r.clientList().lines().filter(l -> l.contains(" flags=M ")).findFirst().orElseThrow();
                long idle = Long.parseLong(masterLine.replaceAll(".* idle=(\\d+) .*", "$1"));
                assertTrue(idle < 600, masterLine);
            }
        }
    }
}
