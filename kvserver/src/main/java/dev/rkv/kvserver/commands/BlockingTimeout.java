package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;
import java.math.BigDecimal;

/** What the blocking commands share: their timeout argument, and serving a waiter in its own database. */
final class BlockingTimeout {
    private BlockingTimeout() {
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
    static void withDb(Client c, int db, Runnable r) {
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
