package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What redis-sentinel 7.0 sends a monitored server and reads from it, answered by rkv as by a
 * stock redis-server 7.0: the transaction that reconfigures a server, the options and INFO
 * fields it ranks replicas by, the address a replica announces, SCRIPT KILL.
 */
class SentinelCommandsIT {

    private static String reply(int port, String... argv) throws IOException {
        try (RawClient c = new RawClient(port)) {
            return c.command(argv).readReply();
        }
    }

    /**
     * Sentinel's sentinelSendSlaveOf: MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL TYPE normal,
     * CLIENT KILL TYPE pubsub, EXEC; each command is allowed in the transaction, and the rewritten
     * file holds the new role (a replicaof line, none once promoted).
     */
    private static List<String> reconfigure(int port, String host, String targetPort) throws IOException {
        try (RawClient c = new RawClient(port)) {
            c.command("MULTI").command("SLAVEOF", host, targetPort).command("CONFIG", "REWRITE")
                .command("CLIENT", "KILL", "TYPE", "normal").command("CLIENT", "KILL", "TYPE", "pubsub").command("EXEC");
            return c.readReplies(6);
        }
    }

    @Test
    void sentinelsReconfigurationTransactionRunsAndPersistsTheRoleAsRedis(@TempDir Path dir) throws Exception {
        Path rkvConf = dir.resolve("rkv.conf");
        Path redisConf = dir.resolve("redis.conf");
        Files.writeString(rkvConf, "# kept\nloglevel warning\n");
        Files.writeString(redisConf, "# kept\nloglevel warning\n");
        try (RkvTestServer target = RkvTestServer.start();
             RkvTestServer rkv = RkvTestServer.startWithConfigFile(rkvConf);
             RedisReference redis = RedisReference.startWithConfigFile(redisConf)) {
            String port = Integer.toString(target.port());
            List<String> fromRedis = reconfigure(redis.port(), "127.0.0.1", port);
            assertEquals(fromRedis, reconfigure(rkv.port(), "127.0.0.1", port));
            for (Path conf : List.of(rkvConf, redisConf)) {
                String text = Files.readString(conf);
                assertTrue(text.contains("\nreplicaof 127.0.0.1 " + port + "\n"), conf + ":\n" + text);
                assertTrue(text.startsWith("# kept\n"), text);
            }
            try (Jedis j = new Jedis("127.0.0.1", rkv.port())) {
                assertEquals(List.of("replicaof", "127.0.0.1 " + port), List.copyOf(flatten(j.configGet("replicaof"))));
            }
            assertEquals(reconfigure(redis.port(), "NO", "ONE"), reconfigure(rkv.port(), "NO", "ONE"));
            for (Path conf : List.of(rkvConf, redisConf)) {
                assertFalse(Files.readString(conf).contains("replicaof"), conf + ":\n" + Files.readString(conf));
            }
        }
    }

    private static List<String> flatten(Map<String, String> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out;
    }

    @Test
    void clientKillByTypeSparesTheCallerAndCountsAsRedis() throws Exception {
        try (RkvTestServer rkv = RkvTestServer.start(); RedisReference redis = RedisReference.start()) {
            for (String type : List.of("normal", "pubsub", "replica", "slave", "master")) {
                List<String> replies = new ArrayList<>();
                for (int port : new int[] {redis.port(), rkv.port()}) {
                    try (RawClient other = new RawClient(port); RawClient subscriber = new RawClient(port)) {
                        other.call("PING");
                        subscriber.command("SUBSCRIBE", "__sentinel__:hello").readReply();
                        replies.add(reply(port, "CLIENT", "KILL", "TYPE", type));
                    }
                }
                assertEquals(replies.get(0), replies.get(1), "CLIENT KILL TYPE " + type);
            }
            assertEquals(reply(redis.port(), "CLIENT", "KILL", "TYPE", "nosuch"), reply(rkv.port(), "CLIENT", "KILL", "TYPE", "nosuch"));
        }
    }

    @Test
    void scriptKillAndTheScriptCacheCommandsAnswerAsRedisWithNoScript() throws Exception {
        try (RkvTestServer rkv = RkvTestServer.start(); RedisReference redis = RedisReference.start()) {
            for (List<String> cmd : List.of(List.of("SCRIPT", "KILL"), List.of("SCRIPT", "FLUSH"),
                List.of("SCRIPT", "FLUSH", "ASYNC"), List.of("SCRIPT", "FLUSH", "SYNC"), List.of("SCRIPT", "FLUSH", "LATER"),
                List.of("SCRIPT", "EXISTS", "a", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"), List.of("SCRIPT", "EXISTS"),
                List.of("SCRIPT", "KILL", "now"), List.of("SCRIPT"))) {
                String[] argv = cmd.toArray(new String[0]);
                assertEquals(reply(redis.port(), argv), reply(rkv.port(), argv), String.join(" ", cmd));
            }
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", reply(rkv.port(), "SCRIPT", "KILL"));
        }
    }

    @Test
    void replicaOptionsReadAndSetAsRedis() throws Exception {
        try (RkvTestServer rkv = RkvTestServer.start(); RedisReference redis = RedisReference.start()) {
            List<List<String>> cmds = List.of(
                List.of("CONFIG", "GET", "replica-priority"), List.of("CONFIG", "GET", "slave-priority"),
                List.of("CONFIG", "GET", "replica-announced"), List.of("CONFIG", "GET", "replica-announce-ip"),
                List.of("CONFIG", "GET", "replica-announce-port"), List.of("CONFIG", "GET", "slave-announce-port"),
                List.of("CONFIG", "SET", "replica-priority", "-1"), List.of("CONFIG", "SET", "replica-announce-port", "70000"),
                List.of("CONFIG", "SET", "replica-announced", "maybe"),
                List.of("CONFIG", "SET", "slave-priority", "7"), List.of("CONFIG", "GET", "replica-priority"),
                List.of("CONFIG", "SET", "replica-announced", "no"), List.of("CONFIG", "GET", "replica-announced"));
            for (List<String> cmd : cmds) {
                String[] argv = cmd.toArray(new String[0]);
                assertEquals(reply(redis.port(), argv), reply(rkv.port(), argv), String.join(" ", cmd));
            }
        }
    }

    /**
     * A replica's INFO replication, the way Sentinel parses it (sentinelRefreshInstanceInfo): every
     * field it reads is there, with the values the options give.
     */
    @Test
    void replicaInfoHasEveryFieldSentinelReadsWithTheConfiguredValues() throws Exception {
        try (RkvTestServer primary = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer replica = RkvTestServer.start("--replica-priority", "42", "--replica-announced", "no",
                 "--replicaof", "127.0.0.1", Integer.toString(primary.port()));
             RedisReference redisPrimary = RedisReference.start("--repl-diskless-sync-delay", "0");
             RedisReference redisReplica = RedisReference.start("--replica-priority", "42", "--replica-announced", "no",
                 "--replicaof", "127.0.0.1", Integer.toString(redisPrimary.port()));
             Jedis r = replica.jedis(); Jedis rr = redisReplica.jedis()) {
            await("both replicas linked", () -> r.info("replication").contains("master_link_status:up")
                && rr.info("replication").contains("master_link_status:up"));
            Map<String, String> rkvInfo = fields(r.info("replication"));
            Map<String, String> redisInfo = fields(rr.info("replication"));
            for (String f : List.of("role", "master_host", "master_link_status", "slave_priority", "replica_announced",
                "slave_read_only", "connected_slaves", "master_failover_state")) {
                assertEquals(redisInfo.get(f), rkvInfo.get(f), f);
            }
            for (String f : List.of("master_port", "slave_repl_offset", "master_replid", "master_repl_offset",
                "master_last_io_seconds_ago", "master_sync_in_progress")) {
                assertNotNull(rkvInfo.get(f), f);
            }
            Map<String, String> server = fields(r.info("server"));
            assertEquals(40, server.get("run_id").length());
            assertEquals(Integer.toString(replica.port()), server.get("tcp_port"));
        }
    }

    /** replica-announce-ip/port reach the primary's INFO and ROLE through REPLCONF, between rkv and Redis both ways. */
    @Test
    void announcedAddressIsWhatThePrimaryReports() throws Exception {
        String[] announce = {"--replica-announce-ip", "10.1.2.3", "--replica-announce-port", "4567"};
        try (RkvTestServer rkvPrimary = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RedisReference redisPrimary = RedisReference.start("--repl-diskless-sync-delay", "0")) {
            List<String> replicaOfRkv = new ArrayList<>(List.of(announce));
            replicaOfRkv.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(rkvPrimary.port())));
            List<String> replicaOfRedis = new ArrayList<>(List.of(announce));
            replicaOfRedis.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(redisPrimary.port())));
            try (RkvTestServer a = RkvTestServer.start(replicaOfRedis.toArray(new String[0]));
                 RedisReference b = RedisReference.start(replicaOfRkv.toArray(new String[0]));
                 Jedis p = rkvPrimary.jedis(); Jedis rp = redisPrimary.jedis()) {
                await("rkv primary lists the redis replica online", () -> p.info("replication").contains("state=online"));
                await("redis primary lists the rkv replica online", () -> rp.info("replication").contains("state=online"));
                for (Jedis j : List.of(p, rp)) {
                    String slave0 = fields(j.info("replication")).get("slave0");
                    assertTrue(slave0.startsWith("ip=10.1.2.3,port=4567,state=online,"), slave0);
                    List<Object> role = j.role();
                    assertEquals(List.of("10.1.2.3", "4567"), ((List<?>) ((List<?>) role.get(2)).get(0)).subList(0, 2).stream()
                        .map(o -> o instanceof byte[] bytes ? new String(bytes) : o.toString()).toList());
                }
            }
            String tooLong = "x".repeat(256);
            assertEquals(reply(redisPrimary.port(), "REPLCONF", "ip-address", tooLong),
                reply(rkvPrimary.port(), "REPLCONF", "ip-address", tooLong));
        }
    }

    private static Map<String, String> fields(String info) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return m;
    }
}
