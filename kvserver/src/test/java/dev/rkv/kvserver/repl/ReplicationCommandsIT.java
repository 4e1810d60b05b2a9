package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.ReplicationChecks;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.util.List;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Replies of the replication commands, byte for byte against a stock redis-server 7.0. */
class ReplicationCommandsIT {
    private static RedisReference redis;
    private static RkvTestServer rkv;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisReference.start();
        rkv = RkvTestServer.start();
    }

    @AfterAll
    static void stop() {
        rkv.close();
        redis.close();
    }

    private static String reply(int port, String... argv) throws IOException {
        try (RawClient c = new RawClient(port)) {
            return c.command(argv).readReply();
        }
    }

    private static void same(String... argv) throws IOException {
        assertEquals(reply(redis.port(), argv), reply(rkv.port(), argv), String.join(" ", argv));
    }

    private static void setConfig(String name, String value) {
        ReplicationChecks.call(rkv, () -> {
            rkv.server().config().set(name, value);
            return null;
        });
    }

    @Test
    void errorsMatchRedis() throws IOException {
        for (List<String> cmd : List.of(
            List.of("REPLICAOF", "127.0.0.1", "notaport"),
            List.of("REPLICAOF", "127.0.0.1", "70000"),
            List.of("REPLICAOF", "127.0.0.1", "-1"),
            List.of("SLAVEOF", "a"),
            List.of("REPLCONF", "foo", "bar"),
            List.of("REPLCONF", "listening-port"),
            List.of("REPLCONF", "listening-port", "x"),
            List.of("WAIT", "0", "-1"),
            List.of("WAIT", "x", "0"),
            List.of("WAIT", "1", "abc"),
            List.of("PSYNC", "?", "notanumber"),
            List.of("PSYNC", "?"),
            List.of("ROLE", "extra"))) {
            same(cmd.toArray(new String[0]));
        }
    }

    @Test
    void masterRepliesMatchRedis() throws IOException {
        same("ROLE");
        same("WAIT", "0", "0");
        same("WAIT", "1", "1");
        same("REPLICAOF", "NO", "ONE");
        same("REPLCONF", "listening-port", "1234", "capa", "eof", "capa", "psync2");
        same("REPLCONF");
        for (int port : new int[] {redis.port(), rkv.port()}) {
            try (RawClient c = new RawClient(port)) {
                assertEquals("+PONG\r\n", c.command("REPLCONF", "ACK", "5").command("PING").readReply(),
                    "REPLCONF ACK from a client that is not a replica gets no reply");
            }
        }
    }

    @Test
    void replicaRefusesWritesAndWait() throws Exception {
        int deadPort = RedisReference.freePort();
        try (Jedis r = redis.jedis(); Jedis k = rkv.jedis()) {
            r.replicaof("127.0.0.1", deadPort);
            k.replicaof("127.0.0.1", deadPort);
            try {
                same("SET", "k", "v");
                same("INCR", "n");
                same("WAIT", "1", "0");
                same("GET", "k");
                same("REPLICAOF", "127.0.0.1", Integer.toString(deadPort));
                same("PSYNC", "?", "-1");
                await("rkv ROLE shows the master", () -> k.role().get(0).equals("slave"));
                assertEquals(r.role().subList(0, 3), k.role().subList(0, 3));
                assertEquals(-1L, k.role().get(4));
                for (Jedis j : List.of(r, k)) {
                    j.configSet("replica-serve-stale-data", "no");
                }
                same("GET", "k");
                same("ROLE");
                for (Jedis j : List.of(r, k)) {
                    j.configSet("replica-serve-stale-data", "yes");
                }
                setConfig("replica-read-only", "no");
                assertEquals("OK", k.set("local", "write"));
                setConfig("replica-read-only", "yes");
            } finally {
                r.replicaofNoOne();
                k.replicaofNoOne();
            }
            same("ROLE");
        }
    }
}
