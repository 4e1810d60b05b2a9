package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.command.CommandFlag.BLOCKING;
import static dev.rkv.kvserver.command.CommandFlag.DENYOOM;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ListValue;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.util.Numbers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * List commands (t_list.c): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LINSERT LRANGE LREM
 * LSET LTRIM LPOS LMOVE RPOPLPUSH LMPOP and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP,
 * with Redis 7.0's replies and errors. A blocking command that finds nothing waits in
 * {@link BlockedClients}; whenever it is served, now or later, it propagates the plain command
 * that describes what it did (LPOP, RPOP with a count; LMOVE between two lists as its pop and
 * its push in MULTI/EXEC, so the element is in the stream), so replicas never block.
 */
public final class ListCommands {
    private static final byte[] LPOP = Args.bytes("LPOP");
    private static final byte[] RPOP = Args.bytes("RPOP");
    private static final byte[] LMOVE = Args.bytes("LMOVE");
    private static final byte[] LPUSH = Args.bytes("LPUSH");
    private static final byte[] RPUSH = Args.bytes("RPUSH");
    private static final byte[] LEFT = Args.bytes("LEFT");
    private static final byte[] RIGHT = Args.bytes("RIGHT");
    private static final String POSITIVE = "value is out of range, must be positive";

    private ListCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("lpush", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("list")
            .since("1.0.0").summary("Prepend one or multiple elements to a list").handler((c, argv) -> push(c, argv, true, false)).build());
        t.register(command("rpush", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("list")
            .since("1.0.0").summary("Append one or multiple elements to a list").handler((c, argv) -> push(c, argv, false, false)).build());
        t.register(command("lpushx", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("list")
            .since("2.2.0").summary("Prepend an element to a list, only if the list exists").handler((c, argv) -> push(c, argv, true, true)).build());
        t.register(command("rpushx", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("list")
            .since("2.2.0").summary("Append an element to a list, only if the list exists").handler((c, argv) -> push(c, argv, false, true)).build());
        t.register(command("lpop", -2).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete")).group("list")
            .since("1.0.0").summary("Remove and get the first elements in a list").handler((c, argv) -> pop(c, argv, true)).build());
        t.register(command("rpop", -2).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete")).group("list")
            .since("1.0.0").summary("Remove and get the last elements in a list").handler((c, argv) -> pop(c, argv, false)).build());
        t.register(command("llen", 2).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("list")
            .since("1.0.0").summary("Get the length of a list").handler(ListCommands::llen).build());
        t.register(command("lindex", 3).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("list")
            .since("1.0.0").summary("Get an element from a list by its index").handler(ListCommands::lindex).build());
        t.register(command("linsert", 5).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("list")
            .since("2.2.0").summary("Insert an element before or after another element in a list").handler(ListCommands::linsert).build());
        t.register(command("lrange", 4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("list")
            .since("1.0.0").summary("Get a range of elements from a list").handler(ListCommands::lrange).build());
        t.register(command("lrem", 4).flags(WRITE).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("list")
            .since("1.0.0").summary("Remove elements from a list").handler(ListCommands::lrem).build());
        t.register(command("lset", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "update")).group("list")
            .since("1.0.0").summary("Set the value of an element in a list by its index").handler(ListCommands::lset).build());
        t.register(command("ltrim", 4).flags(WRITE).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("list")
            .since("1.0.0").summary("Trim a list to the specified range").handler(ListCommands::ltrim).build());
        t.register(command("lpos", -3).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("list")
            .since("6.0.6").summary("Return the index of matching elements on a list").handler(ListCommands::lpos).build());
        t.register(command("lmove", 5).flags(WRITE, DENYOOM).keys(1, 2, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "RW", "insert")).group("list").since("6.2.0")
            .summary("Pop an element from a list, push it to another list and return it").handler(ListCommands::lmove).build());
        t.register(command("rpoplpush", 3).flags(WRITE, DENYOOM).keys(1, 2, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "RW", "insert")).group("list").since("1.2.0")
            .summary("Remove the last element in a list, prepend it to another list and return it")
            .handler(ListCommands::rpoplpush).build());
        t.register(command("lmpop", -4).flags(WRITE).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RW", "access", "delete")).group("list").since("7.0.0")
            .summary("Pop elements from a list").handler(ListCommands::lmpop).build());
        t.register(command("blpop", -3).flags(WRITE, NOSCRIPT, BLOCKING).keys(1, -2, 1).keySpecs(KeySpec.range(1, -2, 1, "RW", "access", "delete")).group("list")
            .since("2.0.0").summary("Remove and get the first element in a list, or block until one is available")
            .handler((c, argv) -> bpop(c, argv, true)).build());
        t.register(command("brpop", -3).flags(WRITE, NOSCRIPT, BLOCKING).keys(1, -2, 1).keySpecs(KeySpec.range(1, -2, 1, "RW", "access", "delete")).group("list")
            .since("2.0.0").summary("Remove and get the last element in a list, or block until one is available")
            .handler((c, argv) -> bpop(c, argv, false)).build());
        t.register(command("blmove", 6).flags(WRITE, DENYOOM, NOSCRIPT, BLOCKING).keys(1, 2, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "RW", "insert")).group("list").since("6.2.0")
            .summary("Pop an element from a list, push it to another list and return it; or block until one is available")
            .handler(ListCommands::blmove).build());
        t.register(command("brpoplpush", 4).flags(WRITE, DENYOOM, NOSCRIPT, BLOCKING).keys(1, 2, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "RW", "insert")).group("list").since("2.2.0")
            .summary("Pop an element from a list, push it to another list and return it; or block until one is available")
            .handler(ListCommands::brpoplpush).build());
        t.register(command("blmpop", -5).flags(WRITE, BLOCKING).keys(0, 0, 0).keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "delete")).group("list").since("7.0.0")
            .summary("Pop elements from a list, or block until one is available").handler(ListCommands::blmpop).build());
    }

    /**
     * After an in-place change: deletes the key when the list is now empty, else signals the
     * change; then sends the keyspace event {@code event}, and "del" when the key went.
     */
    private static void changed(Client c, Key key, Entry e, String event) {
        boolean emptied = ((ListValue) e.value()).length() == 0;
        if (emptied) {
            c.db().remove(key, c.server().nowMs());
        } else {
            c.db().modified(key, e);
        }
        KeyspaceNotify.list(c, event, key.bytes());
        if (emptied) {
            KeyspaceNotify.generic(c, "del", key.bytes());
        }
    }

    private static String popEvent(boolean head) {
        return head ? "lpop" : "rpop";
    }

    private static String pushEvent(boolean head) {
        return head ? "lpush" : "rpush";
    }

    // LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...]
    private static void push(Client c, byte[][] argv, boolean head, boolean onlyIfExists) {
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (Args.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        if (e == null && onlyIfExists) {
            c.out().raw(Replies.ZERO);
            return;
        }
        ListValue list = e == null ? new ListValue() : (ListValue) e.value();
        for (int i = 2; i < argv.length; i++) {
            if (head) {
                list.pushHead(argv[i]);
            } else {
                list.pushTail(argv[i]);
            }
        }
        if (e == null) {
            c.db().put(key, Entry.of(ValueType.LIST, list, Entry.NO_EXPIRY, c.server().nowMs()));
        } else {
            c.db().modified(key, e);
        }
        KeyspaceNotify.list(c, pushEvent(head), argv[1]);
        c.out().integer(list.length());
        c.server().propagate(c.dbIndex(), argv);
    }

    // LPOP / RPOP key [count]
    private static void pop(Client c, byte[][] argv, boolean head) {
        if (argv.length > 3) {
            c.out().error("ERR wrong number of arguments for '" + (head ? "lpop" : "rpop") + "' command");
            return;
        }
        boolean hasCount = argv.length == 3;
        long count = 0;
        if (hasCount) {
            Long n = Args.longOrReply(c, argv[2], POSITIVE);
            if (n == null) {
                return;
            }
            if (n < 0) {
                c.out().error("ERR " + POSITIVE);
                return;
            }
            count = n;
        }
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            if (hasCount) {
                c.out().nullArray();
            } else {
                c.out().nullBulk();
            }
            return;
        }
        if (Args.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        if (hasCount && count == 0) {
            c.out().raw(Replies.EMPTY_ARRAY);
            return;
        }
        ListValue list = (ListValue) e.value();
        if (!hasCount) {
            c.out().bulk(head ? list.popHead() : list.popTail());
        } else {
            List<byte[]> popped = popMany(list, head, count);
            c.out().array(popped.size());
            popped.forEach(c.out()::bulk);
        }
        changed(c, key, e, popEvent(head));
        c.server().propagate(c.dbIndex(), argv);
    }

    private static List<byte[]> popMany(ListValue list, boolean head, long count) {
        int n = (int) Math.min(count, list.length());
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(head ? list.popHead() : list.popTail());
        }
        return out;
    }

    // LLEN key
    private static void llen(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        ListValue l = TypedLookup.read(c, argv[1], ValueType.LIST, ListValue.class, wrong);
        if (!wrong[0]) {
            c.out().integer(l == null ? 0 : l.length());
        }
    }

    // LINDEX key index
    private static void lindex(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        ListValue l = TypedLookup.read(c, argv[1], ValueType.LIST, ListValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (l == null) {
            c.out().nullBulk(); // before the index is read, as Redis does
            return;
        }
        Long index = Args.longOrReply(c, argv[2]);
        if (index == null) {
            return;
        }
        long i = index < 0 ? l.length() + index : index;
        if (i < 0 || i >= l.length()) {
            c.out().nullBulk();
        } else {
            c.out().bulk(l.get((int) i));
        }
    }

    // LINSERT key BEFORE|AFTER pivot element
    private static void linsert(Client c, byte[][] argv) {
        boolean after;
        if (Args.is(argv[2], "after")) {
            after = true;
        } else if (Args.is(argv[2], "before")) {
            after = false;
        } else {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (Args.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        ListValue l = (ListValue) e.value();
        for (int i = 0; i < l.length(); i++) {
            if (Arrays.equals(l.get(i), argv[3])) {
                l.insert(after ? i + 1 : i, argv[4]);
                c.db().modified(key, e);
                KeyspaceNotify.list(c, "linsert", argv[1]);
                c.out().integer(l.length());
                c.server().propagate(c.dbIndex(), argv);
                return;
            }
        }
        c.out().integer(-1);
    }

    // LRANGE key start stop
    private static void lrange(Client c, byte[][] argv) {
        Long start = Args.longOrReply(c, argv[2]);
        if (start == null) {
            return;
        }
        Long end = Args.longOrReply(c, argv[3]);
        if (end == null) {
            return;
        }
        boolean[] wrong = {false};
        ListValue l = TypedLookup.read(c, argv[1], ValueType.LIST, ListValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        long[] r = l == null ? null : IndexRange.of(start, end, l.length());
        if (r == null) {
            c.out().raw(Replies.EMPTY_ARRAY);
            return;
        }
        c.out().array((int) (r[1] - r[0] + 1));
        for (int i = (int) r[0]; i <= r[1]; i++) {
            c.out().bulk(l.get(i));
        }
    }

    // LREM key count element
    private static void lrem(Client c, byte[][] argv) {
        Long count = Args.longOrReply(c, argv[2]);
        if (count == null) {
            return;
        }
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (Args.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        ListValue l = (ListValue) e.value();
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        int removed = 0;
        if (count >= 0) {
            for (int i = 0; i < l.length() && removed < limit; ) {
                if (Arrays.equals(l.get(i), argv[3])) {
                    l.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = l.length() - 1; i >= 0 && removed < limit; i--) {
                if (Arrays.equals(l.get(i), argv[3])) {
                    l.remove(i);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            changed(c, key, e, "lrem");
            c.server().propagate(c.dbIndex(), argv);
        }
        c.out().integer(removed);
    }

    // LSET key index element
    private static void lset(Client c, byte[][] argv) {
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().error("ERR no such key");
            return;
        }
        if (Args.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        Long index = Args.longOrReply(c, argv[2]);
        if (index == null) {
            return;
        }
        ListValue l = (ListValue) e.value();
        long i = index < 0 ? l.length() + index : index;
        if (i < 0 || i >= l.length()) {
            c.out().error("ERR index out of range");
            return;
        }
        l.set((int) i, argv[3]);
        c.db().modified(key, e);
        KeyspaceNotify.list(c, "lset", argv[1]);
        c.out().raw(Replies.OK);
        c.server().propagate(c.dbIndex(), argv);
    }

    // LTRIM key start stop
    private static void ltrim(Client c, byte[][] argv) {
        Long start = Args.longOrReply(c, argv[2]);
        if (start == null) {
            return;
        }
        Long end = Args.longOrReply(c, argv[3]);
        if (end == null) {
            return;
        }
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().raw(Replies.OK);
            return;
        }
        if (Args.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        ListValue l = (ListValue) e.value();
        long[] r = IndexRange.of(start, end, l.length());
        if (r == null) {
            l.keepRange(0, -1);
        } else {
            l.keepRange((int) r[0], (int) r[1]);
        }
        changed(c, key, e, "ltrim");
        c.out().raw(Replies.OK);
        c.server().propagate(c.dbIndex(), argv);
    }

    // LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    private static void lpos(Client c, byte[][] argv) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            if (Args.is(argv[j], "rank") && more) {
                Long r = Args.longOrReply(c, argv[++j]);
                if (r == null) {
                    return;
                }
                if (r == 0) {
                    c.out().error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                        + "or use negative to start from the end of the list");
                    return;
                }
                rank = r;
            } else if (Args.is(argv[j], "count") && more) {
                Long n = Args.longOrReply(c, argv[++j], "COUNT can't be negative");
                if (n == null) {
                    return;
                }
                if (n < 0) {
                    c.out().error("ERR COUNT can't be negative");
                    return;
                }
                count = n;
            } else if (Args.is(argv[j], "maxlen") && more) {
                Long n = Args.longOrReply(c, argv[++j], "MAXLEN can't be negative");
                if (n == null) {
                    return;
                }
                if (n < 0) {
                    c.out().error("ERR MAXLEN can't be negative");
                    return;
                }
                maxlen = n;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        boolean[] wrong = {false};
        ListValue l = TypedLookup.read(c, argv[1], ValueType.LIST, ListValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (l == null) {
            if (count != -1) {
                c.out().raw(Replies.EMPTY_ARRAY);
            } else {
                c.out().nullBulk();
            }
            return;
        }
        List<Long> matches = new ArrayList<>();
        long wanted = count == 0 ? Long.MAX_VALUE : Math.max(1, count);
        // Redis negates a negative rank; LONG_MIN stays negative there and so takes the first match from the tail.
        long skip = rank == Long.MIN_VALUE ? 0 : Math.abs(rank) - 1;
        int n = l.length();
        long scanned = 0;
        for (int k = 0; k < n && matches.size() < wanted && (maxlen == 0 || scanned < maxlen); k++, scanned++) {
            int i = rank > 0 ? k : n - 1 - k;
            if (Arrays.equals(l.get(i), argv[2])) {
                if (skip > 0) {
                    skip--;
                } else {
                    matches.add((long) i);
                }
            }
        }
        if (count == -1) {
            if (matches.isEmpty()) {
                c.out().nullBulk();
            } else {
                c.out().integer(matches.get(0));
            }
            return;
        }
        c.out().array(matches.size());
        matches.forEach(c.out()::integer);
    }

    // LMOVE source destination LEFT|RIGHT LEFT|RIGHT
    private static void lmove(Client c, byte[][] argv) {
        Boolean fromHead = side(argv[3]);
        Boolean toHead = fromHead == null ? null : side(argv[4]);
        if (toHead == null) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        if (move(c, argv[1], argv[2], fromHead, toHead) == Moved.EMPTY) {
            c.out().nullBulk();
        }
    }

    // RPOPLPUSH source destination
    private static void rpoplpush(Client c, byte[][] argv) {
        if (move(c, argv[1], argv[2], false, true) == Moved.EMPTY) {
            c.out().nullBulk();
        }
    }

    private static Boolean side(byte[] arg) {
        if (Args.is(arg, "left")) {
            return true;
        }
        if (Args.is(arg, "right")) {
            return false;
        }
        return null;
    }

    private enum Moved { DONE, EMPTY, WRONGTYPE }

    /**
     * Moves one element from {@code src} to {@code dst}, replying the element; EMPTY when the
     * source has none (nothing replied), WRONGTYPE after replying it. Propagates as LMOVE.
     */
    private static Moved move(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead) {
        long now = c.server().nowMs();
        Key srcKey = Args.key(src);
        Entry se = c.db().lookupForWrite(srcKey, now);
        if (se == null) {
            return Moved.EMPTY;
        }
        if (Args.wrongType(c, se, ValueType.LIST)) {
            return Moved.WRONGTYPE;
        }
        Key dstKey = Args.key(dst);
        Entry de = c.db().lookupForWrite(dstKey, now);
        if (Args.wrongType(c, de, ValueType.LIST)) {
            return Moved.WRONGTYPE;
        }
        boolean sameKey = srcKey.equals(dstKey);
        ListValue from = (ListValue) se.value();
        byte[] element = fromHead ? from.popHead() : from.popTail();
        // Pushed before the source is checked for emptiness, as Redis does: a one-element list
        // rotated onto itself is never deleted, and the events come push first, then pop.
        ListValue to = sameKey ? from : de == null ? new ListValue() : (ListValue) de.value();
        if (toHead) {
            to.pushHead(element);
        } else {
            to.pushTail(element);
        }
        if (sameKey) {
            c.db().modified(srcKey, se);
            KeyspaceNotify.list(c, pushEvent(toHead), dst);
            KeyspaceNotify.list(c, popEvent(fromHead), src);
        } else {
            if (de == null) {
                c.db().put(dstKey, Entry.of(ValueType.LIST, to, Entry.NO_EXPIRY, now));
            } else {
                c.db().modified(dstKey, de);
            }
            KeyspaceNotify.list(c, pushEvent(toHead), dst);
            changed(c, srcKey, se, popEvent(fromHead));
        }
        c.out().bulk(element);
        if (sameKey) {
            c.server().propagate(c.dbIndex(), LMOVE, src, dst, fromHead ? LEFT : RIGHT, toHead ? LEFT : RIGHT);
        } else {
            // The element travels in the stream: a replica whose pulled table already holds the
            // source's later state (the RDMA sync's LSN filter) can still apply the push alone.
            c.server().propagateTogether(c.dbIndex(), new byte[][] {fromHead ? LPOP : RPOP, src},
                new byte[][] {toHead ? LPUSH : RPUSH, dst, element});
        }
        return Moved.DONE;
    }

    // LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
    private static void lmpop(Client c, byte[][] argv) {
        MultiPop a = MultiPop.parseOrReply(c, argv, 1, "left", "right");
        if (a == null) {
            return;
        }
        boolean head = a.fromFirstEnd();
        if (WaitForKeys.serveFirst(c, a.keys(), ValueType.LIST, (w, key, e) -> {
            mpopFrom(w, key, e, head, a.count());
            return true;
        }) == WaitForKeys.Found.NONE) {
            c.out().nullArray();
        }
    }

    /** Pops up to {@code count} from a non-empty list and replies [key, [elements]]; propagates LPOP/RPOP key count. */
    private static void mpopFrom(Client c, byte[] key, Entry e, boolean head, long count) {
        List<byte[]> popped = popMany((ListValue) e.value(), head, count);
        changed(c, Args.key(key), e, popEvent(head));
        c.out().array(2).bulk(key).array(popped.size());
        popped.forEach(c.out()::bulk);
        c.server().propagate(c.dbIndex(), head ? LPOP : RPOP, key, Numbers.toBytes(popped.size()));
    }

    // ------------------------------------------------------------------ blocking

    // BLPOP / BRPOP key [key ...] timeout
    private static void bpop(Client c, byte[][] argv, boolean head) {
        Long deadline = WaitForKeys.parseOrReply(c, argv[argv.length - 1]);
        if (deadline == null) {
            return;
        }
        List<byte[]> keys = Arrays.asList(argv).subList(1, argv.length - 1);
        WaitForKeys.serveOrBlock(c, keys, deadline, ValueType.LIST, (w, key, e) -> {
            popOneAndReply(w, key, e, head);
            return true;
        });
    }

    /** BLPOP's reply [key, element], propagated as LPOP/RPOP key. */
    private static void popOneAndReply(Client c, byte[] key, Entry e, boolean head) {
        ListValue l = (ListValue) e.value();
        byte[] element = head ? l.popHead() : l.popTail();
        changed(c, Args.key(key), e, popEvent(head));
        c.out().array(2).bulk(key).bulk(element);
        c.server().propagate(c.dbIndex(), head ? LPOP : RPOP, key);
    }

    // BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
    private static void blmove(Client c, byte[][] argv) {
        Boolean fromHead = side(argv[3]);
        Boolean toHead = fromHead == null ? null : side(argv[4]);
        if (toHead == null) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        blockingMove(c, argv[1], argv[2], fromHead, toHead, argv[5]);
    }

    // BRPOPLPUSH source destination timeout
    private static void brpoplpush(Client c, byte[][] argv) {
        blockingMove(c, argv[1], argv[2], false, true, argv[3]);
    }

    private static void blockingMove(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead, byte[] timeout) {
        Long deadline = WaitForKeys.parseOrReply(c, timeout);
        if (deadline == null) {
            return;
        }
        Moved r = move(c, src, dst, fromHead, toHead);
        if (r != Moved.EMPTY) {
            return;
        }
        if (c.executingTransaction()) {
            c.out().nullBulk();
            return;
        }
        WaitForKeys.block(c, List.of(src), deadline, ValueType.LIST, (w, key, e) -> move(w, src, dst, fromHead, toHead) != Moved.EMPTY);
    }

    // BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
    private static void blmpop(Client c, byte[][] argv) {
        Long deadline = WaitForKeys.parseOrReply(c, argv[1]);
        if (deadline == null) {
            return;
        }
        MultiPop a = MultiPop.parseOrReply(c, argv, 2, "left", "right");
        if (a == null) {
            return;
        }
        WaitForKeys.serveOrBlock(c, a.keys(), deadline, ValueType.LIST, (w, key, e) -> {
            mpopFrom(w, key, e, a.fromFirstEnd(), a.count());
            return true;
        });
    }
}
