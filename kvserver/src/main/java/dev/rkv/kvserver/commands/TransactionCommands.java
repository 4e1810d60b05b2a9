package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandDispatcher;
import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.command.WatchedKey;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;

import java.util.List;

import static dev.rkv.kvserver.command.CommandFlag.ALLOW_BUSY;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.SKIP_SLOWLOG;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH. The dispatcher queues commands between MULTI
 * and EXEC and flags the transaction when one cannot be queued; these handlers run the queue.
 */
public final class TransactionCommands {
    private TransactionCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("multi", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).group("transactions")
            .summary("Mark the start of a transaction block").since("1.2.0").handler(TransactionCommands::multi).build());
        t.register(command("exec", 1).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG).group("transactions")
            .summary("Execute all commands issued after MULTI").since("1.2.0").handler(TransactionCommands::exec).build());
        t.register(command("discard", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).group("transactions")
            .summary("Discard all commands issued after MULTI").since("2.0.0").handler(TransactionCommands::discard)
            .build());
        t.register(command("watch", -2).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).keys(1, -1, 1).keySpecFlags("RO")
            .group("transactions").summary("Watch the given keys to determine execution of the MULTI/EXEC block")
            .since("2.2.0").handler(TransactionCommands::watch).build());
        t.register(command("unwatch", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).group("transactions")
            .summary("Forget about all watched keys").since("2.2.0").handler(TransactionCommands::unwatch).build());
    }

    // MULTI
    private static void multi(Client c, byte[][] argv) {
        if (c.inMulti()) {
            c.out().error("ERR MULTI calls can not be nested");
            return;
        }
        c.beginMulti();
        c.out().raw(Replies.OK);
    }

    // EXEC
    private static void exec(Client c, byte[][] argv) {
        if (!c.inMulti()) {
            c.out().error("ERR EXEC without MULTI");
            return;
        }
        ServerContext server = c.server();
        if (watchedKeyExpired(c)) {
            c.markDirty();
        }
        if (c.execAborted() || c.dirty()) {
            boolean aborted = c.execAborted();
            discardTransaction(c);
            if (aborted) {
                c.out().raw(Replies.EXECABORT);
            } else {
                c.out().nullArray();
            }
            return;
        }
        List<byte[][]> queued = c.endMulti();
        server.watches().unwatchAll(c);
        CommandDispatcher dispatcher = server.dispatcher();
        c.out().array(queued.size());
        server.beginAtomic();
        c.executingTransaction(true);
        try {
            for (byte[][] queuedArgv : queued) {
                CommandSpec spec = dispatcher.resolve(queuedArgv);
                if (spec == null) {
                    // Unknown commands are rejected when queued; the table does not change at runtime.
                    c.out().error("ERR unknown command '" + Args.string(queuedArgv[0]) + "'");
                    continue;
                }
                dispatcher.execute(c, spec, queuedArgv);
            }
        } finally {
            c.executingTransaction(false);
            server.endAtomic();
        }
    }

    /**
     * Redis 7.0's isWatchedKeyExpired: a watched key that was live when watched and whose expiry
     * time has passed since (even if nothing removed it yet) counts as modified.
     */
    private static boolean watchedKeyExpired(Client c) {
        ServerContext server = c.server();
        long now = server.nowMs();
        for (WatchedKey wk : c.watched()) {
            if (server.watches().watchedWhileExpired(c, wk)) {
                continue;
            }
            Entry e = server.keyspace().db(wk.db()).peek(wk.key());
            if (e != null && e.isExpired(now)) {
                return true;
            }
        }
        return false;
    }

    private static void discardTransaction(Client c) {
        c.endMulti();
        c.server().watches().unwatchAll(c);
    }

    // DISCARD
    private static void discard(Client c, byte[][] argv) {
        if (!c.inMulti()) {
            c.out().error("ERR DISCARD without MULTI");
            return;
        }
        discardTransaction(c);
        c.out().raw(Replies.OK);
    }

    // WATCH key [key ...]
    private static void watch(Client c, byte[][] argv) {
        if (c.inMulti()) {
            c.out().error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        long now = c.server().nowMs();
        for (int i = 1; i < argv.length; i++) {
            Entry e = c.db().peek(Args.key(argv[i]));
            c.server().watches().watch(c, c.dbIndex(), Args.key(argv[i]), e != null && e.isExpired(now));
        }
        c.out().raw(Replies.OK);
    }

    // UNWATCH
    private static void unwatch(Client c, byte[][] argv) {
        c.server().watches().unwatchAll(c);
        c.out().raw(Replies.OK);
    }
}
