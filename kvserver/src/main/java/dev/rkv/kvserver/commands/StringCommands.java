package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.RegionString;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.util.Numbers;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.rkv.kvserver.command.CommandFlag.DENYOOM;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * String commands (t_string.c): GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX
 * APPEND STRLEN INCR DECR INCRBY DECRBY INCRBYFLOAT GETRANGE SETRANGE.
 *
 * <p>Values are immutable: every write stores a new {@link Entry}. Writes propagate
 * deterministic effects: relative expiries become {@code PXAT}/{@code PEXPIREAT} with an
 * absolute time, INCRBYFLOAT becomes {@code SET key result KEEPTTL}.
 */
public final class StringCommands {
    // Option flags of SET and GETEX, as Redis's OBJ_* flags.
    private static final int NX = 1;
    private static final int XX = 1 << 1;
    private static final int EX = 1 << 2;
    private static final int PX = 1 << 3;
    private static final int KEEPTTL = 1 << 4;
    private static final int GET = 1 << 5;
    private static final int EXAT = 1 << 6;
    private static final int PXAT = 1 << 7;
    private static final int PERSIST = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** SET's key spec flags per command, as COMMAND GETKEYSANDFLAGS reports them. */
    private static final List<String> SET_GET_KEY_FLAGS = List.of("RW", "access", "update");
    private static final List<String> SET_KEY_FLAGS = List.of("OW", "update");

    private static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";

    private StringCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("get", 2).flags(READONLY, FAST).keys(1, 1, 1).group("string")
            .summary("Get the value of a key").handler(StringCommands::get).build());
        t.register(command("set", -3).flags(WRITE, DENYOOM).keys(1, 1, 1)
            .keySpecs(KeySpec.single(1, "RW", "access", "update", "variable_flags")
                .withNotes("RW and ACCESS due to the optional `GET` argument")
                .withFlagsResolvedBy(StringCommands::setKeyFlags)).group("string")
            .summary("Set the string value of a key").handler(StringCommands::set).build());
        t.register(command("setnx", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecFlags("OW", "insert").group("string")
            .summary("Set the value of a key, only if the key does not exist").handler(StringCommands::setnx).build());
        t.register(command("setex", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecFlags("OW", "update").group("string").since("2.0.0")
            .summary("Set the value and expiration of a key").handler(StringCommands::setex).build());
        t.register(command("psetex", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecFlags("OW", "update").group("string").since("2.6.0")
            .summary("Set the value and expiration in milliseconds of a key").handler(StringCommands::psetex).build());
        t.register(command("getset", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
            .keySpecFlags("RW", "access", "update").group("string")
            .summary("Set the string value of a key and return its old value").handler(StringCommands::getset).build());
        t.register(command("getdel", 2).flags(WRITE, FAST).keys(1, 1, 1).keySpecFlags("RW", "access", "delete").group("string").since("6.2.0")
            .summary("Get the value of a key and delete the key").handler(StringCommands::getdel).build());
        t.register(command("getex", -2).flags(WRITE, FAST).keys(1, 1, 1)
            .keySpecs(KeySpec.single(1, "RW", "access", "update").withNotes("RW and UPDATE because it changes the TTL")).group("string").since("6.2.0")
            .summary("Get the value of a key and optionally set its expiration").handler(StringCommands::getex).build());
        t.register(command("mget", -2).flags(READONLY, FAST).keys(1, -1, 1).tips("request_policy:multi_shard").group("string")
            .summary("Get the values of all the given keys").handler(StringCommands::mget).build());
        t.register(command("mset", -3).flags(WRITE, DENYOOM).keys(1, -1, 2).keySpecFlags("OW", "update")
            .tips("request_policy:multi_shard", "response_policy:all_succeeded").group("string").since("1.0.1")
            .summary("Set multiple keys to multiple values").handler((c, argv) -> msetGeneric(c, argv, false)).build());
        t.register(command("msetnx", -3).flags(WRITE, DENYOOM).keys(1, -1, 2).keySpecFlags("OW", "insert")
            .tips("request_policy:multi_shard", "response_policy:agg_min").group("string").since("1.0.1")
            .summary("Set multiple keys to multiple values, only if none of the keys exist")
            .handler((c, argv) -> msetGeneric(c, argv, true)).build());
        t.register(command("append", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecFlags("RW", "insert").group("string").since("2.0.0")
            .summary("Append a value to a key").handler(StringCommands::append).build());
        t.register(command("strlen", 2).flags(READONLY, FAST).keys(1, 1, 1).keySpecFlags("RO").group("string").since("2.2.0")
            .summary("Get the length of the value stored in a key").handler(StringCommands::strlen).build());
        t.register(command("incr", 2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
            .keySpecFlags("RW", "access", "update").group("string")
            .summary("Increment the integer value of a key by one").handler((c, argv) -> incrDecr(c, argv, 1)).build());
        t.register(command("decr", 2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
            .keySpecFlags("RW", "access", "update").group("string")
            .summary("Decrement the integer value of a key by one").handler((c, argv) -> incrDecr(c, argv, -1)).build());
        t.register(command("incrby", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
            .keySpecFlags("RW", "access", "update").group("string")
            .summary("Increment the integer value of a key by the given amount").handler(StringCommands::incrby).build());
        t.register(command("decrby", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
            .keySpecFlags("RW", "access", "update").group("string")
            .summary("Decrement the integer value of a key by the given number").handler(StringCommands::decrby).build());
        t.register(command("incrbyfloat", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
            .keySpecFlags("RW", "access", "update").group("string").since("2.6.0")
            .summary("Increment the float value of a key by the given amount").handler(StringCommands::incrbyfloat).build());
        t.register(command("getrange", 4).flags(READONLY).keys(1, 1, 1).group("string").since("2.4.0")
            .summary("Get a substring of the string stored at a key").handler(StringCommands::getrange).build());
        t.register(command("substr", 4).flags(READONLY).keys(1, 1, 1).group("string")
            .summary("Get a substring of the string stored at a key").handler(StringCommands::getrange).build());
        t.register(command("lcs", -3).flags(READONLY).keys(1, 2, 1).group("string").since("7.0.0")
            .summary("Find longest common substring").handler(StringCommands::lcs).build());
        t.register(command("setrange", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("string").since("2.2.0")
            .summary("Overwrite part of a string at key starting at the specified offset")
            .handler(StringCommands::setrange).build());
    }

    // ------------------------------------------------------------------ GET family

    // GET key
    private static void get(Client c, byte[][] argv) {
        getGeneric(c, argv[1]);
    }

    /** Replies the string at {@code key} or nil; false when it replied WRONGTYPE instead. */
    private static boolean getGeneric(Client c, byte[] key) {
        Entry e = Args.lookupRead(c, Args.key(key));
        if (e == null) {
            c.out().nullBulk();
            return true;
        }
        if (Args.wrongType(c, e, ValueType.STRING)) {
            return false;
        }
        replyString(c, e);
        return true;
    }

    /** The string's bytes as a bulk reply, written from where they are (an adopted region needs no heap copy). */
    static void replyString(Client c, Entry e) {
        if (e.value() instanceof RegionString r) {
            c.out().bulk(r.region(), r.offset(), r.length());
        } else {
            c.out().bulk(e.bytes());
        }
    }

    // GETDEL key
    private static void getdel(Client c, byte[][] argv) {
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupRead(c, key);
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        if (Args.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        replyString(c, e);
        c.db().remove(key, c.server().nowMs());
        KeyspaceNotify.generic(c, "del", argv[1]);
        c.server().propagate(c.dbIndex(), KeyAccess.DEL, argv[1]);
    }

    // GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
    private static void getex(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, 2, false);
        if (o == null) {
            return;
        }
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupRead(c, key);
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        if (Args.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        long now = c.server().nowMs();
        long when = 0;
        if (o.expire != null) {
            Long ms = expireMillisOrReply(c, o, now, "getex");
            if (ms == null) {
                return;
            }
            when = ms;
        }
        replyString(c, e);
        if ((o.flags & (EXAT | PXAT)) != 0 && KeyAccess.alreadyExpired(c, when, now)) {
            KeyAccess.deleteExpiredNow(c, key, now);
        } else if (o.expire != null) {
            c.db().put(key, e.withExpiry(when));
            KeyspaceNotify.generic(c, "expire", argv[1]);
            c.server().propagate(c.dbIndex(), KeyAccess.PEXPIREAT, argv[1], Numbers.toBytes(when));
        } else if ((o.flags & PERSIST) != 0 && e.hasExpiry()) {
            c.db().put(key, e.withExpiry(Entry.NO_EXPIRY));
            KeyspaceNotify.generic(c, "persist", argv[1]);
            c.server().propagate(c.dbIndex(), KeyAccess.PERSIST, argv[1]);
        }
    }

    // MGET key [key ...]
    private static void mget(Client c, byte[][] argv) {
        c.out().array(argv.length - 1);
        for (int i = 1; i < argv.length; i++) {
            Entry e = Args.lookupRead(c, Args.key(argv[i]));
            if (e == null || e.type() != ValueType.STRING) {
                c.out().nullBulk();
            } else {
                replyString(c, e);
            }
        }
    }

    // STRLEN key
    private static void strlen(Client c, byte[][] argv) {
        Entry e = Args.lookupRead(c, Args.key(argv[1]));
        if (e == null) {
            c.out().raw(Replies.ZERO);
        } else if (!Args.wrongType(c, e, ValueType.STRING)) {
            c.out().integer(e.stringLength());
        }
    }

    // LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
    private static void lcs(Client c, byte[][] argv) {
        Entry ea = Args.lookupRead(c, Args.key(argv[1]));
        Entry eb = Args.lookupRead(c, Args.key(argv[2]));
        if ((ea != null && ea.type() != ValueType.STRING) || (eb != null && eb.type() != ValueType.STRING)) {
            c.out().error("ERR The specified keys must contain string values");
            return;
        }
        byte[] a = ea == null ? new byte[0] : ea.bytes();
        byte[] b = eb == null ? new byte[0] : eb.bytes();
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < argv.length; j++) {
            if (KeyAccess.isOption(argv[j], "idx")) {
                getIdx = true;
            } else if (KeyAccess.isOption(argv[j], "len")) {
                getLen = true;
            } else if (KeyAccess.isOption(argv[j], "withmatchlen")) {
                withMatchLen = true;
            } else if (KeyAccess.isOption(argv[j], "minmatchlen") && j + 1 < argv.length) {
                Long v = Args.longOrReply(c, argv[++j]);
                if (v == null) {
                    return;
                }
                minMatchLen = Math.max(0, v);
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        if (getLen && getIdx) {
            c.out().error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        long cells = (long) (a.length + 1) * (b.length + 1);
        if (cells * Integer.BYTES > c.server().config().getLong("proto-max-bulk-len")) {
            c.out().error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        if (cells > Integer.MAX_VALUE - 8 || cells * Integer.BYTES > Runtime.getRuntime().maxMemory() / 2) {
            c.out().error("ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        Lcs.reply(c, a, b, getLen, getIdx, withMatchLen, minMatchLen);
    }

    // GETRANGE key start end
    private static void getrange(Client c, byte[][] argv) {
        Long start = Args.longOrReply(c, argv[2]);
        if (start == null) {
            return;
        }
        Long end = Args.longOrReply(c, argv[3]);
        if (end == null) {
            return;
        }
        Entry e = Args.lookupRead(c, Args.key(argv[1]));
        if (e == null) {
            c.out().raw(Replies.EMPTY_BULK);
            return;
        }
        if (Args.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        byte[] s = e.bytes();
        long len = s.length;
        long from = start;
        long to = end;
        if (from < 0 && to < 0 && from > to) {
            c.out().raw(Replies.EMPTY_BULK);
            return;
        }
        if (from < 0) {
            from = len + from;
        }
        if (to < 0) {
            to = len + to;
        }
        from = Math.max(0, from);
        to = Math.max(0, to);
        if (to >= len) {
            to = len - 1;
        }
        if (from > to || len == 0) {
            c.out().raw(Replies.EMPTY_BULK);
        } else {
            c.out().bulk(s, (int) from, (int) (to - from + 1));
        }
    }

    // ------------------------------------------------------------------ SET family

    // SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
    private static void set(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, 3, true);
        if (o != null) {
            setGeneric(c, argv, o, "set", null, null);
        }
    }

    /** SET's key is read and updated with GET anywhere among its options, else only overwritten. */
    private static List<String> setKeyFlags(byte[][] argv) {
        for (int i = 3; i < argv.length; i++) {
            if (Args.is(argv[i], "get")) {
                return SET_GET_KEY_FLAGS;
            }
        }
        return SET_KEY_FLAGS;
    }

    // SETNX key value
    private static void setnx(Client c, byte[][] argv) {
        setGeneric(c, argv, new Options(NX, null), "setnx", Replies.ONE, Replies.ZERO);
    }

    // SETEX key seconds value
    private static void setex(Client c, byte[][] argv) {
        setGeneric(c, new byte[][] {argv[0], argv[1], argv[3]}, new Options(EX, argv[2]), "setex", null, null);
    }

    // PSETEX key milliseconds value
    private static void psetex(Client c, byte[][] argv) {
        setGeneric(c, new byte[][] {argv[0], argv[1], argv[3]}, new Options(PX, argv[2]), "psetex", null, null);
    }

    // GETSET key value
    private static void getset(Client c, byte[][] argv) {
        if (!getGeneric(c, argv[1])) {
            return;
        }
        c.db().put(Args.key(argv[1]), Entry.string(argv[2], Entry.NO_EXPIRY, c.server().nowMs()));
        KeyspaceNotify.string(c, "set", argv[1]);
        c.server().propagate(c.dbIndex(), KeyAccess.SET, argv[1], argv[2]);
    }

    /**
     * Redis's setGenericCommand. {@code argv} is {@code [name, key, value, options...]} (SETEX and
     * PSETEX pass their key and value in that shape); {@code okReply} and {@code abortReply} default
     * to +OK and nil.
     */
    private static void setGeneric(Client c, byte[][] argv, Options o, String command, byte[] okReply,
                                   byte[] abortReply) {
        long now = c.server().nowMs();
        long when = Entry.NO_EXPIRY;
        if (o.expire != null) {
            Long ms = expireMillisOrReply(c, o, now, command);
            if (ms == null) {
                return;
            }
            when = ms;
        }
        if ((o.flags & GET) != 0 && !getGeneric(c, argv[1])) {
            return;
        }
        Key key = Args.key(argv[1]);
        Entry old = Args.lookupWrite(c, key);
        boolean found = old != null;
        if (((o.flags & NX) != 0 && found) || ((o.flags & XX) != 0 && !found)) {
            if ((o.flags & GET) == 0) {
                if (abortReply != null) {
                    c.out().raw(abortReply);
                } else {
                    c.out().nullBulk();
                }
            }
            return;
        }
        long expireAt = o.expire != null ? when : (o.flags & KEEPTTL) != 0 ? KeyAccess.keptExpiry(old) : Entry.NO_EXPIRY;
        c.db().put(key, Entry.string(argv[2], expireAt, now));
        KeyspaceNotify.string(c, "set", argv[1]);
        if (o.expire != null) {
            KeyspaceNotify.generic(c, "expire", argv[1]);
        }
        if ((o.flags & GET) == 0) {
            c.out().raw(okReply != null ? okReply : Replies.OK);
        }
        if (o.expire != null) {
            c.server().propagate(c.dbIndex(), KeyAccess.SET, argv[1], argv[2], KeyAccess.PXAT, Numbers.toBytes(when));
        } else {
            c.server().propagate(c.dbIndex(), withoutGet(argv));
        }
    }

    /** The command as replicas should run it: GET options dropped (they only shape the reply). */
    private static byte[][] withoutGet(byte[][] argv) {
        List<byte[]> out = new ArrayList<>(argv.length);
        for (int i = 0; i < argv.length; i++) {
            if (i < 3 || !KeyAccess.isOption(argv[i], "get")) {
                out.add(argv[i]);
            }
        }
        return out.toArray(new byte[0][]);
    }

    /** Parsed SET / GETEX options: flags and the expiry argument, if any. */
    private record Options(int flags, byte[] expire) {
    }

    /**
     * Redis's parseExtendedStringArgumentsOrReply: options from {@code from} on; SET takes NX XX GET
     * KEEPTTL, GETEX takes PERSIST, both take one of EX PX EXAT PXAT. A repeated or conflicting
     * option, or one missing its value, is a syntax error.
     */
    private static Options parseOptions(Client c, byte[][] argv, int from, boolean isSet) {
        int flags = 0;
        byte[] expire = null;
        for (int j = from; j < argv.length; j++) {
            byte[] opt = argv[j];
            boolean hasNext = j + 1 < argv.length;
            if (isSet && KeyAccess.isOption(opt, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (isSet && KeyAccess.isOption(opt, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (isSet && KeyAccess.isOption(opt, "get")) {
                flags |= GET;
            } else if (isSet && KeyAccess.isOption(opt, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
                flags |= KEEPTTL;
            } else if (!isSet && KeyAccess.isOption(opt, "persist") && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (KeyAccess.isOption(opt, "ex") && hasNext && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0) {
                flags |= EX;
                expire = argv[++j];
            } else if (KeyAccess.isOption(opt, "px") && hasNext && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0) {
                flags |= PX;
                expire = argv[++j];
            } else if (KeyAccess.isOption(opt, "exat") && hasNext && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0) {
                flags |= EXAT;
                expire = argv[++j];
            } else if (KeyAccess.isOption(opt, "pxat") && hasNext && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0) {
                flags |= PXAT;
                expire = argv[++j];
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return null;
            }
        }
        return new Options(flags, expire);
    }

    /**
     * Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for the expire argument, or
     * null after replying. Zero, negative and overflowing times are invalid.
     */
    private static Long expireMillisOrReply(Client c, Options o, long now, String command) {
        Long v = Args.longOrReply(c, o.expire);
        if (v == null) {
            return null;
        }
        long ms = v;
        boolean seconds = (o.flags & (EX | EXAT)) != 0;
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            KeyAccess.invalidExpireTime(c, command);
            return null;
        }
        if (seconds) {
            ms *= 1000;
        }
        if ((o.flags & (EX | PX)) != 0) {
            ms += now;
        }
        if (ms <= 0) {
            KeyAccess.invalidExpireTime(c, command);
            return null;
        }
        return ms;
    }

    // MSET key value [key value ...] / MSETNX key value [key value ...]
    private static void msetGeneric(Client c, byte[][] argv, boolean nx) {
        if (argv.length % 2 == 0) {
            c.out().error("ERR wrong number of arguments for '" + (nx ? "msetnx" : "mset") + "' command");
            return;
        }
        if (nx) {
            for (int j = 1; j < argv.length; j += 2) {
                if (Args.lookupWrite(c, Args.key(argv[j])) != null) {
                    c.out().raw(Replies.ZERO);
                    return;
                }
            }
        }
        long now = c.server().nowMs();
        for (int j = 1; j < argv.length; j += 2) {
            c.db().put(Args.key(argv[j]), Entry.string(argv[j + 1], Entry.NO_EXPIRY, now));
            KeyspaceNotify.string(c, "set", argv[j]);
        }
        c.out().raw(nx ? Replies.ONE : Replies.OK);
        c.server().propagate(c.dbIndex(), argv);
    }

    // ------------------------------------------------------------------ in-place edits

    // APPEND key value
    private static void append(Client c, byte[][] argv) {
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        long now = c.server().nowMs();
        long total;
        if (e == null) {
            c.db().put(key, Entry.string(argv[2], Entry.NO_EXPIRY, now));
            total = argv[2].length;
        } else {
            if (Args.wrongType(c, e, ValueType.STRING)) {
                return;
            }
            byte[] old = e.bytes();
            if (!checkStringLength(c, old.length, argv[2].length)) {
                return;
            }
            byte[] joined = KeyAccess.allocateOrReply(c, old.length + argv[2].length);
            if (joined == null) {
                return;
            }
            System.arraycopy(old, 0, joined, 0, old.length);
            System.arraycopy(argv[2], 0, joined, old.length, argv[2].length);
            c.db().put(key, Entry.rawString(joined, e.expireAtMs(), now));
            total = joined.length;
        }
        KeyspaceNotify.string(c, "append", argv[1]);
        c.out().integer(total);
        c.server().propagate(c.dbIndex(), argv);
    }

    // SETRANGE key offset value
    private static void setrange(Client c, byte[][] argv) {
        Long offset = Args.longOrReply(c, argv[2]);
        if (offset == null) {
            return;
        }
        if (offset < 0) {
            c.out().error("ERR offset is out of range");
            return;
        }
        byte[] value = argv[3];
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        byte[] old;
        if (e == null) {
            if (value.length == 0) {
                c.out().raw(Replies.ZERO);
                return;
            }
            old = new byte[0];
        } else {
            if (Args.wrongType(c, e, ValueType.STRING)) {
                return;
            }
            old = e.bytes();
            if (value.length == 0) {
                c.out().integer(old.length);
                return;
            }
        }
        if (!checkStringLength(c, offset, value.length)) {
            return;
        }
        int off = offset.intValue();
        byte[] updated = KeyAccess.allocateOrReply(c, Math.max(old.length, off + value.length));
        if (updated == null) {
            return;
        }
        System.arraycopy(old, 0, updated, 0, old.length);
        System.arraycopy(value, 0, updated, off, value.length);
        c.db().put(key, Entry.rawString(updated, KeyAccess.keptExpiry(e), c.server().nowMs()));
        KeyspaceNotify.string(c, "setrange", argv[1]);
        c.out().integer(updated.length);
        c.server().propagate(c.dbIndex(), argv);
    }

    /** Redis's checkStringLength: the result may not exceed proto-max-bulk-len (nor a Java array). */
    private static boolean checkStringLength(Client c, long size, long append) {
        long limit = Math.min(c.server().config().getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 8);
        long total = size + append;
        if (total < 0 || total > limit) {
            c.out().error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ counters

    // INCRBY key increment
    private static void incrby(Client c, byte[][] argv) {
        Long incr = Args.longOrReply(c, argv[2]);
        if (incr != null) {
            incrDecr(c, argv, incr);
        }
    }

    // DECRBY key decrement
    private static void decrby(Client c, byte[][] argv) {
        Long decr = Args.longOrReply(c, argv[2]);
        if (decr == null) {
            return;
        }
        if (decr == Long.MIN_VALUE) {
            c.out().error("ERR decrement would overflow");
            return;
        }
        incrDecr(c, argv, -decr);
    }

    /** INCR, DECR, INCRBY, DECRBY: adds {@code incr} to the integer at argv[1], keeping its TTL. */
    private static void incrDecr(Client c, byte[][] argv, long incr) {
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        if (Args.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        long value = 0;
        if (e != null) {
            Long v = Args.longOrReply(c, e.bytes());
            if (v == null) {
                return;
            }
            value = v;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
            || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.out().raw(Replies.OVERFLOW);
            return;
        }
        value += incr;
        c.db().put(key, Entry.string(Numbers.toBytes(value), KeyAccess.keptExpiry(e), c.server().nowMs()));
        KeyspaceNotify.string(c, "incrby", argv[1]);
        c.out().integer(value);
        c.server().propagate(c.dbIndex(), argv);
    }

    // INCRBYFLOAT key increment
    private static void incrbyfloat(Client c, byte[][] argv) {
        Key key = Args.key(argv[1]);
        Entry e = Args.lookupWrite(c, key);
        if (Args.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        LongDouble.Parsed value = e == null
            ? new LongDouble.Parsed(LongDouble.Kind.FINITE, BigDecimal.ZERO) : LongDouble.parse(e.bytes());
        LongDouble.Parsed incr = value.kind() == LongDouble.Kind.INVALID ? value : LongDouble.parse(argv[2]);
        if (value.kind() == LongDouble.Kind.INVALID || incr.kind() == LongDouble.Kind.INVALID) {
            c.out().raw(Replies.NOT_FLOAT);
            return;
        }
        BigDecimal sum = value.kind() == LongDouble.Kind.FINITE && incr.kind() == LongDouble.Kind.FINITE
            ? LongDouble.add(value.value(), incr.value()) : null;
        if (sum == null) {
            c.out().error(NAN_OR_INFINITY);
            return;
        }
        byte[] result = LongDouble.format(sum).getBytes(StandardCharsets.US_ASCII);
        c.db().put(key, Entry.plainString(result, KeyAccess.keptExpiry(e), c.server().nowMs()));
        KeyspaceNotify.string(c, "incrbyfloat", argv[1]);
        c.out().bulk(result);
        c.server().propagate(c.dbIndex(), KeyAccess.SET, argv[1], result, KeyAccess.KEEPTTL);
    }
}
