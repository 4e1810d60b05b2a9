package dev.rkv.ha;

import dev.rkv.ha.SentinelSetup.Node;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

import java.nio.file.Files;
import java.util.List;

import static dev.rkv.ha.SentinelSetup.MASTER;
import static dev.rkv.ha.SentinelSetup.await;
import static dev.rkv.ha.SentinelSetup.follows;
import static dev.rkv.ha.SentinelSetup.replicasInSync;
import static dev.rkv.ha.SentinelSetup.stat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rkv managed by the stock redis-sentinel (Debian's 7.0) exactly as redis-server is: three
 * sentinels, an rkv primary and two rkv replicas, each a process of its own, and the two ways a
 * primary is lost: a crash (kill -9) and a partition (SIGSTOP, then SIGCONT).
 */
class SentinelFailoverIT {

    @Test
    void killedPrimaryIsReplacedWithoutLosingAcknowledgedWritesAndTheOtherReplicaContinuesPartially() throws Exception {
        try (SentinelSetup s = SentinelSetup.start()) {
            try {
                Node old = s.server("primary");
                List<Integer> acked;
                Node promoted;
                long partialBefore;
                long fullBefore;
                int lostAt;
                try (JedisSentinelPool pool = new JedisSentinelPool(MASTER, s.sentinelAddresses(),
                        new GenericObjectPoolConfig<>(), 5_000);
                     AckedWriter writer = new AckedWriter(pool)) {
                    await("200 acknowledged writes", () -> writer.acked().size() >= 200);
                    // The replicas have served no sync yet; whichever is promoted starts from these.
                    partialBefore = stat(s.server("replica1"), "sync_partial_ok") + stat(s.server("replica2"), "sync_partial_ok");
                    fullBefore = stat(s.server("replica1"), "sync_full") + stat(s.server("replica2"), "sync_full");
                    long killedAt = System.nanoTime();
                    old.process().kill9();
                    lostAt = writer.attempts();
                    await("the sentinels promote a replica", () -> s.primaryPortBySentinel() != old.port());
                    long promotedAt = System.nanoTime();
                    promoted = s.atPort(s.primaryPortBySentinel());
                    await("the pool's client goes on writing on the new primary: 100 more acknowledged writes",
                        () -> writer.acked().stream().filter(i -> i > lostAt).count() >= 100);
                    acked = writer.acked();
                    // A figure for the record, not an assertion (timing depends on the machine).
                    System.out.printf("%s: kill -9 -> sentinel names the new primary %d ms, -> first acknowledged write on it %d ms%n",
                        SentinelSetup.REFERENCE ? "redis-server" : "rkv", (promotedAt - killedAt) / 1_000_000,
                        (writer.firstAckAfter(lostAt) - killedAt) / 1_000_000);
                }
                Node follower = s.others(promoted).stream().filter(n -> n != old).findFirst().orElseThrow();
                await("the other replica follows the promoted one, in sync",
                    () -> follows(follower, promoted) && replicasInSync(promoted, 1));
                try (Jedis p = promoted.jedis(); Jedis f = follower.jedis()) {
                    for (int i : acked) {
                        assertEquals(AckedWriter.value(i), p.get(AckedWriter.key(i)), "acknowledged write " + i + " on the new primary");
                        assertEquals(AckedWriter.value(i), f.get(AckedWriter.key(i)), "acknowledged write " + i + " on the other replica");
                    }
                }
                assertTrue(stat(promoted, "sync_partial_ok") > partialBefore, "the follower continued with a partial resync");
                assertEquals(fullBefore, stat(promoted, "sync_full"), "no full sync after the failover");
                // Sentinel persisted the new roles with CONFIG REWRITE.
                assertFalse(Files.readString(promoted.conf()).contains("replicaof"), Files.readString(promoted.conf()));
                assertTrue(Files.readString(follower.conf()).contains("replicaof 127.0.0.1 " + promoted.port()),
                    Files.readString(follower.conf()));
            } catch (Exception | AssertionError e) {
                throw new AssertionError(e + "\n" + s.logs(), e);
            }
        }
    }

    @Test
    void primaryResumedAfterAPartitionComesBackAsAReplicaOfTheNewOne() throws Exception {
        // With passwords: the sentinels authenticate with auth-pass, the replicas with masterauth.
        try (SentinelSetup s = SentinelSetup.startWithPassword("s3cret")) {
            try {
                Node old = s.server("primary");
                try (Jedis j = old.jedis()) {
                    j.set("before", "partition");
                    assertEquals(2L, j.waitReplicas(2, 10_000));
                }
                old.process().pause();
                await("the sentinels promote a replica", () -> s.primaryPortBySentinel() != old.port());
                Node promoted = s.atPort(s.primaryPortBySentinel());
                try (Jedis p = promoted.jedis()) {
                    p.set("during", "partition");
                }
                old.process().resume();
                await("the old primary follows the new one", () -> follows(old, promoted));
                await("the old primary has the new primary's data", () -> {
                    try (Jedis j = old.jedis()) {
                        return "partition".equals(j.get("during"));
                    }
                });
                try (Jedis j = old.jedis()) {
                    assertEquals("partition", j.get("before"));
                    assertEquals("slave", j.role().get(0));
                }
                Node other = s.others(promoted).stream().filter(n -> n != old).findFirst().orElseThrow();
                await("every server follows the new primary", () -> follows(other, promoted) && replicasInSync(promoted, 2));
                assertTrue(Files.readString(old.conf()).contains("replicaof 127.0.0.1 " + promoted.port()),
                    "Sentinel's CONFIG REWRITE persisted the new role: " + Files.readString(old.conf()));
            } catch (Exception | AssertionError e) {
                throw new AssertionError(e + "\n" + s.logs(), e);
            }
        }
    }

    /**
     * SENTINEL FAILOVER with the primary alive: the sentinels promote a replica and turn the old
     * primary into its replica (REPLICAOF on a live primary that has replicas), and every server
     * ends with the same data.
     */
    @Test
    void sentinelFailoverCommandTurnsTheLivePrimaryIntoAReplica() throws Exception {
        try (SentinelSetup s = SentinelSetup.start()) {
            try {
                Node old = s.server("primary");
                try (Jedis j = old.jedis()) {
                    for (int i = 0; i < 100; i++) {
                        j.set(AckedWriter.key(i), AckedWriter.value(i));
                    }
                    assertEquals(2L, j.waitReplicas(2, 10_000));
                }
                s.sentinelFailover();
                await("the sentinels promote a replica", () -> s.primaryPortBySentinel() != old.port());
                Node promoted = s.atPort(s.primaryPortBySentinel());
                Node other = s.others(promoted).stream().filter(n -> n != old).findFirst().orElseThrow();
                await("both others follow the new primary, in sync",
                    () -> follows(old, promoted) && follows(other, promoted) && replicasInSync(promoted, 2));
                try (Jedis p = promoted.jedis()) {
                    p.set("after", "failover");
                    assertEquals(2L, p.waitReplicas(2, 10_000));
                }
                for (Node n : List.of(old, promoted, other)) {
                    try (Jedis j = n.jedis()) {
                        for (int i = 0; i < 100; i++) {
                            assertEquals(AckedWriter.value(i), j.get(AckedWriter.key(i)), n.name() + " key " + i);
                        }
                        assertEquals("failover", j.get("after"), n.name());
                    }
                }
                assertTrue(Files.readString(old.conf()).contains("replicaof 127.0.0.1 " + promoted.port()),
                    Files.readString(old.conf()));
                assertFalse(Files.readString(promoted.conf()).contains("replicaof"), Files.readString(promoted.conf()));
            } catch (Exception | AssertionError e) {
                throw new AssertionError(e + "\n" + s.logs(), e);
            }
        }
    }
}
