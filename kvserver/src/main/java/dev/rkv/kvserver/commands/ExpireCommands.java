package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.util.Numbers;

import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * Expiry commands (expire.c): EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME
 * PERSIST. Every expiry is stored and propagated as an absolute time in ms ({@code PEXPIREAT});
 * one already in the past deletes the key on a primary and propagates {@code DEL}.
 */
public final class ExpireCommands {
    private static final int NX = 1;
    private static final int XX = 1 << 1;
    private static final int GT = 1 << 2;
    private static final int LT = 1 << 3;

    private ExpireCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("expire", -3).flags(WRITE, FAST).keys(1, 1, 1)
            .summary("Set a key's time to live in seconds")
            .handler((c, argv) -> expireGeneric(c, argv, c.server().nowMs(), true, "expire")).build());
        t.register(command("pexpire", -3).flags(WRITE, FAST).keys(1, 1, 1).since("2.6.0")
            .summary("Set a key's time to live in milliseconds")
            .handler((c, argv) -> expireGeneric(c, argv, c.server().nowMs(), false, "pexpire")).build());
        t.register(command("expireat", -3).flags(WRITE, FAST).keys(1, 1, 1).since("1.2.0")
            .summary("Set the expiration for a key as a UNIX timestamp")
            .handler((c, argv) -> expireGeneric(c, argv, 0, true, "expireat")).build());
        t.register(command("pexpireat", -3).flags(WRITE, FAST).keys(1, 1, 1).since("2.6.0")
            .summary("Set the expiration for a key as a UNIX timestamp specified in milliseconds")
            .handler((c, argv) -> expireGeneric(c, argv, 0, false, "pexpireat")).build());
        t.register(command("ttl", 2).flags(READONLY, FAST).keys(1, 1, 1).tips("nondeterministic_output")
            .summary("Get the time to live for a key in seconds")
            .handler((c, argv) -> ttlGeneric(c, argv, false, false)).build());
        t.register(command("pttl", 2).flags(READONLY, FAST).keys(1, 1, 1).tips("nondeterministic_output").since("2.6.0")
            .summary("Get the time to live for a key in milliseconds")
            .handler((c, argv) -> ttlGeneric(c, argv, true, false)).build());
        t.register(command("expiretime", 2).flags(READONLY, FAST).keys(1, 1, 1).since("7.0.0")
            .summary("Get the expiration Unix timestamp for a key")
            .handler((c, argv) -> ttlGeneric(c, argv, false, true)).build());
        t.register(command("pexpiretime", 2).flags(READONLY, FAST).keys(1, 1, 1).since("7.0.0")
            .summary("Get the expiration Unix timestamp for a key in milliseconds")
            .handler((c, argv) -> ttlGeneric(c, argv, true, true)).build());
        t.register(command("persist", 2).flags(WRITE, FAST).keys(1, 1, 1).since("2.2.0")
            .summary("Remove the expiration from a key").handler(ExpireCommands::persist).build());
    }

    /**
     * EXPIRE key seconds [NX | XX | GT | LT], and PEXPIRE, EXPIREAT, PEXPIREAT: the time is
     * {@code basetime} plus the argument in seconds or ms. Negative times are allowed (they
     * delete the key); only overflow is an error.
     */
    private static void expireGeneric(Client c, byte[][] argv, long basetime, boolean seconds, String command) {
        int flags = 0;
        for (int j = 3; j < argv.length; j++) {
            if (KeyAccess.isOption(argv[j], "nx")) {
                flags |= NX;
            } else if (KeyAccess.isOption(argv[j], "xx")) {
                flags |= XX;
            } else if (KeyAccess.isOption(argv[j], "gt")) {
                flags |= GT;
            } else if (KeyAccess.isOption(argv[j], "lt")) {
                flags |= LT;
            } else {
                KeyAccess.errorEchoing(c, "ERR Unsupported option ", argv[j]);
                return;
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            c.out().error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if ((flags & GT) != 0 && (flags & LT) != 0) {
            c.out().error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        Long arg = Args.longOrReply(c, argv[2]);
        if (arg == null) {
            return;
        }
        long when = arg;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                KeyAccess.invalidExpireTime(c, command);
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            KeyAccess.invalidExpireTime(c, command);
            return;
        }
        when += basetime;
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        if (e == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (flags != 0 && !conditionHolds(flags, e.hasExpiry() ? e.expireAtMs() : -1, when)) {
            c.out().raw(Replies.ZERO);
            return;
        }
        long now = c.server().nowMs();
        if (KeyAccess.alreadyExpired(c, when, now)) {
            KeyAccess.deleteExpiredNow(c, key, now);
        } else {
            c.db().put(key, e.withExpiry(when));
            KeyspaceNotify.generic(c, "expire", argv[1]);
            c.server().propagate(c.dbIndex(), KeyAccess.PEXPIREAT, argv[1], Numbers.toBytes(when));
        }
        c.out().raw(Replies.ONE);
    }

    /** NX XX GT LT against the current expiry ({@code -1} for none, which GT and LT treat as infinite). */
    private static boolean conditionHolds(int flags, long current, long when) {
        if ((flags & NX) != 0 && current != -1) {
            return false;
        }
        if ((flags & XX) != 0 && current == -1) {
            return false;
        }
        if ((flags & GT) != 0 && (when <= current || current == -1)) {
            return false;
        }
        return (flags & LT) == 0 || current == -1 || when < current;
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for no key, -1 for no expiry; seconds are rounded. */
    private static void ttlGeneric(Client c, byte[][] argv, boolean millis, boolean absolute) {
        Entry e = KeyAccess.lookupNoTouch(c, Args.key(argv[1]));
        if (e == null) {
            c.out().raw(Replies.MINUS_TWO);
            return;
        }
        if (!e.hasExpiry()) {
            c.out().raw(Replies.MINUS_ONE);
            return;
        }
        long ttl = absolute ? e.expireAtMs() : e.expireAtMs() - c.server().nowMs();
        if (ttl < 0) {
            ttl = 0;
        }
        // Rounded to the nearest second, (ttl + 500) / 1000, without overflowing near Long.MAX_VALUE.
        c.out().integer(millis ? ttl : ttl / 1000 + (ttl % 1000 + 500) / 1000);
    }

    // PERSIST key
    private static void persist(Client c, byte[][] argv) {
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        if (e == null || !e.hasExpiry()) {
            c.out().raw(Replies.ZERO);
            return;
        }
        c.db().put(key, e.withExpiry(Entry.NO_EXPIRY));
        KeyspaceNotify.generic(c, "persist", argv[1]);
        c.out().raw(Replies.ONE);
        c.server().propagate(c.dbIndex(), KeyAccess.PERSIST, argv[1]);
    }
}
