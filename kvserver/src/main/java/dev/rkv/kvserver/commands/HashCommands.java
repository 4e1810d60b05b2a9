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
import dev.rkv.kvserver.store.HashLimits;
import dev.rkv.kvserver.store.HashValue;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.util.Numbers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hash commands (t_hash.c): HSET HSETNX HGET HMGET HMSET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS
 * HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, with Redis 7.0's replies and errors.
 *
 * <p>Hashes change in place ({@link HashValue}); every write signals the key once through
 * {@code Database.modified} and propagates itself, except HINCRBYFLOAT, which propagates
 * {@code HSET key field result} so that replicas store the primary's exact value.
 */
public final class HashCommands {
    private static final byte[] HSET = Args.bytes("HSET");

    private HashCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("hset", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "update")).group("hash")
            .since("2.0.0").summary("Set the string value of a hash field").handler((c, argv) -> hset(c, argv, false)).build());
        t.register(command("hmset", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "update")).group("hash")
            .since("2.0.0").summary("Set multiple hash fields to multiple values").handler((c, argv) -> hset(c, argv, true)).build());
        t.register(command("hsetnx", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "insert")).group("hash")
            .since("2.0.0").summary("Set the value of a hash field, only if the field does not exist").handler(HashCommands::hsetnx).build());
        t.register(command("hget", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("hash")
            .since("2.0.0").summary("Get the value of a hash field").handler(HashCommands::hget).build());
        t.register(command("hmget", -3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("hash")
            .since("2.0.0").summary("Get the values of all the given hash fields").handler(HashCommands::hmget).build());
        t.register(command("hdel", -3).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("hash")
            .since("2.0.0").summary("Delete one or more hash fields").handler(HashCommands::hdel).build());
        t.register(command("hlen", 2).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("hash")
            .since("2.0.0").summary("Get the number of fields in a hash").handler(HashCommands::hlen).build());
        t.register(command("hstrlen", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("hash")
            .since("3.2.0").summary("Get the length of the value of a hash field").handler(HashCommands::hstrlen).build());
        t.register(command("hexists", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("hash")
            .since("2.0.0").summary("Determine if a hash field exists").handler(HashCommands::hexists).build());
        t.register(command("hkeys", 2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output_order")
            .group("hash").since("2.0.0").summary("Get all the fields in a hash").handler((c, argv) -> hgetall(c, argv, true, false)).build());
        t.register(command("hvals", 2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output_order")
            .group("hash").since("2.0.0").summary("Get all the values in a hash").handler((c, argv) -> hgetall(c, argv, false, true)).build());
        t.register(command("hgetall", 2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output_order")
            .group("hash").since("2.0.0").summary("Get all the fields and values in a hash").handler((c, argv) -> hgetall(c, argv, true, true)).build());
        t.register(command("hincrby", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "update")).group("hash")
            .since("2.0.0").summary("Increment the integer value of a hash field by the given number").handler(HashCommands::hincrby).build());
        t.register(command("hincrbyfloat", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "update"))
            .group("hash").since("2.6.0").summary("Increment the float value of a hash field by the given amount")
            .handler(HashCommands::hincrbyfloat).build());
        t.register(command("hrandfield", -2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("hash").since("6.2.0").summary("Get one or multiple random fields from a hash").handler(HashCommands::hrandfield).build());
        t.register(command("hscan", -3).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("hash").since("2.8.0").summary("Incrementally iterate hash fields and associated values").handler(HashCommands::hscan).build());
    }

    static HashLimits limits(Client c) {
        return new HashLimits(c.server().config().getLong("hash-max-listpack-entries"),
            c.server().config().getLong("hash-max-listpack-value"));
    }


    /** A hash being written: the existing one (copied first if a snapshot holds it) or a new one, stored by {@link #done}. */
    private record Target(Key key, Entry entry, HashValue hash, boolean created) {
    }

    /** The hash to write at argv[1], created when absent; null after replying WRONGTYPE. */
    private static Target writable(Client c, byte[] keyBytes) {
        Key key = Args.key(keyBytes);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            return new Target(key, null, HashValue.empty(), true);
        }
        if (Args.wrongType(c, e, ValueType.HASH)) {
            return null;
        }
        return new Target(key, e, (HashValue) e.value(), false);
    }

    /** Stores a new hash or signals the change of an existing one; deletes the key when emptied. */
    private static void done(Client c, Target t) {
        long now = c.server().nowMs();
        if (t.hash().size() == 0) {
            if (!t.created()) {
                c.db().remove(t.key(), now);
            }
        } else if (t.created()) {
            c.db().put(t.key(), Entry.of(ValueType.HASH, t.hash(), Entry.NO_EXPIRY, now));
        } else {
            c.db().modified(t.key(), t.entry());
        }
    }

    // HSET key field value [field value ...] / HMSET
    private static void hset(Client c, byte[][] argv, boolean hmset) {
        if (argv.length % 2 == 1) {
            c.out().error("ERR wrong number of arguments for '" + (hmset ? "hmset" : "hset") + "' command");
            return;
        }
        Target t = writable(c, argv[1]);
        if (t == null) {
            return;
        }
        HashLimits limits = limits(c);
        int created = 0;
        for (int i = 2; i < argv.length; i += 2) {
            if (t.hash().put(argv[i], argv[i + 1], limits)) {
                created++;
            }
        }
        done(c, t);
        KeyspaceNotify.hash(c, "hset", argv[1]);
        if (hmset) {
            c.out().raw(Replies.OK);
        } else {
            c.out().integer(created);
        }
        c.server().propagate(c.dbIndex(), argv);
    }

    // HSETNX key field value
    private static void hsetnx(Client c, byte[][] argv) {
        Target t = writable(c, argv[1]);
        if (t == null) {
            return;
        }
        if (t.hash().contains(argv[2])) {
            c.out().raw(Replies.ZERO);
            return;
        }
        t.hash().put(argv[2], argv[3], limits(c));
        done(c, t);
        KeyspaceNotify.hash(c, "hset", argv[1]);
        c.out().raw(Replies.ONE);
        c.server().propagate(c.dbIndex(), argv);
    }

    // HGET key field
    private static void hget(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        byte[] v = h == null ? null : h.get(argv[2]);
        if (v == null) {
            c.out().nullBulk();
        } else {
            c.out().bulk(v);
        }
    }

    // HMGET key field [field ...]
    private static void hmget(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        c.out().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            byte[] v = h == null ? null : h.get(argv[i]);
            if (v == null) {
                c.out().nullBulk();
            } else {
                c.out().bulk(v);
            }
        }
    }

    // HDEL key field [field ...]
    private static void hdel(Client c, byte[][] argv) {
        ElementCommands.removeElements(c, argv, ValueType.HASH, HashValue.class, HashValue::remove,
            KeyspaceEventClasses.HASH, "hdel");
    }

    // HLEN key
    private static void hlen(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (!wrong[0]) {
            c.out().integer(h == null ? 0 : h.size());
        }
    }

    // HSTRLEN key field
    private static void hstrlen(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (!wrong[0]) {
            byte[] v = h == null ? null : h.get(argv[2]);
            c.out().integer(v == null ? 0 : v.length);
        }
    }

    // HEXISTS key field
    private static void hexists(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (!wrong[0]) {
            c.out().raw(h != null && h.contains(argv[2]) ? Replies.ONE : Replies.ZERO);
        }
    }

    // HKEYS / HVALS / HGETALL key
    private static void hgetall(Client c, byte[][] argv, boolean fields, boolean values) {
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        long n = h == null ? 0 : h.size();
        if (fields && values) {
            c.out().map((int) n);
        } else {
            c.out().array((int) n);
        }
        if (h != null) {
            h.forEach((f, v) -> {
                if (fields) {
                    c.out().bulk(f);
                }
                if (values) {
                    c.out().bulk(v);
                }
            });
        }
    }

    // HINCRBY key field increment
    private static void hincrby(Client c, byte[][] argv) {
        Long incr = Args.longOrReply(c, argv[3]);
        if (incr == null) {
            return;
        }
        Target t = writable(c, argv[1]);
        if (t == null) {
            return;
        }
        byte[] old = t.hash().get(argv[2]);
        long value = 0;
        if (old != null) {
            Long parsed = Numbers.parseLongStrict(old);
            if (parsed == null) {
                c.out().error("ERR hash value is not an integer");
                return;
            }
            value = parsed;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value) || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.out().error("ERR increment or decrement would overflow");
            return;
        }
        value += incr;
        t.hash().put(argv[2], Numbers.toBytes(value), limits(c));
        done(c, t);
        KeyspaceNotify.hash(c, "hincrby", argv[1]);
        c.out().integer(value);
        c.server().propagate(c.dbIndex(), argv);
    }

    // HINCRBYFLOAT key field increment
    private static void hincrbyfloat(Client c, byte[][] argv) {
        LongDouble.Parsed incr = LongDouble.parse(argv[3]);
        if (incr.kind() == LongDouble.Kind.INVALID) {
            c.out().raw(Replies.NOT_FLOAT);
            return;
        }
        if (incr.kind() != LongDouble.Kind.FINITE) {
            c.out().error("ERR value is NaN or Infinity");
            return;
        }
        Target t = writable(c, argv[1]);
        if (t == null) {
            return;
        }
        byte[] old = t.hash().get(argv[2]);
        BigDecimal value = BigDecimal.ZERO;
        if (old != null) {
            LongDouble.Parsed parsed = LongDouble.parse(old);
            if (parsed.kind() != LongDouble.Kind.FINITE) {
                c.out().error("ERR hash value is not a float");
                return;
            }
            value = parsed.value();
        }
        BigDecimal sum = LongDouble.add(value, incr.value());
        if (sum == null) {
            c.out().error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] result = LongDouble.format(sum).getBytes(StandardCharsets.US_ASCII);
        t.hash().put(argv[2], result, limits(c));
        done(c, t);
        KeyspaceNotify.hash(c, "hincrbyfloat", argv[1]);
        c.out().bulk(result);
        c.server().propagate(c.dbIndex(), HSET, argv[1], argv[2], result);
    }

    // HRANDFIELD key [count [WITHVALUES]]
    private static void hrandfield(Client c, byte[][] argv) {
        if (argv.length >= 3) {
            hrandfieldWithCount(c, argv);
            return;
        }
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (h == null) {
            c.out().nullBulk();
        } else {
            c.out().bulk(h.randomPair()[0]);
        }
    }

    private static void hrandfieldWithCount(Client c, byte[][] argv) {
        RandomCount rc = RandomCount.parseOrReply(c, argv, "withvalues");
        if (rc == null) {
            return;
        }
        long count = rc.count();
        boolean withValues = rc.withValues();
        boolean[] wrong = {false};
        HashValue h = TypedLookup.read(c, argv[1], ValueType.HASH, HashValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (h == null || count == 0) {
            c.out().array(0);
            return;
        }
        List<byte[][]> picked = new ArrayList<>();
        long size = h.size();
        if (count < 0) {
            // May repeat: each pick is independent.
            for (long i = 0; i < -count; i++) {
                picked.add(h.randomPair());
            }
        } else if (count >= size) {
            picked = h.pairs();
        } else {
            picked = RandomCount.distinct(h.pairs(), (int) count, h.isListpack());
        }
        writePairs(c, picked, withValues);
    }

    private static void writePairs(Client c, List<byte[][]> pairs, boolean withValues) {
        if (withValues && c.protocol() == 3) {
            c.out().array(pairs.size());
            for (byte[][] p : pairs) {
                c.out().array(2).bulk(p[0]).bulk(p[1]);
            }
            return;
        }
        c.out().array(withValues ? pairs.size() * 2 : pairs.size());
        for (byte[][] p : pairs) {
            c.out().bulk(p[0]);
            if (withValues) {
                c.out().bulk(p[1]);
            }
        }
    }

    // HSCAN key cursor [MATCH pattern] [COUNT count]
    private static void hscan(Client c, byte[][] argv) {
        ElementCommands.scan(c, argv, ValueType.HASH, HashValue.class, HashValue::scan);
    }
}
