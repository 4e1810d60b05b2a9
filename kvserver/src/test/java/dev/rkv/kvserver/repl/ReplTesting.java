package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.testing.RkvTestServer;
import redis.clients.jedis.Jedis;

import static dev.rkv.kvserver.testing.ReplicationChecks.await;
import static dev.rkv.kvserver.testing.ReplicationChecks.linkUp;
import static dev.rkv.kvserver.testing.ReplicationChecks.offset;

/** Helpers of the classic replication ITs beyond {@link dev.rkv.kvserver.testing.ReplicationChecks}. */
final class ReplTesting {
    private ReplTesting() {
    }

    static String[] replicaOf(RkvTestServer primary) {
        return new String[] {"--replicaof", "127.0.0.1", Integer.toString(primary.port())};
    }

    /** Waits until every replica's link is up and its offset equals the primary's. */
    static void awaitConverged(RkvTestServer primary, RkvTestServer... replicas) throws InterruptedException {
        for (RkvTestServer r : replicas) {
            await("replica on port " + r.port() + " reaches the primary's offset", () ->
                linkUp(r) && offset(r) == offset(primary));
        }
    }

    static Jedis jedis(RkvTestServer s) {
        return s.jedis();
    }
}
