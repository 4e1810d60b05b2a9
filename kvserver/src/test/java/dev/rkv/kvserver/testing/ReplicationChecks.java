package dev.rkv.kvserver.testing;

import dev.rkv.kvserver.store.DatasetDigest;
import dev.rkv.kvserver.store.KeySlot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Checks shared by every replication IT (classic in kvserver, accelerated in the agents):
 * condition polls, INFO replication fields and offsets read on the server's own event loop, and
 * dataset comparison by digest with a readable difference when it fails.
 */
public final class ReplicationChecks {
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private ReplicationChecks() {
    }

    /** Polls until the condition holds; fails with {@code what} after {@code max}. */
    public static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max + " waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, DEFAULT_WAIT, condition);
    }

    /** One field of INFO replication, read through the server's own Replication (no INFO command needed). */
    public static String info(RkvTestServer s, String field) {
        String section = call(s, () -> s.server().context().replication().infoSection());
        for (String line : section.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equals(field)) {
                return line.substring(colon + 1);
            }
        }
        return null;
    }

    public static boolean linkUp(RkvTestServer replica) {
        return "up".equals(info(replica, "master_link_status")) && "0".equals(info(replica, "master_sync_in_progress"));
    }

    public static long offset(RkvTestServer s) {
        return call(s, () -> s.server().context().replication().offset());
    }

    public static String digest(RkvTestServer s, long nowMs) {
        return call(s, () -> DatasetDigest.of(s.server().context().keyspace(), nowMs));
    }

    public static long dbsize(RkvTestServer s) {
        return call(s, () -> s.server().context().keyspace().totalKeys());
    }

    /** Every entry alive at {@code nowMs} as "db/key" -> "value @expiry", for readable differences. */
    public static Map<String, String> dump(RkvTestServer s, long nowMs) {
        return call(s, () -> {
            Map<String, String> out = new TreeMap<>();
            var ks = s.server().context().keyspace();
            for (int i = 0; i < ks.count(); i++) {
                var db = ks.db(i);
                int dbi = i;
                for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
                    db.forEachInSlot(slot, nowMs, (k, e) -> out.put(dbi + "/" + new String(k.bytes(),
                        StandardCharsets.ISO_8859_1), (e.value() instanceof byte[] b
                        ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(e.value())) + " @" + e.expireAtMs()));
                }
            }
            return out;
        });
    }

    /** Asserts the replica holds exactly the primary's data, naming the first differences when not. */
    public static void assertSameDataset(RkvTestServer primary, RkvTestServer replica) {
        // Entries that expire while the two datasets are read may already be gone from one side
        // (the primary expires them and sends DEL in between): compare what is still alive 5 s
        // from now. Writers' long expiries (100 s and more) stay in the comparison.
        long now = System.currentTimeMillis() + 5_000;
        if (digest(primary, now).equals(digest(replica, now))) {
            return;
        }
        Map<String, String> pm = dump(primary, now);
        Map<String, String> rm = dump(replica, now);
        StringBuilder diff = new StringBuilder();
        Set<String> keys = new TreeSet<>(pm.keySet());
        keys.addAll(rm.keySet());
        int shown = 0;
        for (String k : keys) {
            if (!Objects.equals(pm.get(k), rm.get(k)) && shown++ < 10) {
                diff.append("\n  ").append(k).append(": primary=").append(abbreviate(pm.get(k))).append(" replica=")
                    .append(abbreviate(rm.get(k)));
            }
        }
        throw new AssertionError("replica on port " + replica.port() + " differs from the primary (" + pm.size()
            + " vs " + rm.size() + " keys):" + diff);
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 60) + "...(" + s.length() + ")";
    }

    /** Runs a task on the server's event loop; failures become unchecked. */
    public static <T> T call(RkvTestServer s, Callable<T> task) {
        try {
            return s.call(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
