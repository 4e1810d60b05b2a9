package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;

/** Lookups and expiry rules shared by the string, key and expire families (Redis's db.c helpers). */
final class KeyAccess {
    static final byte[] DEL = Args.bytes("DEL");
    static final byte[] SET = Args.bytes("SET");
    static final byte[] PXAT = Args.bytes("PXAT");
    static final byte[] KEEPTTL = Args.bytes("KEEPTTL");
    static final byte[] PEXPIREAT = Args.bytes("PEXPIREAT");
    static final byte[] PERSIST = Args.bytes("PERSIST");

    private KeyAccess() {
    }

    /**
     * Looks a key up for reading without touching its access time (Redis's LOOKUP_NOTOUCH, used by
     * TYPE, EXISTS, TTL): expires it lazily, counts a keyspace hit or miss and reports a miss as a
     * "keymiss" keyspace event.
     */
    static Entry lookupNoTouch(Client c, Key key) {
        Entry e = lookupQuietly(c, key);
        if (e == null) {
            KeyspaceNotify.event(c, KeyspaceEventClasses.KEY_MISS, "keymiss", key.bytes());
        }
        return e;
    }

    /**
     * As {@link #lookupNoTouch} but a miss is no keyspace event (LOOKUP_NONOTIFY too, as OBJECT
     * looks keys up): inspecting a key is not using it.
     */
    static Entry lookupQuietly(Client c, Key key) {
        Entry e = c.db().lookup(key, c.server().nowMs());
        if (e == null) {
            c.server().stats().keyspaceMisses++;
        } else {
            c.server().stats().keyspaceHits++;
        }
        return e;
    }

    /** Whether this server owns expiry: a replica waits for its primary's DEL instead. */
    static boolean isPrimary(ServerContext server) {
        return "master".equals(server.role());
    }

    /**
     * Redis's checkAlreadyExpired: an absolute expiry at or before now deletes the key at once on
     * a primary (the write is then propagated as DEL); a replica stores it and waits.
     */
    static boolean alreadyExpired(Client c, long whenMs, long nowMs) {
        return whenMs <= nowMs && isPrimary(c.server());
    }

    /** Deletes a key a command gave an expiry in the past, propagating DEL (a "del" event, not "expired"). */
    static void deleteExpiredNow(Client c, Key key, long nowMs) {
        c.db().remove(key, nowMs);
        KeyspaceNotify.generic(c, "del", key.bytes());
        c.server().propagate(c.dbIndex(), DEL, key.bytes());
    }

    /**
     * Whether an argument names an option, ignoring case, the way Redis's strcasecmp sees it: as a
     * C string, so only the bytes before a NUL count ("nx\0junk" is NX).
     */
    static boolean isOption(byte[] arg, String option) {
        return Args.is(cString(arg), option);
    }

    /** The bytes before the first NUL, as C string functions (and Redis's %s) see an argument. */
    static byte[] cString(byte[] arg) {
        for (int i = 0; i < arg.length; i++) {
            if (arg[i] == 0) {
                return java.util.Arrays.copyOf(arg, i);
            }
        }
        return arg;
    }

    /**
     * Replies an error that ends with an argument's bytes as they are (not re-encoded), cut at a
     * NUL as %s does and with CR and LF turned into spaces as Redis's addReplyError does.
     */
    static void errorEchoing(Client c, String prefix, byte[] arg) {
        byte[] text = cString(arg);
        byte[] head = Args.bytes("-" + prefix);
        byte[] reply = new byte[head.length + text.length + 2];
        System.arraycopy(head, 0, reply, 0, head.length);
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            reply[head.length + i] = b == '\r' || b == '\n' ? (byte) ' ' : b;
        }
        reply[reply.length - 2] = '\r';
        reply[reply.length - 1] = '\n';
        c.out().raw(reply);
    }

    /**
     * A zeroed array for a string a command builds (APPEND, SETRANGE), or null after replying
     * -OOM when the heap cannot hold it: the size is the client's to choose (up to
     * proto-max-bulk-len), and running out of heap must fail the command, not the event loop.
     */
    static byte[] allocateOrReply(Client c, int length) {
        try {
            return new byte[length];
        } catch (OutOfMemoryError e) {
            c.out().raw(Replies.OOM);
            return null;
        }
    }

    /** Redis's addReplyErrorExpireTime. */
    static void invalidExpireTime(Client c, String command) {
        c.out().error("ERR invalid expire time in '" + command + "' command");
    }

    /** The expiry an overwrite keeps: the old one with KEEPTTL semantics, else none. */
    static long keptExpiry(Entry old) {
        return old == null ? Entry.NO_EXPIRY : old.expireAtMs();
    }
}
