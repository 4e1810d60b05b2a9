package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.info;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FAILOVER (Redis 6.2+) on rkv: its errors and states against redis-server 7.0, the write pause,
 * ABORT and TIMEOUT, and a failover under a write load that loses no acknowledged write.
 */
class FailoverIT {

    private static String reply(int port, String... argv) throws IOException {
        try (RawClient c = new RawClient(port)) {
            return c.command(argv).readReply();
        }
    }

    private static void same(int redisPort, int rkvPort, String... argv) throws IOException {
        assertEquals(reply(redisPort, argv), reply(rkvPort, argv), String.join(" ", argv));
    }

    @Test
    void errorsWithoutReplicasAndOnReplicasMatchRedis() throws Exception {
        try (RedisReference redis = RedisReference.start(); RkvTestServer rkv = RkvTestServer.start()) {
            for (List<String> cmd : List.of(List.of("FAILOVER"), List.of("FAILOVER", "ABORT"),
                List.of("FAILOVER", "TIMEOUT", "0"), List.of("FAILOVER", "TIMEOUT", "-5"), List.of("FAILOVER", "TIMEOUT", "x"),
                List.of("FAILOVER", "TIMEOUT"), List.of("FAILOVER", "TO", "127.0.0.1"), List.of("FAILOVER", "TO", "h", "port"),
                List.of("FAILOVER", "FORCE"), List.of("FAILOVER", "FORCE", "FORCE"), List.of("FAILOVER", "nonsense"),
                List.of("FAILOVER", "ABORT", "TIMEOUT", "5"), List.of("FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6"),
                List.of("FAILOVER", "TO", "127.0.0.1", "1", "TIMEOUT", "100", "FORCE"),
                List.of("PSYNC", "?", "-1", "FAILOVER"))) {
                same(redis.port(), rkv.port(), cmd.toArray(new String[0]));
            }
            int deadPort = RedisReference.freePort();
            try (Jedis r = redis.jedis(); Jedis k = rkv.jedis()) {
                r.replicaof("127.0.0.1", deadPort);
                k.replicaof("127.0.0.1", deadPort);
                try {
                    same(redis.port(), rkv.port(), "FAILOVER");
                    same(redis.port(), rkv.port(), "FAILOVER", "ABORT");
                    same(redis.port(), rkv.port(), "PSYNC", "0123456789012345678901234567890123456789", "1", "FAILOVER");
                } finally {
                    r.replicaofNoOne();
                    k.replicaofNoOne();
                }
            }
        }
    }

    /**
     * A replica that never acknowledges (a raw connection that did the replica handshake) keeps
     * a FAILOVER waiting for it: the states, the errors while it waits, the held write, ABORT and
     * a TIMEOUT without FORCE, each as redis-server 7.0 answers them.
     */
    @Test
    void aFailoverWaitingForItsTargetHoldsWritesAndEndsWithAbortOrTimeoutAsRedis() throws Exception {
        try (RedisReference redis = RedisReference.start("--repl-diskless-sync-delay", "0");
             RkvTestServer rkv = RkvTestServer.start("--repl-diskless-sync-delay", "0")) {
            List<List<String>> answers = new ArrayList<>();
            for (int port : new int[] {redis.port(), rkv.port()}) {
                answers.add(waitingFailover(port));
            }
            assertEquals(answers.get(0), answers.get(1));
        }
    }

    private static List<String> waitingFailover(int port) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawClient fake = new RawClient(port); RawClient admin = new RawClient(port); RawClient writer = new RawClient(port);
             Jedis j = new Jedis("127.0.0.1", port)) {
            fake.call("REPLCONF", "listening-port", "50001");
            fake.command("PSYNC", "?", "-1");
            await("the silent replica is online", () -> j.info("replication").contains("port=50001,state=online"));
            out.add(admin.call("SET", "before", "1"));
            out.add(admin.call("FAILOVER", "TO", "127.0.0.1", "50002"));
            out.add(admin.call("FAILOVER", "TO", "127.0.0.1", "50001", "TIMEOUT", "60000"));
            out.add(field(j.info("replication"), "master_failover_state"));
            out.add(admin.call("FAILOVER"));
            out.add(admin.call("REPLICAOF", "NO", "ONE"));
            out.add(admin.call("GET", "before"));
            writer.command("SET", "held", "1");
            out.add("held write silent: " + writer.silentFor(300));
            out.add(admin.call("FAILOVER", "ABORT"));
            out.add(writer.readReply());
            out.add(field(j.info("replication"), "master_failover_state"));
            out.add(admin.call("FAILOVER", "TIMEOUT", "300"));
            await("the failover timed out", () -> "no-failover".equals(field(j.info("replication"), "master_failover_state")));
            out.add(admin.call("FAILOVER", "ABORT"));
            out.add(admin.call("SET", "after", "1"));
        }
        return out;
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    /**
     * FAILOVER while a client writes: writes held during the handover then meet a replica
     * (-READONLY); every write answered OK before is on the new primary, on the old one (its
     * replica now, continued partially) and on the other replica.
     */
    @Test
    void failoverUnderAWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        try (RkvTestServer a = RkvTestServer.start("--repl-diskless-sync-delay", "0");
             RkvTestServer b = RkvTestServer.start("--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                 Integer.toString(a.port()));
             RkvTestServer c = RkvTestServer.start("--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                 Integer.toString(a.port()));
             Jedis ja = a.jedis(); Jedis jb = b.jedis()) {
            await("both replicas in sync", () -> linkUp(b) && linkUp(c) && offset(b) == offset(a) && offset(c) == offset(a));
            List<Integer> acked = new CopyOnWriteArrayList<>();
            AtomicBoolean refused = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try (Jedis w = a.jedis()) {
                    for (int i = 0; ; i++) {
                        try {
                            if ("OK".equals(w.set("key:" + i, "value-" + i))) {
                                acked.add(i);
                            }
                        } catch (JedisDataException e) {
                            refused.set(e.getMessage().startsWith("READONLY"));
                            return;
                        }
                    }
                }
            }, "failover-writer");
            writer.start();
            await("writes flow", () -> acked.size() >= 500);
            assertEquals("OK", ja.failover(redis.clients.jedis.params.FailoverParams.failoverParams()
                .to("127.0.0.1", b.port()).timeout(20_000)));
            writer.join(30_000);
            assertTrue(refused.get(), "the writer met the demoted primary");
            await("the old primary follows the new one", () -> linkUp(a) && "master".equals(jb.role().get(0)));
            await("everyone caught up", () -> offset(a) == offset(b) && linkUp(c) && offset(c) == offset(b));
            for (RkvTestServer s : List.of(a, b, c)) {
                try (Jedis j = s.jedis()) {
                    for (int i : acked) {
                        assertEquals("value-" + i, j.get("key:" + i), "acknowledged write " + i + " on port " + s.port());
                    }
                }
            }
            assertEquals("no-failover", info(a, "master_failover_state"));
            assertEquals(Integer.toString(b.port()), info(a, "master_port"));
            assertEquals("0", field(jb.info("stats"), "sync_full"), "the old primary continued partially");
            assertTrue(Long.parseLong(field(jb.info("stats"), "sync_partial_ok")) >= 1);
        }
    }
}
