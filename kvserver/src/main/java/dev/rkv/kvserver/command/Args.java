package dev.rkv.kvserver.command;

import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.util.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * "Parse or reply" helpers in the manner of Redis's getLongLongFromObjectOrReply: on bad input
 * they write the error reply and return null, so a handler just returns.
 */
public final class Args {
    private Args() {
    }

    /** A signed 64-bit integer, or replies "value is not an integer or out of range". */
    public static Long longOrReply(Client c, byte[] arg) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null) {
            c.out().raw(Replies.NOT_INTEGER);
        }
        return v;
    }

    /**
     * The two integers of {@code LIMIT offset count} (SORT, ZRANGE...), or null after replying the
     * error for the first that is not one.
     */
    public static long[] limitOrReply(Client c, byte[] offset, byte[] count) {
        Long o = longOrReply(c, offset);
        if (o == null) {
            return null;
        }
        Long n = longOrReply(c, count);
        return n == null ? null : new long[] {o, n};
    }

    /** A signed integer, or replies with {@code error} (without the "ERR " prefix). */
    public static Long longOrReply(Client c, byte[] arg, String error) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null) {
            c.out().error("ERR " + error);
        }
        return v;
    }

    /** An integer in [min, max], or replies with Redis's range error. */
    public static Long rangeOrReply(Client c, byte[] arg, long min, long max, String error) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null || v < min || v > max) {
            c.out().error("ERR " + (error != null ? error : "value is out of range, must be between " + min + " and " + max));
            return null;
        }
        return v;
    }

    /** Writes WRONGTYPE and returns true when an existing entry is not of {@code type}. */
    public static boolean wrongType(Client c, Entry e, ValueType type) {
        if (e != null && e.type() != type) {
            c.out().raw(Replies.WRONGTYPE);
            return true;
        }
        return false;
    }

    /**
     * Looks a key up for reading: expires it lazily, counts keyspace hits/misses, touches it, and
     * reports a miss as a "keymiss" keyspace event (Redis's lookupKeyRead).
     */
    public static Entry lookupRead(Client c, Key key) {
        long now = c.server().nowMs();
        Entry e = c.db().lookup(key, now);
        if (e == null) {
            c.server().stats().keyspaceMisses++;
            c.server().keyspaceEvents().notify(KeyspaceEventClasses.KEY_MISS, "keymiss", key.bytes(), c.dbIndex());
        } else {
            c.server().stats().keyspaceHits++;
            e.touch(now);
        }
        return e;
    }

    /** Looks a key up for writing: expires it lazily, no statistics. */
    public static Entry lookupWrite(Client c, Key key) {
        return c.db().lookup(key, c.server().nowMs());
    }

    public static Key key(byte[] arg) {
        return new Key(arg);
    }

    /** The argument as a lower-case ASCII word, for option names (EX, NX, MATCH ...). */
    public static String word(byte[] arg) {
        return new String(arg, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    /** The argument's bytes one char each, for echoing it in an error reply byte for byte. */
    public static String latin1(byte[] arg) {
        return new String(arg, StandardCharsets.ISO_8859_1);
    }

    public static String string(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the argument equals an option name, ignoring ASCII case. */
    public static boolean is(byte[] arg, String option) {
        if (arg.length != option.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int a = arg[i];
            if (a >= 'A' && a <= 'Z') {
                a += 32;
            }
            int b = option.charAt(i);
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (a != b) {
                return false;
            }
        }
        return true;
    }
}
