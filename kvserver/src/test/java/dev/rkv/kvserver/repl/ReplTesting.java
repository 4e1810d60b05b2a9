package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.store.DatasetDigest;
import dev.rkv.kvserver.testing.RkvTestServer;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers shared by the replication ITs: condition polls, INFO fields, digests. */
final class ReplTesting {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private ReplTesting() {
    }

    /** Polls until the condition holds; fails with {@code what} after {@code max}. */
    static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max + " waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, DEFAULT_WAIT, condition);
    }

    /** One field of INFO replication, read through the server's own Replication (no INFO command needed). */
    static String info(RkvTestServer s, String field) {
        String section = call(s, () -> s.server().context().replication().infoSection());
        for (String line : section.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equals(field)) {
                return line.substring(colon + 1);
            }
        }
        return null;
    }

    static boolean linkUp(RkvTestServer replica) {
        return "up".equals(info(replica, "master_link_status")) && "0".equals(info(replica, "master_sync_in_progress"));
    }

    static long offset(RkvTestServer s) {
        return call(s, () -> s.server().context().replication().offset());
    }

    static String digest(RkvTestServer s, long nowMs) {
        return call(s, () -> DatasetDigest.of(s.server().context().keyspace(), nowMs));
    }

    /** Every live entry as "db/key" -> "value @expiry", for readable differences. */
    static java.util.Map<String, String> dump(RkvTestServer s, long nowMs) {
        return call(s, () -> {
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            var ks = s.server().context().keyspace();
            for (int i = 0; i < ks.count(); i++) {
                var db = ks.db(i);
                for (int slot = 0; slot < dev.rkv.kvserver.store.KeySlot.SLOTS; slot++) {
                    int dbi = i;
                    db.forEachInSlot(slot, nowMs, (k, e) -> out.put(dbi + "/" + new String(k.bytes(),
                        java.nio.charset.StandardCharsets.ISO_8859_1), (e.value() instanceof byte[] b
                        ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : String.valueOf(e.value()))
                        + " @" + e.expireAtMs()));
                }
            }
            return out;
        });
    }

    /** Asserts the replica holds exactly the primary's data, naming the first differences when not. */
    static void assertSameDataset(RkvTestServer primary, RkvTestServer replica) {
        // Entries that expire while the two datasets are read may already be gone from one side
        // (the primary expires them and sends DEL in between): compare what is still alive 5 s
        // from now. The writers' long expiries (100 s and more) stay in the comparison.
        long now = System.currentTimeMillis() + 5_000;
        String a = digest(primary, now);
        String b = digest(replica, now);
        if (a.equals(b)) {
            return;
        }
        java.util.Map<String, String> pm = dump(primary, now);
        java.util.Map<String, String> rm = dump(replica, now);
        StringBuilder diff = new StringBuilder();
        java.util.Set<String> keys = new java.util.TreeSet<>(pm.keySet());
        keys.addAll(rm.keySet());
        int shown = 0;
        for (String k : keys) {
            if (!java.util.Objects.equals(pm.get(k), rm.get(k)) && shown++ < 10) {
                diff.append("\n  ").append(k).append(": primary=").append(pm.get(k)).append(" replica=")
                    .append(rm.get(k));
            }
        }
        throw new AssertionError("replica on port " + replica.port() + " differs from the primary (" + pm.size()
            + " vs " + rm.size() + " keys):" + diff);
    }

    static long dbsize(RkvTestServer s) {
        return call(s, () -> s.server().context().keyspace().totalKeys());
    }

    static <T> T call(RkvTestServer s, java.util.concurrent.Callable<T> task) {
        try {
            return s.server().call(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String[] replicaOf(RkvTestServer primary) {
        return new String[] {"--replicaof", "127.0.0.1", Integer.toString(primary.port())};
    }

    /** Waits until every replica's link is up and its offset equals the primary's, then compares digests. */
    static void awaitConverged(RkvTestServer primary, RkvTestServer... replicas) throws InterruptedException {
        for (RkvTestServer r : replicas) {
            await("replica on port " + r.port() + " reaches the primary's offset", () ->
                linkUp(r) && offset(r) == offset(primary));
        }
    }

    static Jedis jedis(RkvTestServer s) {
        return new Jedis("127.0.0.1", s.port(), 10_000);
    }
}
