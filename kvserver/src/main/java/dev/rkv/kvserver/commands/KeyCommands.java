package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.persist.Persistence;
import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.util.Glob;
import dev.rkv.kvserver.util.Numbers;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.rkv.kvserver.command.CommandFlag.DENYOOM;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * Keyspace commands (db.c): DEL UNLINK EXISTS TYPE RENAME RENAMENX KEYS SCAN RANDOMKEY
 * DBSIZE FLUSHDB FLUSHALL COPY MOVE SWAPDB TOUCH.
 */
public final class KeyCommands {
    private static final byte[] DEL = Args.bytes("DEL");
    private static final byte[] UNLINK = Args.bytes("UNLINK");
    private static final BigInteger UNSIGNED_LONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private KeyCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("del", -2).flags(WRITE).keys(1, -1, 1).keySpecFlags("RM", "delete")
            .tips("request_policy:multi_shard", "response_policy:agg_sum").group("generic")
            .summary("Delete a key").handler((c, argv) -> delGeneric(c, argv, DEL)).build());
        t.register(command("unlink", -2).flags(WRITE, FAST).keys(1, -1, 1).keySpecFlags("RM", "delete")
            .tips("request_policy:multi_shard", "response_policy:agg_sum").group("generic").since("4.0.0")
            .summary("Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.")
            .handler((c, argv) -> delGeneric(c, argv, UNLINK)).build());
        t.register(command("exists", -2).flags(READONLY, FAST).keys(1, -1, 1).keySpecFlags("RO")
            .tips("request_policy:multi_shard", "response_policy:agg_sum").group("generic")
            .summary("Determine if a key exists").handler(KeyCommands::exists).build());
        t.register(command("type", 2).flags(READONLY, FAST).keys(1, 1, 1).keySpecFlags("RO").group("generic")
            .summary("Determine the type stored at key").handler(KeyCommands::type).build());
        t.register(command("rename", 3).flags(WRITE).keys(1, 2, 1)
            .keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "OW", "update")).group("generic")
            .summary("Rename a key").handler((c, argv) -> renameGeneric(c, argv, false)).build());
        t.register(command("renamenx", 3).flags(WRITE, FAST).keys(1, 2, 1)
            .keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "OW", "insert")).group("generic")
            .summary("Rename a key, only if the new key does not exist")
            .handler((c, argv) -> renameGeneric(c, argv, true)).build());
        t.register(command("keys", 2).flags(READONLY).acl("keyspace", "dangerous")
            .tips("request_policy:all_shards", "nondeterministic_output_order").group("generic")
            .summary("Find all keys matching the given pattern").handler(KeyCommands::keys).build());
        t.register(command("scan", -2).flags(READONLY).tips("nondeterministic_output", "request_policy:special").group("generic").since("2.8.0")
            .summary("Incrementally iterate the keys space").handler(KeyCommands::scan).build());
        t.register(command("randomkey", 1).flags(READONLY)
            .tips("request_policy:all_shards", "nondeterministic_output").group("generic")
            .summary("Return a random key from the keyspace").handler(KeyCommands::randomkey).build());
        t.register(command("dbsize", 1).flags(READONLY, FAST).acl("keyspace")
            .tips("request_policy:all_shards", "response_policy:agg_sum").group("server")
            .summary("Return the number of keys in the selected database")
            .handler((c, argv) -> c.out().integer(c.db().size())).build());
        t.register(command("flushdb", -1).flags(WRITE).acl("keyspace", "dangerous")
            .tips("request_policy:all_shards", "response_policy:all_succeeded").group("server")
            .summary("Remove all keys from the current database").handler(KeyCommands::flushdb).build());
        t.register(command("flushall", -1).flags(WRITE).acl("keyspace", "dangerous")
            .tips("request_policy:all_shards", "response_policy:all_succeeded").group("server")
            .summary("Remove all keys from all databases").handler(KeyCommands::flushall).build());
        t.register(command("copy", -3).flags(WRITE, DENYOOM).keys(1, 2, 1)
            .keySpecs(KeySpec.single(1, "RO", "access"), KeySpec.single(2, "OW", "update")).group("generic").since("6.2.0")
            .summary("Copy a key").handler(KeyCommands::copy).build());
        t.register(command("move", 3).flags(WRITE, FAST).keys(1, 1, 1).keySpecFlags("RW", "access", "update").group("generic")
            .summary("Move a key to another database").handler(KeyCommands::move).build());
        t.register(command("swapdb", 3).flags(WRITE, FAST).acl("keyspace", "dangerous").group("server").since("4.0.0")
            .summary("Swaps two Redis databases").handler(KeyCommands::swapdb).build());
        t.register(command("touch", -2).flags(READONLY, FAST).keys(1, -1, 1).keySpecFlags("RO")
            .tips("request_policy:multi_shard", "response_policy:agg_sum").group("generic").since("3.2.1")
            .summary("Alters the last access time of a key(s). Returns the number of existing keys specified.")
            .handler(KeyCommands::touch).build());
    }

    // ------------------------------------------------------------------ existence and deletion

    /** DEL key [key ...] / UNLINK key [key ...]: propagated with the keys that were deleted. */
    private static void delGeneric(Client c, byte[][] argv, byte[] effectName) {
        long now = c.server().nowMs();
        List<byte[]> deleted = new ArrayList<>();
        deleted.add(effectName);
        for (int j = 1; j < argv.length; j++) {
            if (c.db().remove(Args.key(argv[j]), now)) {
                deleted.add(argv[j]);
                KeyspaceNotify.generic(c, "del", argv[j]);
            }
        }
        c.out().integer(deleted.size() - 1);
        if (deleted.size() > 1) {
            c.server().propagate(c.dbIndex(), deleted.toArray(new byte[0][]));
        }
    }

    // EXISTS key [key ...]
    private static void exists(Client c, byte[][] argv) {
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (KeyAccess.lookupNoTouch(c, Args.key(argv[j])) != null) {
                n++;
            }
        }
        c.out().integer(n);
    }

    // TOUCH key [key ...]
    private static void touch(Client c, byte[][] argv) {
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (Args.lookupRead(c, Args.key(argv[j])) != null) {
                n++;
            }
        }
        c.out().integer(n);
    }

    // TYPE key
    private static void type(Client c, byte[][] argv) {
        Entry e = KeyAccess.lookupNoTouch(c, Args.key(argv[1]));
        c.out().simple(e == null ? "none" : e.type().typeName());
    }

    // ------------------------------------------------------------------ renaming and copying

    /** RENAME key newkey / RENAMENX key newkey: the value keeps its expiry. */
    private static void renameGeneric(Client c, byte[][] argv, boolean nx) {
        Key src = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, src);
        if (e == null) {
            c.out().raw(Replies.NO_SUCH_KEY);
            return;
        }
        if (Arrays.equals(argv[1], argv[2])) {
            c.out().raw(nx ? Replies.ZERO : Replies.OK);
            return;
        }
        Key dst = Args.key(argv[2]);
        boolean dstExists = Args.lookupWrite(c, dst) != null;
        if (dstExists && nx) {
            c.out().raw(Replies.ZERO);
            return;
        }
        long now = c.server().nowMs();
        if (dstExists) {
            // Deleted first, so the new name counts as a new key (Redis's dbDelete then dbAdd).
            c.db().remove(dst, now);
        }
        c.db().put(dst, e);
        c.db().remove(src, now);
        KeyspaceNotify.generic(c, "rename_from", argv[1]);
        KeyspaceNotify.generic(c, "rename_to", argv[2]);
        c.out().raw(nx ? Replies.ONE : Replies.OK);
        c.server().propagate(c.dbIndex(), argv);
    }

    // COPY source destination [DB destination-db] [REPLACE]
    private static void copy(Client c, byte[][] argv) {
        boolean replace = false;
        Database dst = c.db();
        for (int j = 3; j < argv.length; j++) {
            if (KeyAccess.isOption(argv[j], "replace")) {
                replace = true;
            } else if (KeyAccess.isOption(argv[j], "db") && j + 1 < argv.length) {
                dst = databaseOrReply(c, argv[++j]);
                if (dst == null) {
                    return;
                }
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        if (dst == c.db() && Arrays.equals(argv[1], argv[2])) {
            c.out().raw(Replies.SAME_OBJECT);
            return;
        }
        Entry e = Args.lookupRead(c, Args.key(argv[1]));
        if (e == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        Key newKey = Args.key(argv[2]);
        long now = c.server().nowMs();
        boolean dstExists = dst.lookup(newKey, now) != null;
        if (dstExists && !replace) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (dstExists) {
            // Deleted first, so the copy counts as a new key (Redis's dbDelete then dbAdd).
            dst.remove(newKey, now);
        }
        // Strings are shared (they never change), collections copied (they change in place).
        dst.put(newKey, e.duplicate());
        c.server().keyspaceEvents().notify(KeyspaceEventClasses.GENERIC, "copy_to", argv[2], dst.index());
        c.out().raw(Replies.ONE);
        c.server().propagate(c.dbIndex(), argv);
    }

    // MOVE key db
    private static void move(Client c, byte[][] argv) {
        Database dst = databaseOrReply(c, argv[2]);
        if (dst == null) {
            return;
        }
        if (dst == c.db()) {
            c.out().raw(Replies.SAME_OBJECT);
            return;
        }
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        long now = c.server().nowMs();
        if (e == null || dst.lookup(key, now) != null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        dst.put(key, e);
        c.db().remove(key, now);
        KeyspaceNotify.generic(c, "move_from", argv[1]);
        c.server().keyspaceEvents().notify(KeyspaceEventClasses.GENERIC, "move_to", argv[1], dst.index());
        c.out().raw(Replies.ONE);
        c.server().propagate(c.dbIndex(), argv);
    }

    /** A database index argument as MOVE and COPY parse it (getIntFromObjectOrReply, then range). */
    private static Database databaseOrReply(Client c, byte[] arg) {
        Long id = intOrReply(c, arg, null);
        if (id == null) {
            return null;
        }
        if (id < 0 || id >= c.server().keyspace().count()) {
            c.out().raw(Replies.DB_INDEX_OUT_OF_RANGE);
            return null;
        }
        return c.server().keyspace().db(id.intValue());
    }

    /** Redis's getIntFromObjectOrReply: an int, or the given error (default: Redis's range texts). */
    private static Long intOrReply(Client c, byte[] arg, String error) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null) {
            if (error == null) {
                c.out().raw(Replies.NOT_INTEGER);
            } else {
                c.out().error(error);
            }
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            c.out().error(error != null ? error
                : "ERR value is out of range, value must between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
            return null;
        }
        return v;
    }

    // SWAPDB index1 index2
    private static void swapdb(Client c, byte[][] argv) {
        Long a = intOrReply(c, argv[1], "ERR invalid first DB index");
        if (a == null) {
            return;
        }
        Long b = intOrReply(c, argv[2], "ERR invalid second DB index");
        if (b == null) {
            return;
        }
        int count = c.server().keyspace().count();
        if (a < 0 || a >= count || b < 0 || b >= count) {
            c.out().raw(Replies.DB_INDEX_OUT_OF_RANGE);
            return;
        }
        c.server().keyspace().swap(a.intValue(), b.intValue());
        c.out().raw(Replies.OK);
        c.server().propagate(c.dbIndex(), argv);
    }

    // ------------------------------------------------------------------ iteration

    // KEYS pattern
    private static void keys(Client c, byte[][] argv) {
        byte[] pattern = argv[1];
        boolean all = Glob.matchesAll(pattern);
        List<Key> matched = new ArrayList<>();
        int visited = 0;
        for (Key k : c.db().keys(c.server().nowMs())) {
            if (all || Glob.matches(pattern, k.bytes(), false)) {
                matched.add(k);
            }
            if ((++visited & 0xFFF) == 0 && c.server().stopping()) {
                c.out().error(STOPPING);
                return;
            }
        }
        c.out().array(matched.size());
        for (Key k : matched) {
            c.out().bulk(k.bytes());
        }
    }

    /** Ends a long SCAN from inside its visitor when the server is stopping (SIGTERM). */
    private static final class StoppingException extends RuntimeException {
        StoppingException() {
            super(null, null, false, false);
        }
    }

    /** The reply of a long command given up because the server is stopping (SIGTERM). */
    static final String STOPPING = "ERR the server is shutting down; the command was interrupted";

    // SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    private static void scan(Client c, byte[][] argv) {
        BigInteger cursor = parseCursor(argv[1]);
        if (cursor == null) {
            c.out().error("ERR invalid cursor");
            return;
        }
        long count = 10;
        byte[] pattern = null;
        String typeName = null;
        for (int i = 2; i < argv.length; i += 2) {
            boolean hasValue = i + 1 < argv.length;
            if (KeyAccess.isOption(argv[i], "count") && hasValue) {
                Long n = Args.longOrReply(c, argv[i + 1]);
                if (n == null) {
                    return;
                }
                if (n < 1) {
                    c.out().raw(Replies.SYNTAX_ERR);
                    return;
                }
                count = n;
            } else if (KeyAccess.isOption(argv[i], "match") && hasValue) {
                pattern = Glob.matchesAll(argv[i + 1]) ? null : argv[i + 1];
            } else if (KeyAccess.isOption(argv[i], "type") && hasValue) {
                typeName = Args.string(KeyAccess.cString(argv[i + 1]));
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        if (cursor.compareTo(BigInteger.valueOf(KeySlot.SLOTS)) >= 0) {
            // Not a cursor this server handed out: there is nothing after it.
            c.out().raw(Replies.EMPTY_SCAN);
            return;
        }
        List<Key> found = new ArrayList<>();
        byte[] match = pattern;
        String type = typeName;
        int[] visited = {0};
        int next;
        try {
            next = c.db().scan(cursor.intValue(), count, c.server().nowMs(), (k, e) -> {
                if ((++visited[0] & 0xFFF) == 0 && c.server().stopping()) {
                    throw new StoppingException();
                }
                if ((match == null || Glob.matches(match, k.bytes(), false))
                    && (type == null || type.equalsIgnoreCase(e.type().typeName()))) {
                    found.add(k);
                }
            });
        } catch (StoppingException stopping) {
            c.out().error(STOPPING);
            return;
        }
        c.out().array(2).bulk(next);
        c.out().array(found.size());
        for (Key k : found) {
            c.out().bulk(k.bytes());
        }
    }

    /**
     * A cursor as Redis's strtoul parses it: no leading space, an optional sign, decimal digits
     * (none at all reads as 0), at most 2^64-1; a minus sign wraps modulo 2^64. Null when invalid.
     */
    static BigInteger parseCursor(byte[] arg) {
        if (arg.length == 0) {
            return BigInteger.ZERO;
        }
        int i = 0;
        boolean negative = false;
        if (arg[0] == '+' || arg[0] == '-') {
            negative = arg[0] == '-';
            i = 1;
        }
        if (i == arg.length) {
            return null;
        }
        for (int j = i; j < arg.length; j++) {
            if (arg[j] < '0' || arg[j] > '9') {
                return null;
            }
        }
        BigInteger v = new BigInteger(new String(arg, i, arg.length - i, java.nio.charset.StandardCharsets.US_ASCII));
        if (v.compareTo(UNSIGNED_LONG_MAX) > 0) {
            return null;
        }
        return negative && v.signum() != 0 ? UNSIGNED_LONG_MAX.add(BigInteger.ONE).subtract(v) : v;
    }

    // RANDOMKEY
    private static void randomkey(Client c, byte[][] argv) {
        Key k = c.db().randomKey(c.server().nowMs());
        if (k == null) {
            c.out().nullBulk();
        } else {
            c.out().bulk(k.bytes());
        }
    }

    // ------------------------------------------------------------------ flushing

    // FLUSHDB [ASYNC | SYNC]
    private static void flushdb(Client c, byte[][] argv) {
        if (flushOptionsOrReply(c, argv)) {
            c.db().clear();
            c.out().raw(Replies.OK);
            c.server().propagate(c.dbIndex(), argv);
        }
    }

    // FLUSHALL [ASYNC | SYNC]
    private static void flushall(Client c, byte[][] argv) {
        if (flushOptionsOrReply(c, argv)) {
            c.server().keyspace().flushAll();
            resetSnapshot(c.server());
            c.out().raw(Replies.OK);
            c.server().propagate(c.dbIndex(), argv);
        }
    }

    /**
     * Redis's flushAllDataAndResetRDB: a background save of the old data is pointless now, and
     * with save points configured the empty dataset is saved at once so a restart stays empty.
     */
    private static void resetSnapshot(ServerContext server) {
        Persistence p = server.persistence();
        if (p == null) {
            return;
        }
        p.cancelBackgroundSave();
        if (!server.config().savePoints().points().isEmpty()) {
            p.save();
        }
    }

    /** Redis's getFlushCommandFlags: nothing, ASYNC or SYNC (freeing is the GC's work either way). */
    private static boolean flushOptionsOrReply(Client c, byte[][] argv) {
        if (argv.length == 1 || (argv.length == 2 && (KeyAccess.isOption(argv[1], "sync") || KeyAccess.isOption(argv[1], "async")))) {
            return true;
        }
        c.out().raw(Replies.SYNTAX_ERR);
        return false;
    }
}
