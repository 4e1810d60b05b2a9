package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.FakePrimary;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The link to the primary drops after MULTI and a queued command arrived but before EXEC: the
 * replica discards the half transaction, so its offset must not count it either. It resumes
 * with PSYNC from just before MULTI (Redis's reploff rule) and applies the whole transaction
 * when it comes again; counting it as it arrived made the replica ask for the bytes after the
 * queued command and lose it.
 */
class TransactionCutByLinkDropIT {
    private static final String BEFORE = "*3\r\n$3\r\nSET\r\n$6\r\nbefore\r\n$3\r\nyes\r\n";
    private static final String MULTI = "*1\r\n$5\r\nMULTI\r\n";
    private static final String QUEUED = "*3\r\n$3\r\nSET\r\n$2\r\ntx\r\n$4\r\ndone\r\n";
    private static final String EXEC = "*1\r\n$4\r\nEXEC\r\n";

    @Test
    void theReplicaResumesFromBeforeTheMultiAndAppliesTheWholeTransaction() throws Exception {
        byte[] rdb = HostilePrimaryIT.rdbWithOneKey();
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(("+FULLRESYNC " + HostilePrimaryIT.ID + " 0\r\n$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        cut.write(rdb);
        cut.write((BEFORE + MULTI + QUEUED).getBytes(StandardCharsets.US_ASCII));
        List<String[]> psyncs = new CopyOnWriteArrayList<>();
        try (FakePrimary primary = new FakePrimary((psync, out, in) -> {
            psyncs.add(psync);
            if (psyncs.size() == 1) {
                out.write(cut.toByteArray());
                return;
            }
            out.write(("+CONTINUE\r\n" + MULTI + QUEUED + EXEC).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (in.read() >= 0) {
                // the replica stays until the test ends
            }
        });
             RkvTestServer replica = RkvTestServer.start();
             Jedis j = replica.jedis()) {
            j.replicaof("127.0.0.1", primary.port());
            await("the replica came back after the cut", Duration.ofSeconds(20), () -> psyncs.size() >= 2);
            assertArrayEquals(new String[] {"PSYNC", HostilePrimaryIT.ID, Integer.toString(BEFORE.length() + 1)}, psyncs.get(1),
                "the second PSYNC asks for the bytes after the last command outside the transaction");
            await("the transaction applied", Duration.ofSeconds(20), () -> "done".equals(j.get("tx")));
            assertEquals("yes", j.get("before"));
            assertEquals("from the primary", j.get("fresh"));
        }
    }
}
