package dev.rkv.kvserver.repl;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rkv.kvserver.persist.RdbAux;
import dev.rkv.kvserver.persist.RdbWriter;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.testing.FakePrimary;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * A replica of a broken or hostile primary (classic sync): whatever the primary answers to
 * PSYNC, the replica logs it, keeps its dataset, serves reads, shows the failure in INFO and
 * tries again later. Before, a non-numeric offset in +FULLRESYNC ended the link thread for good.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePrimaryIT {
    static final String ID = "0123456789abcdef0123456789abcdef01234567";
    private static final int OLD_KEYS = 100;
    /** First retry after 1 s, the next after 2 s: the second attempt comes well within this. */
    private static final Duration RETRIED = Duration.ofSeconds(15);

    private RkvTestServer replica;

    @BeforeAll
    void start() {
        replica = RkvTestServer.start("--repl-timeout", "1");
        try (Jedis j = replica.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < OLD_KEYS; i++) {
                p.set("old:" + i, "value:" + i);
            }
            p.sync();
        }
    }

    @AfterAll
    void stop() {
        replica.close();
    }

    static Stream<Arguments> hostileAnswers() {
        return Stream.of(
            arguments("offset not a number", "+FULLRESYNC " + ID + " notanumber\r\n", "offset 'notanumber'"),
            arguments("offset beyond a long", "+FULLRESYNC " + ID + " 99999999999999999999\r\n", "is not a non-negative number"),
            arguments("negative offset", "+FULLRESYNC " + ID + " -1\r\n", "is not a non-negative number"),
            arguments("short replication id", "+FULLRESYNC abc 0\r\n", "replication id"),
            arguments("FULLRESYNC without fields", "+FULLRESYNC\r\n", "expected +FULLRESYNC"),
            arguments("RDB length not a number", "+FULLRESYNC " + ID + " 0\r\n$abc\r\n", "bad RDB length"),
            arguments("RDB length negative", "+FULLRESYNC " + ID + " 0\r\n$-5\r\n", "bad RDB length"),
            arguments("RDB header missing", "+FULLRESYNC " + ID + " 0\r\n+OK\r\n", "bad RDB header"),
            arguments("truncated RDB", "+FULLRESYNC " + ID + " 0\r\n$100\r\nREDIS0009", null),
            arguments("RDB length of a terabyte, then close", "+FULLRESYNC " + ID + " 0\r\n$1000000000000\r\nREDIS0009\u00fa", null),
            arguments("EOF-marked garbage", "+FULLRESYNC " + ID + " 0\r\n$EOF:" + "x".repeat(40) + "\r\n" + "garbage".repeat(50), null),
            arguments("CONTINUE, then close", "+CONTINUE\r\n", null),
            arguments("error to PSYNC", "-ERR go away\r\n", "unexpected reply to PSYNC"),
            arguments("binary junk without a line end", "\u0000\u00ff\u0001junk", null),
            arguments("a line longer than 64 KiB", "+" + "x".repeat(70_000), "longer than 64 KiB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void theReplicaKeepsItsDataServesReadsAndRetries(String what, String answer, String expectedError) throws Exception {
        try (FakePrimary primary = new FakePrimary(FakePrimary.writeAndClose(answer))) {
            attackedBy(primary, expectedError);
        }
    }

    @Test
    void aStallDuringTheTransferTimesOutAndRetries() throws Exception {
        try (FakePrimary primary = new FakePrimary(FakePrimary.writeAndStall("+FULLRESYNC " + ID + " 0\r\n$1000000\r\nREDIS"))) {
            attackedBy(primary, "timed out");
        }
    }

    @Test
    void afterFailuresAGoodSyncReplacesTheOldDataEntirely() throws Exception {
        try (FakePrimary primary = new FakePrimary(FakePrimary.writeAndClose("+FULLRESYNC " + ID + " x\r\n"))) {
            attackedBy(primary, "offset 'x'");
            byte[] rdb = rdbWithOneKey();
            ByteArrayOutputStream good = new ByteArrayOutputStream();
            good.write(("+FULLRESYNC " + ID + " 0\r\n$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            good.write(rdb);
            primary.answer(FakePrimary.writeAndStall(good.toString(StandardCharsets.ISO_8859_1)));
            try (Jedis j = replica.jedis()) {
                j.replicaof("127.0.0.1", primary.port());
                try {
                    await("the good sync installed", RETRIED, () -> j.dbSize() == 1);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; last link error: " + info(replica, "master_link_last_error"), e);
                }
                assertEquals("from the primary", j.get("fresh"));
                assertEquals(null, j.get("old:1"), "nothing of the old dataset is left");
            }
        } finally {
            try (Jedis j = replica.jedis()) {
                j.replicaofNoOne();
                j.flushAll();
                Pipeline p = j.pipelined();
                for (int i = 0; i < OLD_KEYS; i++) {
                    p.set("old:" + i, "value:" + i);
                }
                p.sync();
            }
        }
    }

    private void attackedBy(FakePrimary primary, String expectedError) throws Exception {
        try (Jedis j = replica.jedis()) {
            j.replicaof("127.0.0.1", primary.port());
            try {
                await("a second sync attempt", RETRIED, () -> primary.psyncs() >= 2);
                assertEquals(OLD_KEYS, j.dbSize(), "the dataset is kept");
                assertEquals("value:7", j.get("old:7"), "reads are served");
                assertEquals("down", info(replica, "master_link_status"));
                assertTrue(Long.parseLong(info(replica, "master_link_failures")) >= 1);
                String error = info(replica, "master_link_last_error");
                assertNotNull(error);
                if (expectedError != null) {
                    assertTrue(error.contains(expectedError), error);
                }
            } finally {
                j.replicaofNoOne();
            }
        }
    }

    static byte[] rdbWithOneKey() throws IOException {
        Keyspace ks = new Keyspace(16, new KeyspaceListener() { });
        long now = System.currentTimeMillis();
        ks.db(0).put(new Key("fresh".getBytes(StandardCharsets.US_ASCII)),
            Entry.string("from the primary".getBytes(StandardCharsets.US_ASCII), Entry.NO_EXPIRY, now));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RdbWriter(true).write(ks.snapshot(), new RdbAux(ID, 0), out, now);
        return out.toByteArray();
    }
}
