package dev.rkv.replica;

import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.kvserver.store.DatasetDigest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers for the replication ITs: polls, INFO replication fields, digests. */
final class Replicas {
    private Replicas() {
    }

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
        await(what, Duration.ofSeconds(30), condition);
    }

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

    /** Asserts equal datasets, naming the first differing keys when not. */
    static void assertSameDataset(RkvTestServer primary, RkvTestServer replica) {
        // Entries that expire while the two datasets are read may already be gone from one side
        // (the primary expires them and sends DEL in between): compare what is still alive 5 s
        // from now. The writers' long expiries (100 s and more) stay in the comparison.
        long now = System.currentTimeMillis() + 5_000;
        if (digest(primary, now).equals(digest(replica, now))) {
            return;
        }
        java.util.Map<String, String> p = live(primary, now);
        java.util.Map<String, String> r = live(replica, now);
        Datasets.assertSame(p, r, "replica on port " + replica.port());
    }

    private static java.util.Map<String, String> live(RkvTestServer s, long now) {
        java.util.Map<String, String> all = call(s, () -> Datasets.dump(s.server().context().keyspace()));
        all.values().removeIf(v -> {
            long at = Long.parseLong(v.substring(v.lastIndexOf(" @") + 2));
            return at != -1 && at <= now;
        });
        return all;
    }

    static <T> T call(RkvTestServer s, java.util.concurrent.Callable<T> task) {
        try {
            return s.call(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
