package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code min-replicas-to-write} / {@code min-replicas-max-lag} (and the min-slaves-* names) against redis-server 7.0. */
class MinReplicasIT {

    private static final List<List<String>> PROBE = List.of(
        List.of("SET", "k", "v"), List.of("GET", "k"), List.of("INCR", "n"), List.of("PING"),
        List.of("PUBLISH", "ch", "m"), List.of("MULTI"), List.of("SET", "k", "in-multi"), List.of("GET", "k"), List.of("EXEC"),
        List.of("MULTI"), List.of("GET", "k"), List.of("EXEC"));

    /** The replies to {@link #PROBE} on one connection, and the INFO line Redis adds. */
    private static List<String> probe(int port) throws IOException {
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            for (List<String> cmd : PROBE) {
                out.add(c.call(cmd.toArray(new String[0])));
            }
            String info = c.call("INFO", "replication");
            for (String line : info.split("\r\n")) {
                if (line.startsWith("min_slaves_good_slaves")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    @Test
    void writesAreRefusedWithoutEnoughReplicasAsRedis() throws Exception {
        try (RedisReference redis = RedisReference.start(); RkvTestServer rkv = RkvTestServer.start();
             RawClient r = new RawClient(redis.port()); RawClient k = new RawClient(rkv.port())) {
            assertEquals(probe(redis.port()), probe(rkv.port()), "not configured");
            for (List<String> set : List.of(List.of("CONFIG", "SET", "min-replicas-to-write", "1"),
                List.of("CONFIG", "SET", "min-slaves-max-lag", "-1"))) {
                String[] argv = set.toArray(new String[0]);
                assertEquals(r.call(argv), k.call(argv), String.join(" ", set));
            }
            try (Jedis jr = redis.jedis(); Jedis jk = rkv.jedis()) {
                // Both names of both options, in whatever order each server's table holds them.
                assertEquals(new TreeMap<>(jr.configGet("min-*")), new TreeMap<>(jk.configGet("min-*")));
            }
            List<String> refused = probe(redis.port());
            assertEquals(refused, probe(rkv.port()), "one replica wanted, none there");
            assertEquals("-NOREPLICAS Not enough good replicas to write.\r\n", refused.get(0));
            for (String[] set : new String[][] {{"CONFIG", "SET", "min-slaves-max-lag", "0"}}) {
                assertEquals(r.call(set), k.call(set));
            }
            assertEquals(probe(redis.port()), probe(rkv.port()), "a lag of 0 turns the check off");
        }
    }

    @Test
    void aReplicaThatStopsAcknowledgingStopsCountingAsRedis() throws Exception {
        try (RedisReference redis = RedisReference.start("--repl-diskless-sync-delay", "0");
             RkvTestServer rkv = RkvTestServer.start("--repl-diskless-sync-delay", "0")) {
            List<List<String>> seen = new ArrayList<>();
            for (int port : new int[] {redis.port(), rkv.port()}) {
                try (RawClient fake = new RawClient(port); RawClient c = new RawClient(port)) {
                    c.call("CONFIG", "SET", "min-replicas-to-write", "1");
                    c.call("CONFIG", "SET", "min-replicas-max-lag", "1");
                    List<String> out = new ArrayList<>();
                    out.add(c.call("SET", "k", "before"));
                    // A replica that did the handshake and then never sends REPLCONF ACK.
                    fake.call("REPLCONF", "listening-port", "50001");
                    fake.command("PSYNC", "?", "-1");
                    await("the silent replica counts", () -> call(c, "SET", "k", "v").equals("+OK\r\n"));
                    await("its acknowledgement grows too old", () -> call(c, "SET", "k", "v").startsWith("-NOREPLICAS"));
                    out.add(call(c, "SET", "k", "after"));
                    out.add(call(c, "GET", "k"));
                    seen.add(out);
                }
            }
            assertEquals(seen.get(0), seen.get(1));
        }
    }

    private static String call(RawClient c, String... argv) {
        try {
            return c.call(argv);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
