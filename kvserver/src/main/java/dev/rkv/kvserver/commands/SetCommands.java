package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.command.CommandFlag.DENYOOM;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.store.ValueType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Set commands (t_set.c): SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE
 * SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN, with Redis 7.0's
 * replies and errors. SPOP propagates as SREM of the members it chose (or DEL when it took them
 * all), so replicas remove exactly those; SMOVE as its SREM and SADD, the STORE forms as their
 * result ({@link StoredResultEffects}).
 */
public final class SetCommands {
    private static final byte[] SREM = Args.bytes("SREM");
    private static final byte[] SADD = Args.bytes("SADD");
    private static final byte[] DEL = Args.bytes("DEL");
    /** Members per propagated SREM of a big SPOP, as Redis batches them. */
    private static final int SPOP_BATCH = 1024;
    private static final String POSITIVE = "value is out of range, must be positive";

    private SetCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("sadd", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("set")
            .since("1.0.0").summary("Add one or more members to a set").handler(SetCommands::sadd).build());
        t.register(command("srem", -3).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("set")
            .since("1.0.0").summary("Remove one or more members from a set").handler(SetCommands::srem).build());
        t.register(command("scard", 2).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("set")
            .since("1.0.0").summary("Get the number of members in a set").handler(SetCommands::scard).build());
        t.register(command("sismember", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("set")
            .since("1.0.0").summary("Determine if a given value is a member of a set").handler(SetCommands::sismember).build());
        t.register(command("smismember", -3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("set")
            .since("6.2.0").summary("Returns the membership associated with the given elements for a set")
            .handler(SetCommands::smismember).build());
        t.register(command("smembers", 2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output_order")
            .group("set").since("1.0.0").summary("Get all the members in a set").handler(SetCommands::smembers).build());
        t.register(command("srandmember", -2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("set").since("1.0.0").summary("Get one or multiple random members from a set").handler(SetCommands::srandmember).build());
        t.register(command("spop", -2).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete"))
            .tips("nondeterministic_output").group("set").since("1.0.0")
            .summary("Remove and return one or multiple random members from a set").handler(SetCommands::spop).build());
        t.register(command("smove", 4).flags(WRITE, FAST).keys(1, 2, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete"), KeySpec.single(2, "RW", "insert")).group("set").since("1.0.0")
            .summary("Move a member from one set to another").handler(SetCommands::smove).build());
        t.register(command("sinter", -2).flags(READONLY).keys(1, -1, 1).keySpecs(KeySpec.range(1, -1, 1, "RO", "access"))
            .tips("nondeterministic_output_order").group("set").since("1.0.0").summary("Intersect multiple sets")
            .handler((c, argv) -> algebra(c, argv, 1, null, Op.INTER)).build());
        t.register(command("sintercard", -3).flags(READONLY).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access")).group("set").since("7.0.0")
            .summary("Intersect multiple sets and return the cardinality of the result").handler(SetCommands::sintercard).build());
        t.register(command("sinterstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).keySpecs(KeySpec.single(1, "RW", "update"), KeySpec.range(2, -1, 1, "RO", "access")).group("set").since("1.0.0")
            .summary("Intersect multiple sets and store the resulting set in a key")
            .handler((c, argv) -> algebra(c, argv, 2, argv[1], Op.INTER)).build());
        t.register(command("sunion", -2).flags(READONLY).keys(1, -1, 1).keySpecs(KeySpec.range(1, -1, 1, "RO", "access"))
            .tips("nondeterministic_output_order").group("set").since("1.0.0").summary("Add multiple sets")
            .handler((c, argv) -> algebra(c, argv, 1, null, Op.UNION)).build());
        t.register(command("sunionstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).keySpecs(KeySpec.single(1, "OW", "update"), KeySpec.range(2, -1, 1, "RO", "access")).group("set").since("1.0.0")
            .summary("Add multiple sets and store the resulting set in a key")
            .handler((c, argv) -> algebra(c, argv, 2, argv[1], Op.UNION)).build());
        t.register(command("sdiff", -2).flags(READONLY).keys(1, -1, 1).keySpecs(KeySpec.range(1, -1, 1, "RO", "access"))
            .tips("nondeterministic_output_order").group("set").since("1.0.0").summary("Subtract multiple sets")
            .handler((c, argv) -> algebra(c, argv, 1, null, Op.DIFF)).build());
        t.register(command("sdiffstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).keySpecs(KeySpec.single(1, "OW", "update"), KeySpec.range(2, -1, 1, "RO", "access")).group("set").since("1.0.0")
            .summary("Subtract multiple sets and store the resulting set in a key")
            .handler((c, argv) -> algebra(c, argv, 2, argv[1], Op.DIFF)).build());
        t.register(command("sscan", -3).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("set").since("2.8.0").summary("Incrementally iterate Set elements").handler(SetCommands::sscan).build());
    }

    private static long maxIntset(Client c) {
        return c.server().config().getLong("set-max-intset-entries");
    }


    /** Stores a set built from scratch at {@code key}, or deletes the key when it is empty. */
    private static void store(Client c, Key key, SetValue s) {
        long now = c.server().nowMs();
        if (s.size() == 0) {
            c.db().remove(key, now);
        } else {
            c.db().put(key, Entry.of(ValueType.SET, s, Entry.NO_EXPIRY, now));
        }
    }

    /**
     * After an in-place change: deletes the key if the set is now empty, else signals the change;
     * then sends the keyspace event {@code event}, and "del" when the key went.
     */
    private static void changed(Client c, Key key, Entry e, String event) {
        boolean emptied = ((SetValue) e.value()).size() == 0;
        if (emptied) {
            c.db().remove(key, c.server().nowMs());
        } else {
            c.db().modified(key, e);
        }
        KeyspaceNotify.set(c, event, key.bytes());
        if (emptied) {
            KeyspaceNotify.generic(c, "del", key.bytes());
        }
    }

    // SADD key member [member ...]
    private static void sadd(Client c, byte[][] argv) {
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (Args.wrongType(c, e, ValueType.SET)) {
            return;
        }
        SetValue s = e == null ? SetValue.forFirstMember(argv[2]) : (SetValue) e.value();
        long max = maxIntset(c);
        int added = 0;
        for (int i = 2; i < argv.length; i++) {
            if (s.add(argv[i], max)) {
                added++;
            }
        }
        if (e == null) {
            store(c, key, s);
        } else if (added > 0) {
            c.db().modified(key, e);
        }
        c.out().integer(added);
        if (added > 0) {
            KeyspaceNotify.set(c, "sadd", argv[1]);
            c.server().propagate(c.dbIndex(), argv);
        }
    }

    // SREM key member [member ...]
    private static void srem(Client c, byte[][] argv) {
        ElementCommands.removeElements(c, argv, ValueType.SET, SetValue.class, SetValue::remove,
            KeyspaceEventClasses.SET, "srem");
    }

    // SCARD key
    private static void scard(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        SetValue s = TypedLookup.read(c, argv[1], ValueType.SET, SetValue.class, wrong);
        if (!wrong[0]) {
            c.out().integer(s == null ? 0 : s.size());
        }
    }

    // SISMEMBER key member
    private static void sismember(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        SetValue s = TypedLookup.read(c, argv[1], ValueType.SET, SetValue.class, wrong);
        if (!wrong[0]) {
            c.out().raw(s != null && s.contains(argv[2]) ? Replies.ONE : Replies.ZERO);
        }
    }

    // SMISMEMBER key member [member ...]
    private static void smismember(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        SetValue s = TypedLookup.read(c, argv[1], ValueType.SET, SetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        c.out().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            c.out().integer(s != null && s.contains(argv[i]) ? 1 : 0);
        }
    }

    // SMEMBERS key
    private static void smembers(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        SetValue s = TypedLookup.read(c, argv[1], ValueType.SET, SetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        replySet(c, s == null ? List.of() : s.members());
    }

    private static void replySet(Client c, List<byte[]> members) {
        c.out().set(members.size());
        for (byte[] m : members) {
            c.out().bulk(m);
        }
    }

    // SRANDMEMBER key [count]
    private static void srandmember(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        if (argv.length == 3) {
            srandmemberWithCount(c, argv);
            return;
        }
        boolean[] wrong = {false};
        SetValue s = TypedLookup.read(c, argv[1], ValueType.SET, SetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (s == null) {
            c.out().nullBulk();
        } else {
            c.out().bulk(s.random());
        }
    }

    private static void srandmemberWithCount(Client c, byte[][] argv) {
        RandomCount rc = RandomCount.parseOrReply(c, argv, null);
        if (rc == null) {
            return;
        }
        long count = rc.count();
        boolean[] wrong = {false};
        SetValue s = TypedLookup.read(c, argv[1], ValueType.SET, SetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (s == null || count == 0) {
            c.out().array(0);
            return;
        }
        if (count < 0) {
            c.out().array((int) Math.min(Integer.MAX_VALUE, -count));
            for (long i = 0; i < -count; i++) {
                c.out().bulk(s.random());
            }
            return;
        }
        List<byte[]> picked = count >= s.size() ? s.members() : RandomCount.distinct(s.members(), (int) count, false);
        c.out().array(picked.size());
        for (byte[] m : picked) {
            c.out().bulk(m);
        }
    }

    // SPOP key [count]
    private static void spop(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        Key key = Args.key(argv[1]);
        if (argv.length == 3) {
            spopWithCount(c, argv, key);
            return;
        }
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        if (Args.wrongType(c, e, ValueType.SET)) {
            return;
        }
        SetValue s = (SetValue) e.value();
        byte[] member = s.random();
        s.remove(member);
        c.out().bulk(member);
        changed(c, key, e, "spop");
        c.server().propagate(c.dbIndex(), SREM, argv[1], member);
    }

    private static void spopWithCount(Client c, byte[][] argv, Key key) {
        Long count = Args.longOrReply(c, argv[2], POSITIVE);
        if (count == null) {
            return;
        }
        if (count < 0) {
            c.out().error("ERR " + POSITIVE);
            return;
        }
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().set(0);
            return;
        }
        if (Args.wrongType(c, e, ValueType.SET)) {
            return;
        }
        if (count == 0) {
            c.out().set(0);
            return;
        }
        SetValue s = (SetValue) e.value();
        if (count >= s.size()) {
            replySet(c, s.members());
            c.db().remove(key, c.server().nowMs());
            KeyspaceNotify.set(c, "spop", argv[1]);
            KeyspaceNotify.generic(c, "del", argv[1]);
            c.server().propagate(c.dbIndex(), DEL, argv[1]);
            return;
        }
        List<byte[]> popped = RandomCount.distinct(s.members(), count.intValue(), false);
        for (byte[] m : popped) {
            s.remove(m);
        }
        changed(c, key, e, "spop");
        replySet(c, popped);
        for (byte[][] effect : ChunkedEffect.of(SREM, argv[1], popped, SPOP_BATCH)) {
            c.server().propagate(c.dbIndex(), effect);
        }
    }

    // SMOVE source destination member
    private static void smove(Client c, byte[][] argv) {
        long now = c.server().nowMs();
        Key src = Args.key(argv[1]);
        Key dst = Args.key(argv[2]);
        Entry se = c.db().lookupForWrite(src, now);
        Entry de = c.db().lookupForWrite(dst, now);
        if (se == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (Args.wrongType(c, se, ValueType.SET) || Args.wrongType(c, de, ValueType.SET)) {
            return;
        }
        SetValue from = (SetValue) se.value();
        if (src.equals(dst)) {
            c.out().raw(from.contains(argv[3]) ? Replies.ONE : Replies.ZERO);
            return;
        }
        if (!from.remove(argv[3])) {
            c.out().raw(Replies.ZERO);
            return;
        }
        changed(c, src, se, "srem");
        if (de == null) {
            SetValue to = SetValue.forFirstMember(argv[3]);
            to.add(argv[3], maxIntset(c));
            store(c, dst, to);
            KeyspaceNotify.set(c, "sadd", argv[2]);
        } else if (((SetValue) de.value()).add(argv[3], maxIntset(c))) {
            c.db().modified(dst, de);
            KeyspaceNotify.set(c, "sadd", argv[2]);
        }
        c.out().raw(Replies.ONE);
        // As its two halves, which replay on each key alone (the RDMA sync's LSN filter may
        // have one side newer already); replicas apply them together.
        c.server().propagateTogether(c.dbIndex(), new byte[][] {SREM, argv[1], argv[3]}, new byte[][] {SADD, argv[2], argv[3]});
    }

    private enum Op { INTER, UNION, DIFF }

    /**
     * SINTER/SUNION/SDIFF and their STORE forms over argv[first..]: every key is type-checked
     * first (a missing key is an empty set), then the result is replied or stored at {@code dst}.
     */
    private static void algebra(Client c, byte[][] argv, int first, byte[] dst, Op op) {
        List<SetValue> sets = new ArrayList<>();
        boolean anyMissing = false;
        long now = c.server().nowMs();
        for (int i = first; i < argv.length; i++) {
            Key k = Args.key(argv[i]);
            Entry e = Args.lookupRead(c, k);
            if (Args.wrongType(c, e, ValueType.SET)) {
                return;
            }
            sets.add(e == null ? null : (SetValue) e.value());
            anyMissing |= e == null;
        }
        SetValue result = switch (op) {
            case INTER -> anyMissing ? null : intersect(sets, Long.MAX_VALUE, maxIntset(c));
            case UNION -> union(sets, maxIntset(c));
            case DIFF -> diff(sets, maxIntset(c));
        };
        if (dst == null) {
            replySet(c, result == null ? List.of() : result.members());
            return;
        }
        Key target = Args.key(dst);
        boolean existed = c.db().lookup(target, now) != null;
        if (result == null || result.size() == 0) {
            if (existed) {
                c.db().remove(target, now);
                KeyspaceNotify.generic(c, "del", dst);
                StoredResultEffects.set(c, dst, List.of());
            }
            c.out().raw(Replies.ZERO);
            return;
        }
        store(c, target, result);
        KeyspaceNotify.set(c, switch (op) {
            case INTER -> "sinterstore";
            case UNION -> "sunionstore";
            case DIFF -> "sdiffstore";
        }, dst);
        c.out().integer(result.size());
        StoredResultEffects.set(c, dst, result.members());
    }

    /** Members of the smallest set found in every other, in the smallest set's order; at most {@code limit}. */
    private static SetValue intersect(List<SetValue> sets, long limit, long maxIntset) {
        List<SetValue> bySize = new ArrayList<>(sets);
        bySize.sort(Comparator.comparingLong(SetValue::size));
        SetValue smallest = bySize.get(0);
        SetValue out = null;
        long[] found = {0};
        for (byte[] m : smallest.members()) {
            if (found[0] >= limit) {
                break;
            }
            boolean inAll = true;
            for (int j = 1; j < bySize.size() && inAll; j++) {
                inAll = bySize.get(j) == smallest || bySize.get(j).contains(m);
            }
            if (inAll) {
                if (out == null) {
                    out = SetValue.forFirstMember(m);
                }
                out.add(m, maxIntset);
                found[0]++;
            }
        }
        return out;
    }

    private static SetValue union(List<SetValue> sets, long maxIntset) {
        SetValue out = null;
        for (SetValue s : sets) {
            if (s == null) {
                continue;
            }
            for (byte[] m : s.members()) {
                if (out == null) {
                    out = SetValue.forFirstMember(m);
                }
                out.add(m, maxIntset);
            }
        }
        return out;
    }

    private static SetValue diff(List<SetValue> sets, long maxIntset) {
        SetValue head = sets.get(0);
        if (head == null) {
            return null;
        }
        SetValue out = null;
        for (byte[] m : head.members()) {
            boolean elsewhere = false;
            for (int j = 1; j < sets.size() && !elsewhere; j++) {
                elsewhere = sets.get(j) != null && sets.get(j).contains(m);
            }
            if (!elsewhere) {
                if (out == null) {
                    out = SetValue.forFirstMember(m);
                }
                out.add(m, maxIntset);
            }
        }
        return out;
    }

    // SINTERCARD numkeys key [key ...] [LIMIT limit]
    private static void sintercard(Client c, byte[][] argv) {
        Long numkeys = Args.longOrReply(c, argv[1], "numkeys should be greater than 0");
        if (numkeys == null) {
            return;
        }
        if (numkeys < 1) {
            c.out().error("ERR numkeys should be greater than 0");
            return;
        }
        if (numkeys > argv.length - 2) {
            c.out().error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + numkeys.intValue(); j < argv.length; j++) {
            if (Args.is(argv[j], "limit") && j + 1 < argv.length) {
                j++;
                Long l = Args.longOrReply(c, argv[j], "LIMIT can't be negative");
                if (l == null) {
                    return;
                }
                if (l < 0) {
                    c.out().error("ERR LIMIT can't be negative");
                    return;
                }
                limit = l;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        List<SetValue> sets = new ArrayList<>();
        boolean anyMissing = false;
        for (int i = 2; i < 2 + numkeys; i++) {
            Entry e = Args.lookupRead(c, Args.key(argv[i]));
            if (Args.wrongType(c, e, ValueType.SET)) {
                return;
            }
            sets.add(e == null ? null : (SetValue) e.value());
            anyMissing |= e == null;
        }
        if (anyMissing) {
            c.out().raw(Replies.ZERO);
            return;
        }
        SetValue result = intersect(sets, limit == 0 ? Long.MAX_VALUE : limit, Long.MAX_VALUE);
        c.out().integer(result == null ? 0 : result.size());
    }

    // SSCAN key cursor [MATCH pattern] [COUNT count]
    private static void sscan(Client c, byte[][] argv) {
        ElementCommands.scan(c, argv, ValueType.SET, SetValue.class,
            (s, cursor, count, element) -> s.scan(cursor, count, m -> element.accept(m, null)));
    }
}
