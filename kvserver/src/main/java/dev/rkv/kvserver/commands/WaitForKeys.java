package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.BlockedClients;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** What the blocking commands share: their timeout argument, and waiting on keys until served or timed out. */
final class WaitForKeys {
    private WaitForKeys() {
    }

    /** What a waiter does once a key it waits for holds a value of its type: reply and propagate; false if it could not. */
    @FunctionalInterface
    interface Serve {
        boolean serve(Client c, byte[] key, Entry entry);
    }

    /** What {@link #serveFirst} found. */
    enum Found { SERVED, WRONGTYPE, NONE }

    /**
     * Serves from the first of {@code keys} that holds a value (in the order given, as Redis
     * scans them): WRONGTYPE replied when that value is of another type, NONE when all are empty.
     */
    static Found serveFirst(Client c, List<byte[]> keys, ValueType type, Serve serve) {
        for (byte[] k : keys) {
            Entry e = c.db().lookupForWrite(Args.key(k), c.server().nowMs());
            if (e == null) {
                continue;
            }
            if (Args.wrongType(c, e, type)) {
                return Found.WRONGTYPE;
            }
            serve.serve(c, k, e);
            return Found.SERVED;
        }
        return Found.NONE;
    }

    /**
     * A blocking pop: serves at once from the first non-empty key, else (outside EXEC, where
     * nothing may block and a null array is the answer) waits for one.
     */
    static void serveOrBlock(Client c, List<byte[]> keys, long deadline, ValueType type, Serve serve) {
        if (serveFirst(c, keys, type, serve) != Found.NONE) {
            return;
        }
        if (c.executingTransaction()) {
            c.out().nullArray();
            return;
        }
        block(c, keys, deadline, type, serve);
    }

    /**
     * Blocks {@code c} on {@code keys} of its current database until one of them holds a
     * {@code type} value that {@code serve} takes, or until {@code deadline} (0: never), when it
     * gets a null array, as every list and sorted-set wait does in Redis 7.0.
     */
    static void block(Client c, List<byte[]> keys, long deadline, ValueType type, Serve serve) {
        int db = c.dbIndex();
        List<Key> waitKeys = new ArrayList<>(keys.size());
        keys.forEach(k -> waitKeys.add(Args.key(k)));
        c.server().blocked().block(c, db, waitKeys, deadline, new BlockedClients.Blocker() {
            @Override
            public boolean tryServe(Client w, Key readyKey) {
                Entry e = w.server().keyspace().db(db).lookup(readyKey, w.server().nowMs());
                if (e == null || e.type() != type) {
                    return false;
                }
                boolean[] served = {false};
                withDb(w, db, () -> served[0] = serve.serve(w, readyKey.bytes(), w.db().lookupForWrite(readyKey, w.server().nowMs())));
                return served[0];
            }

            @Override
            public void timedOut(Client w) {
                w.out().nullArray();
            }
        });
    }

    /** A blocking command's deadline in ms (0: wait forever), or null after replying Redis's error. */
    static Long parseOrReply(Client c, byte[] arg) {
        LongDouble.Parsed p = LongDouble.parse(arg);
        if (p.kind() != LongDouble.Kind.FINITE) {
            c.out().error("ERR timeout is not a float or out of range");
            return null;
        }
        // Redis: (long long)(seconds * 1000), truncated; a product beyond the range of a long long
        // converts to LLONG_MIN on x86, which Redis then reports as negative.
        BigDecimal ms = p.value().multiply(BigDecimal.valueOf(1000));
        long whole = ms.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MIN_VALUE : ms.longValue();
        if (whole < 0) {
            c.out().error("ERR timeout is negative");
            return null;
        }
        long now = c.server().nowMs();
        if (whole > Long.MAX_VALUE - now) {
            c.out().error("ERR timeout is out of range");
            return null;
        }
        return whole == 0 ? 0 : now + whole;
    }

    /** Runs {@code r} with {@code db} selected for {@code c}: a waiter is served in the database it blocked in. */
    private static void withDb(Client c, int db, Runnable r) {
        int before = c.dbIndex();
        if (before == db) {
            r.run();
            return;
        }
        c.select(db);
        try {
            r.run();
        } finally {
            c.select(before);
        }
    }
}
