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
import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.store.ZSetLimits;
import dev.rkv.kvserver.store.ZSetValue;
import dev.rkv.kvserver.store.ZSetValue.Member;
import dev.rkv.kvserver.util.CDouble;
import dev.rkv.kvserver.util.Numbers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorted-set commands (t_zset.c), with Redis 7.0's replies and errors: ZADD ZINCRBY ZREM ZCARD
 * ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT, the ZRANGE family (ZRANGE with BYSCORE/BYLEX/
 * REV/LIMIT, ZRANGESTORE and the older forms), ZREMRANGEBY*, ZPOPMIN/ZPOPMAX/ZMPOP and their
 * blocking forms, ZRANDMEMBER, ZUNION/ZINTER/ZDIFF and their STORE forms, ZINTERCARD, ZSCAN.
 * Blocking pops propagate as ZPOPMIN/ZPOPMAX with the count they took.
 */
public final class ZSetCommands {
    private static final byte[] ZPOPMIN = Args.bytes("ZPOPMIN");
    private static final byte[] ZPOPMAX = Args.bytes("ZPOPMAX");
    private static final String NOT_FLOAT = "value is not a valid float";
    private static final String POSITIVE = "value is out of range, must be positive";

    private enum RangeType { AUTO, RANK, SCORE, LEX }

    private enum SetOp { UNION, INTER, DIFF }

    private ZSetCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("zadd", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "update")).group("sorted_set")
            .since("1.2.0").summary("Add one or more members to a sorted set, or update its score if it already exists")
            .handler(ZSetCommands::zadd).build());
        t.register(command("zincrby", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "update"))
            .group("sorted_set").since("1.2.0").summary("Increment the score of a member in a sorted set").handler(ZSetCommands::zincrby).build());
        t.register(command("zrem", -3).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("sorted_set")
            .since("1.2.0").summary("Remove one or more members from a sorted set").handler(ZSetCommands::zrem).build());
        t.register(command("zcard", 2).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO")).group("sorted_set")
            .since("1.2.0").summary("Get the number of members in a sorted set").handler(ZSetCommands::zcard).build());
        t.register(command("zscore", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("1.2.0").summary("Get the score associated with the given member in a sorted set").handler(ZSetCommands::zscore).build());
        t.register(command("zmscore", -3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("6.2.0").summary("Get the score associated with the given members in a sorted set").handler(ZSetCommands::zmscore).build());
        t.register(command("zrank", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.0.0").summary("Determine the index of a member in a sorted set").handler((c, argv) -> zrank(c, argv, false)).build());
        t.register(command("zrevrank", 3).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.0.0").summary("Determine the index of a member in a sorted set, with scores ordered from high to low")
            .handler((c, argv) -> zrank(c, argv, true)).build());
        t.register(command("zcount", 4).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.0.0").summary("Count the members in a sorted set with scores within the given values")
            .handler((c, argv) -> zcount(c, argv, false)).build());
        t.register(command("zlexcount", 4).flags(READONLY, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.8.9").summary("Count the number of members in a sorted set between a given lexicographical range")
            .handler((c, argv) -> zcount(c, argv, true)).build());
        t.register(command("zrange", -4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("1.2.0").summary("Return a range of members in a sorted set")
            .handler((c, argv) -> zrange(c, argv, 1, false, RangeType.AUTO, null)).build());
        t.register(command("zrangestore", -5).flags(WRITE, DENYOOM).keys(1, 2, 1).keySpecs(KeySpec.single(1, "OW", "update"), KeySpec.single(2, "RO", "access")).group("sorted_set").since("6.2.0")
            .summary("Store a range of members from sorted set into another key")
            .handler((c, argv) -> zrange(c, argv, 2, false, RangeType.AUTO, argv[1])).build());
        t.register(command("zrangebyscore", -4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("1.0.5").summary("Return a range of members in a sorted set, by score")
            .handler((c, argv) -> zrange(c, argv, 1, false, RangeType.SCORE, null)).build());
        t.register(command("zrevrangebyscore", -4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.2.0").summary("Return a range of members in a sorted set, by score, with scores ordered from high to low")
            .handler((c, argv) -> zrange(c, argv, 1, true, RangeType.SCORE, null)).build());
        t.register(command("zrangebylex", -4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.8.9").summary("Return a range of members in a sorted set, by lexicographical range")
            .handler((c, argv) -> zrange(c, argv, 1, false, RangeType.LEX, null)).build());
        t.register(command("zrevrangebylex", -4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("2.8.9").summary("Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings")
            .handler((c, argv) -> zrange(c, argv, 1, true, RangeType.LEX, null)).build());
        t.register(command("zrevrange", -4).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).group("sorted_set")
            .since("1.2.0").summary("Return a range of members in a sorted set, by index, with scores ordered from high to low")
            .handler((c, argv) -> zrange(c, argv, 1, true, RangeType.RANK, null)).build());
        t.register(command("zremrangebyrank", 4).flags(WRITE).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("sorted_set")
            .since("2.0.0").summary("Remove all members in a sorted set within the given indexes")
            .handler((c, argv) -> zremrange(c, argv, RangeType.RANK)).build());
        t.register(command("zremrangebyscore", 4).flags(WRITE).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("sorted_set")
            .since("1.2.0").summary("Remove all members in a sorted set within the given scores")
            .handler((c, argv) -> zremrange(c, argv, RangeType.SCORE)).build());
        t.register(command("zremrangebylex", 4).flags(WRITE).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "delete")).group("sorted_set")
            .since("2.8.9").summary("Remove all members in a sorted set between the given lexicographical range")
            .handler((c, argv) -> zremrange(c, argv, RangeType.LEX)).build());
        t.register(command("zpopmin", -2).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete")).group("sorted_set")
            .since("5.0.0").summary("Remove and return members with the lowest scores in a sorted set")
            .handler((c, argv) -> zpop(c, argv, true)).build());
        t.register(command("zpopmax", -2).flags(WRITE, FAST).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RW", "access", "delete")).group("sorted_set")
            .since("5.0.0").summary("Remove and return members with the highest scores in a sorted set")
            .handler((c, argv) -> zpop(c, argv, false)).build());
        t.register(command("zmpop", -4).flags(WRITE).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RW", "access", "delete")).group("sorted_set").since("7.0.0")
            .summary("Remove and return members with scores in a sorted set").handler(ZSetCommands::zmpop).build());
        t.register(command("bzpopmin", -3).flags(WRITE, NOSCRIPT, FAST, BLOCKING).keys(1, -2, 1).keySpecs(KeySpec.range(1, -2, 1, "RW", "access", "delete"))
            .group("sorted_set").since("5.0.0").summary("Remove and return the member with the lowest score from one or more sorted sets, or block until one is available")
            .handler((c, argv) -> bzpop(c, argv, true)).build());
        t.register(command("bzpopmax", -3).flags(WRITE, NOSCRIPT, FAST, BLOCKING).keys(1, -2, 1).keySpecs(KeySpec.range(1, -2, 1, "RW", "access", "delete"))
            .group("sorted_set").since("5.0.0").summary("Remove and return the member with the highest score from one or more sorted sets, or block until one is available")
            .handler((c, argv) -> bzpop(c, argv, false)).build());
        t.register(command("bzmpop", -5).flags(WRITE, BLOCKING).keys(0, 0, 0).keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "delete")).group("sorted_set").since("7.0.0")
            .summary("Remove and return members with scores in a sorted set or block until one is available")
            .handler(ZSetCommands::bzmpop).build());
        t.register(command("zrandmember", -2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("sorted_set").since("6.2.0").summary("Get one or multiple random elements from a sorted set")
            .handler(ZSetCommands::zrandmember).build());
        t.register(command("zunion", -3).flags(READONLY).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access")).group("sorted_set").since("6.2.0")
            .summary("Add multiple sorted sets").handler((c, argv) -> algebra(c, argv, null, 1, SetOp.UNION, false)).build());
        t.register(command("zunionstore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecs(KeySpec.single(1, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access")).group("sorted_set").since("2.0.0")
            .summary("Add multiple sorted sets and store the resulting sorted set in a new key")
            .handler((c, argv) -> algebra(c, argv, argv[1], 2, SetOp.UNION, false)).build());
        t.register(command("zinter", -3).flags(READONLY).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access")).group("sorted_set").since("6.2.0")
            .summary("Intersect multiple sorted sets").handler((c, argv) -> algebra(c, argv, null, 1, SetOp.INTER, false)).build());
        t.register(command("zinterstore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecs(KeySpec.single(1, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access")).group("sorted_set").since("2.0.0")
            .summary("Intersect multiple sorted sets and store the resulting sorted set in a new key")
            .handler((c, argv) -> algebra(c, argv, argv[1], 2, SetOp.INTER, false)).build());
        t.register(command("zintercard", -3).flags(READONLY).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access")).group("sorted_set").since("7.0.0")
            .summary("Intersect multiple sorted sets and return the cardinality of the result")
            .handler((c, argv) -> algebra(c, argv, null, 1, SetOp.INTER, true)).build());
        t.register(command("zdiff", -3).flags(READONLY).keys(0, 0, 0).keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access")).group("sorted_set").since("6.2.0")
            .summary("Subtract multiple sorted sets").handler((c, argv) -> algebra(c, argv, null, 1, SetOp.DIFF, false)).build());
        t.register(command("zdiffstore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecs(KeySpec.single(1, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access")).group("sorted_set").since("6.2.0")
            .summary("Subtract multiple sorted sets and store the resulting sorted set in a new key")
            .handler((c, argv) -> algebra(c, argv, argv[1], 2, SetOp.DIFF, false)).build());
        t.register(command("zscan", -3).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("sorted_set").since("2.8.0").summary("Incrementally iterate sorted sets elements and associated scores")
            .handler(ZSetCommands::zscan).build());
    }

    private static ZSetLimits limits(Client c) {
        return new ZSetLimits(c.server().config().getLong("zset-max-listpack-entries"),
            c.server().config().getLong("zset-max-listpack-value"));
    }

    /**
     * After an in-place change: deletes the key when the sorted set is empty, else signals the
     * change; then sends the keyspace event {@code event}, and "del" when the key went.
     */
    private static void changed(Client c, Key key, Entry e, String event) {
        boolean emptied = ((ZSetValue) e.value()).size() == 0;
        if (emptied) {
            c.db().remove(key, c.server().nowMs());
        } else {
            c.db().modified(key, e);
        }
        KeyspaceNotify.zset(c, event, key.bytes());
        if (emptied) {
            KeyspaceNotify.generic(c, "del", key.bytes());
        }
    }

    // ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
    private static void zadd(Client c, byte[][] argv) {
        zadd(c, argv, argv);
    }

    /** ZADD with {@code argv}, propagated as {@code propagated} (ZINCRBY runs as ZADD INCR but replicates as itself). */
    private static void zadd(Client c, byte[][] argv, byte[][] propagated) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        int i = 2;
        for (; i < argv.length; i++) {
            if (Args.is(argv[i], "nx")) {
                nx = true;
            } else if (Args.is(argv[i], "xx")) {
                xx = true;
            } else if (Args.is(argv[i], "gt")) {
                gt = true;
            } else if (Args.is(argv[i], "lt")) {
                lt = true;
            } else if (Args.is(argv[i], "ch")) {
                ch = true;
            } else if (Args.is(argv[i], "incr")) {
                incr = true;
            } else {
                break;
            }
        }
        int elements = argv.length - i;
        if (elements % 2 != 0 || elements == 0) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        elements /= 2;
        if (nx && xx) {
            c.out().error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            c.out().error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1) {
            c.out().error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            Double s = CDouble.parse(argv[i + j * 2]);
            if (s == null) {
                c.out().error("ERR " + NOT_FLOAT);
                return;
            }
            scores[j] = s;
        }
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (Args.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        if (e == null && xx) {
            if (incr) {
                c.out().nullBulk();
            } else {
                c.out().raw(Replies.ZERO);
            }
            return;
        }
        ZSetLimits limits = limits(c);
        ZSetValue z;
        if (e == null) {
            long longest = 0;
            for (int j = 0; j < elements; j++) {
                longest = Math.max(longest, argv[i + j * 2 + 1].length);
            }
            z = ZSetValue.create(elements, longest, limits);
        } else {
            z = (ZSetValue) e.value();
        }
        long added = 0;
        long updated = 0;
        boolean processed = false;
        double newScore = 0;
        boolean failed = false;
        for (int j = 0; j < elements; j++) {
            byte[] member = argv[i + j * 2 + 1];
            double score = scores[j];
            Double cur = z.score(member);
            if (cur != null) {
                if (nx) {
                    continue;
                }
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        failed = true;
                        break;
                    }
                }
                if ((lt && score >= cur) || (gt && score <= cur)) {
                    continue;
                }
                newScore = score;
                processed = true;
                if (score != cur) {
                    z.put(member, score, limits);
                    updated++;
                }
            } else if (!xx) {
                z.put(member, score, limits);
                newScore = score;
                processed = true;
                added++;
            }
        }
        if (e == null && z.size() > 0) {
            c.db().put(key, Entry.of(ValueType.ZSET, z, Entry.NO_EXPIRY, c.server().nowMs()));
        } else if (e != null && added + updated > 0) {
            c.db().modified(key, e);
        }
        if (added + updated > 0) {
            c.server().propagate(c.dbIndex(), propagated);
        }
        if (failed) {
            c.out().error("ERR resulting score is not a number (NaN)");
        } else if (incr) {
            if (processed) {
                c.out().doubleValue(newScore);
            } else {
                c.out().nullBulk();
            }
        } else {
            c.out().integer(ch ? added + updated : added);
        }
        if (added + updated > 0) {
            // After the reply, as in Redis (a RESP3 client subscribed to itself sees it in that order).
            KeyspaceNotify.zset(c, incr ? "zincr" : "zadd", argv[1]);
        }
    }

    // ZINCRBY key increment member
    private static void zincrby(Client c, byte[][] argv) {
        byte[][] asZadd = {Args.bytes("ZADD"), argv[1], Args.bytes("INCR"), argv[2], argv[3]};
        zadd(c, asZadd, argv);
    }

    // ZREM key member [member ...]
    private static void zrem(Client c, byte[][] argv) {
        ElementCommands.removeElements(c, argv, ValueType.ZSET, ZSetValue.class, ZSetValue::remove,
            KeyspaceEventClasses.ZSET, "zrem");
    }

    // ZCARD key
    private static void zcard(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
        if (!wrong[0]) {
            c.out().integer(z == null ? 0 : z.size());
        }
    }

    // ZSCORE key member
    private static void zscore(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        Double s = z == null ? null : z.score(argv[2]);
        if (s == null) {
            c.out().nullBulk();
        } else {
            c.out().doubleValue(s);
        }
    }

    // ZMSCORE key member [member ...]
    private static void zmscore(Client c, byte[][] argv) {
        boolean[] wrong = {false};
        ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        c.out().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            Double s = z == null ? null : z.score(argv[i]);
            if (s == null) {
                c.out().nullBulk();
            } else {
                c.out().doubleValue(s);
            }
        }
    }

    // ZRANK / ZREVRANK key member
    private static void zrank(Client c, byte[][] argv, boolean reverse) {
        boolean[] wrong = {false};
        ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        long r = z == null ? -1 : z.rank(argv[2]);
        if (r < 0) {
            c.out().nullBulk();
        } else {
            c.out().integer(reverse ? z.size() - 1 - r : r);
        }
    }

    // ZCOUNT key min max / ZLEXCOUNT key min max
    private static void zcount(Client c, byte[][] argv, boolean lex) {
        ZSetRange.Score score = null;
        ZSetRange.Lex lexRange = null;
        if (lex) {
            lexRange = ZSetRange.lexOrReply(c, argv[2], argv[3]);
            if (lexRange == null) {
                return;
            }
        } else {
            score = ZSetRange.scoreOrReply(c, argv[2], argv[3]);
            if (score == null) {
                return;
            }
        }
        boolean[] wrong = {false};
        ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (z == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        long[] r = lex ? lexRange.ranks(z) : score.ranks(z);
        c.out().integer(r[1] - r[0]);
    }

    /** The members of a range, in the order to reply them. */
    private static List<Member> select(ZSetValue z, long first, long end, boolean reverse, long offset, long limit) {
        List<Member> out = new ArrayList<>();
        if (offset < 0 || first >= end) {
            return out;
        }
        long from = reverse ? end - 1 - offset : first + offset;
        long count = end - first - offset;
        if (limit >= 0) {
            count = Math.min(count, limit);
        }
        if (count <= 0) {
            return out;
        }
        if (reverse) {
            z.forRanks(from - count + 1, from, true, (m, s) -> out.add(new Member(m, s)));
        } else {
            z.forRanks(from, from + count - 1, false, (m, s) -> out.add(new Member(m, s)));
        }
        return out;
    }

    /**
     * Redis's zrangeGenericCommand: ZRANGE and its older forms and ZRANGESTORE. {@code at} is the
     * index of the source key; {@code dst} the destination of ZRANGESTORE, else null.
     */
    private static void zrange(Client c, byte[][] argv, int at, boolean reverseGiven, RangeType typeGiven, byte[] dst) {
        boolean store = dst != null;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        boolean reverse = reverseGiven;
        boolean directionFixed = reverseGiven || typeGiven != RangeType.AUTO;
        RangeType type = typeGiven;
        for (int j = at + 3; j < argv.length; j++) {
            int left = argv.length - j - 1;
            if (!store && Args.is(argv[j], "withscores")) {
                withScores = true;
            } else if (Args.is(argv[j], "limit") && left >= 2) {
                long[] given = Args.limitOrReply(c, argv[j + 1], argv[j + 2]);
                if (given == null) {
                    return;
                }
                offset = given[0];
                limit = given[1];
                j += 2;
            } else if (!directionFixed && !reverse && Args.is(argv[j], "rev")) {
                reverse = true;
            } else if (type == RangeType.AUTO && Args.is(argv[j], "bylex")) {
                type = RangeType.LEX;
            } else if (type == RangeType.AUTO && Args.is(argv[j], "byscore")) {
                type = RangeType.SCORE;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        if (type == RangeType.AUTO) {
            type = RangeType.RANK;
        }
        if (limit != -1 && type == RangeType.RANK) {
            c.out().error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == RangeType.LEX) {
            c.out().error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        byte[] minArg = argv[at + 1];
        byte[] maxArg = argv[at + 2];
        if (reverse && type != RangeType.RANK) {
            minArg = argv[at + 2];
            maxArg = argv[at + 1];
        }
        long start = 0;
        long stop = 0;
        ZSetRange.Score score = null;
        ZSetRange.Lex lex = null;
        switch (type) {
            case RANK -> {
                Long a = Args.longOrReply(c, minArg);
                if (a == null) {
                    return;
                }
                Long b = Args.longOrReply(c, maxArg);
                if (b == null) {
                    return;
                }
                start = a;
                stop = b;
            }
            case SCORE -> {
                score = ZSetRange.scoreOrReply(c, minArg, maxArg);
                if (score == null) {
                    return;
                }
            }
            default -> {
                lex = ZSetRange.lexOrReply(c, minArg, maxArg);
                if (lex == null) {
                    return;
                }
            }
        }
        Entry e = Args.lookupRead(c, Args.key(argv[at]));
        if (Args.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        List<Member> result;
        if (e == null) {
            result = List.of();
        } else {
            ZSetValue z = (ZSetValue) e.value();
            long size = z.size();
            if (type == RangeType.RANK) {
                long[] r = IndexRange.of(start, stop, size);
                if (r == null) {
                    result = List.of();
                } else {
                    result = reverse ? select(z, size - 1 - r[1], size - r[0], true, 0, -1)
                        : select(z, r[0], r[1] + 1, false, 0, -1);
                }
            } else {
                long[] r = type == RangeType.SCORE ? score.ranks(z) : lex.ranks(z, reverse);
                result = select(z, r[0], r[1], reverse, offset, limit);
            }
        }
        if (store) {
            if (storeResult(c, dst, result, "zrangestore")) {
                StoredResultEffects.zset(c, dst, result);
            }
            return;
        }
        replyMembers(c, result, withScores);
    }

    /**
     * ZRANGESTORE and the STORE forms: replaces {@code dst} with the result (sending keyspace event
     * {@code event}) or deletes it (sending "del"), and replies its size.
     *
     * @return whether the dataset changed (an empty result over a missing key changes nothing, and propagates nothing)
     */
    private static boolean storeResult(Client c, byte[] dst, List<Member> result, String event) {
        Key key = Args.key(dst);
        long now = c.server().nowMs();
        if (result.isEmpty()) {
            boolean deleted = c.db().remove(key, now);
            if (deleted) {
                KeyspaceNotify.generic(c, "del", dst);
            }
            c.out().raw(Replies.ZERO);
            return deleted;
        }
        long longest = 0;
        for (Member m : result) {
            longest = Math.max(longest, m.member().length);
        }
        ZSetLimits limits = limits(c);
        ZSetValue z = ZSetValue.create(result.size(), longest, limits);
        for (Member m : result) {
            z.put(m.member(), m.score(), limits);
        }
        c.db().put(key, Entry.of(ValueType.ZSET, z, Entry.NO_EXPIRY, now));
        KeyspaceNotify.zset(c, event, dst);
        c.out().integer(z.size());
        return true;
    }

    private static void replyMembers(Client c, List<Member> members, boolean withScores) {
        if (withScores && c.protocol() == 3) {
            c.out().array(members.size());
            for (Member m : members) {
                c.out().array(2).bulk(m.member()).doubleValue(m.score());
            }
            return;
        }
        c.out().array(withScores ? members.size() * 2 : members.size());
        for (Member m : members) {
            c.out().bulk(m.member());
            if (withScores) {
                c.out().doubleValue(m.score());
            }
        }
    }

    // ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key a b
    private static void zremrange(Client c, byte[][] argv, RangeType type) {
        long start = 0;
        long stop = 0;
        ZSetRange.Score score = null;
        ZSetRange.Lex lex = null;
        if (type == RangeType.RANK) {
            Long a = Args.longOrReply(c, argv[2]);
            if (a == null) {
                return;
            }
            Long b = Args.longOrReply(c, argv[3]);
            if (b == null) {
                return;
            }
            start = a;
            stop = b;
        } else if (type == RangeType.SCORE) {
            score = ZSetRange.scoreOrReply(c, argv[2], argv[3]);
            if (score == null) {
                return;
            }
        } else {
            lex = ZSetRange.lexOrReply(c, argv[2], argv[3]);
            if (lex == null) {
                return;
            }
        }
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (Args.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        long first;
        long end;
        if (type == RangeType.RANK) {
            long[] r = IndexRange.of(start, stop, z.size());
            if (r == null) {
                c.out().raw(Replies.ZERO);
                return;
            }
            first = r[0];
            end = r[1] + 1;
        } else {
            long[] r = type == RangeType.SCORE ? score.ranks(z) : lex.ranks(z);
            first = r[0];
            end = r[1];
        }
        List<Member> doomed = select(z, first, end, false, 0, -1);
        for (Member m : doomed) {
            z.remove(m.member());
        }
        if (!doomed.isEmpty()) {
            changed(c, key, e, switch (type) {
                case RANK -> "zremrangebyrank";
                case SCORE -> "zremrangebyscore";
                default -> "zremrangebylex";
            });
            c.server().propagate(c.dbIndex(), argv);
        }
        c.out().integer(doomed.size());
    }

    // ZPOPMIN / ZPOPMAX key [count]
    private static void zpop(Client c, byte[][] argv, boolean min) {
        if (argv.length > 3) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        long count = 1;
        boolean hasCount = argv.length == 3;
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
        if (Args.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        if (e == null || count == 0) {
            c.out().raw(Replies.EMPTY_ARRAY);
            return;
        }
        List<Member> popped = popMembers(c, key, e, min, count);
        if (hasCount && c.protocol() == 3) {
            c.out().array(popped.size());
            for (Member m : popped) {
                c.out().array(2).bulk(m.member()).doubleValue(m.score());
            }
        } else {
            c.out().array(popped.size() * 2);
            for (Member m : popped) {
                c.out().bulk(m.member()).doubleValue(m.score());
            }
        }
        // As sent, like Redis: the replica pops the same members (only ZMPOP and the blocking forms are rewritten).
        c.server().propagate(c.dbIndex(), argv);
    }

    /** Removes up to {@code count} lowest (or highest) members, in pop order. */
    private static List<Member> popMembers(Client c, Key key, Entry e, boolean min, long count) {
        ZSetValue z = (ZSetValue) e.value();
        long n = Math.min(count, z.size());
        List<Member> popped = min ? select(z, 0, n, false, 0, -1) : select(z, z.size() - n, z.size(), true, 0, -1);
        for (Member m : popped) {
            z.remove(m.member());
        }
        changed(c, key, e, min ? "zpopmin" : "zpopmax");
        return popped;
    }

    // ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
    private static void zmpop(Client c, byte[][] argv) {
        MultiPop a = MultiPop.parseOrReply(c, argv, 1, "min", "max");
        if (a == null) {
            return;
        }
        if (WaitForKeys.serveFirst(c, a.keys(), ValueType.ZSET, (w, key, e) -> {
            mpopFrom(w, key, e, a.fromFirstEnd(), a.count());
            return true;
        }) == WaitForKeys.Found.NONE) {
            c.out().nullArray();
        }
    }

    /** Replies [key, [[member, score] ...]] and propagates ZPOPMIN/ZPOPMAX key count. */
    private static void mpopFrom(Client c, byte[] key, Entry e, boolean min, long count) {
        List<Member> popped = popMembers(c, Args.key(key), e, min, count);
        c.out().array(2).bulk(key).array(popped.size());
        for (Member m : popped) {
            c.out().array(2).bulk(m.member()).doubleValue(m.score());
        }
        c.server().propagate(c.dbIndex(), min ? ZPOPMIN : ZPOPMAX, key, Numbers.toBytes(popped.size()));
    }

    // BZPOPMIN / BZPOPMAX key [key ...] timeout
    private static void bzpop(Client c, byte[][] argv, boolean min) {
        Long deadline = WaitForKeys.parseOrReply(c, argv[argv.length - 1]);
        if (deadline == null) {
            return;
        }
        List<byte[]> keys = Arrays.asList(argv).subList(1, argv.length - 1);
        WaitForKeys.serveOrBlock(c, keys, deadline, ValueType.ZSET, (w, key, e) -> {
            popOneAndReply(w, key, e, min);
            return true;
        });
    }

    /** BZPOPMIN's reply [key, member, score], propagated as ZPOPMIN/ZPOPMAX key 1. */
    private static void popOneAndReply(Client c, byte[] key, Entry e, boolean min) {
        Member m = popMembers(c, Args.key(key), e, min, 1).get(0);
        c.out().array(3).bulk(key).bulk(m.member()).doubleValue(m.score());
        c.server().propagate(c.dbIndex(), min ? ZPOPMIN : ZPOPMAX, key, Numbers.toBytes(1));
    }

    // BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
    private static void bzmpop(Client c, byte[][] argv) {
        Long deadline = WaitForKeys.parseOrReply(c, argv[1]);
        if (deadline == null) {
            return;
        }
        MultiPop a = MultiPop.parseOrReply(c, argv, 2, "min", "max");
        if (a == null) {
            return;
        }
        WaitForKeys.serveOrBlock(c, a.keys(), deadline, ValueType.ZSET, (w, key, e) -> {
            mpopFrom(w, key, e, a.fromFirstEnd(), a.count());
            return true;
        });
    }

    // ZRANDMEMBER key [count [WITHSCORES]]
    private static void zrandmember(Client c, byte[][] argv) {
        if (argv.length == 2) {
            boolean[] wrong = {false};
            ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
            if (wrong[0]) {
                return;
            }
            if (z == null) {
                c.out().nullBulk();
            } else {
                c.out().bulk(z.random().member());
            }
            return;
        }
        RandomCount rc = RandomCount.parseOrReply(c, argv, "withscores");
        if (rc == null) {
            return;
        }
        long count = rc.count();
        boolean withScores = rc.withValues();
        boolean[] wrong = {false};
        ZSetValue z = TypedLookup.read(c, argv[1], ValueType.ZSET, ZSetValue.class, wrong);
        if (wrong[0]) {
            return;
        }
        if (z == null || count == 0) {
            c.out().array(0);
            return;
        }
        List<Member> picked = new ArrayList<>();
        if (count < 0) {
            for (long i = 0; i < -count; i++) {
                picked.add(z.random());
            }
        } else if (count >= z.size()) {
            // The whole set, as Redis's zset iterator walks it: from the highest score down.
            picked = z.members();
            java.util.Collections.reverse(picked);
        } else {
            picked = RandomCount.distinct(z.members(), (int) count, z.isListpack());
        }
        replyMembers(c, picked, withScores);
    }

    /**
     * Z(UNION|INTER|DIFF)[STORE] and ZINTERCARD (Redis's zunionInterDiffGenericCommand): plain
     * sets count as sorted sets whose members all score 1.
     */
    private static void algebra(Client c, byte[][] argv, byte[] dst, int numkeysAt, SetOp op, boolean cardinalityOnly) {
        String name = cardinalityOnly ? "zintercard" : Args.word(argv[0]);
        Long setnum = Args.longOrReply(c, argv[numkeysAt]);
        if (setnum == null) {
            return;
        }
        if (setnum < 1) {
            c.out().error("ERR at least 1 input key is needed for '" + name + "' command");
            return;
        }
        if (setnum > argv.length - numkeysAt - 1) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        int n = setnum.intValue();
        List<List<Member>> inputs = new ArrayList<>(n);
        long now = c.server().nowMs();
        for (int i = 0; i < n; i++) {
            Key k = Args.key(argv[numkeysAt + 1 + i]);
            Entry e = Args.lookupRead(c, k);
            if (e == null) {
                inputs.add(null);
            } else if (e.value() instanceof ZSetValue z) {
                inputs.add(z.members());
            } else if (e.value() instanceof SetValue s) {
                List<Member> ones = new ArrayList<>();
                s.forEach(m -> ones.add(new Member(m, 1.0)));
                inputs.add(ones);
            } else {
                c.out().raw(Replies.WRONGTYPE);
                return;
            }
        }
        double[] weights = new double[n];
        Arrays.fill(weights, 1.0);
        String aggregate = "sum";
        boolean withScores = false;
        long limit = 0;
        int j = numkeysAt + 1 + n;
        while (j < argv.length) {
            int remaining = argv.length - j;
            if (op != SetOp.DIFF && !cardinalityOnly && remaining >= n + 1 && Args.is(argv[j], "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    Double w = CDouble.parse(argv[j]);
                    if (w == null) {
                        c.out().error("ERR weight value is not a float");
                        return;
                    }
                    weights[i] = w;
                }
            } else if (op != SetOp.DIFF && !cardinalityOnly && remaining >= 2 && Args.is(argv[j], "aggregate")) {
                String agg = Args.word(argv[j + 1]);
                if (!agg.equals("sum") && !agg.equals("min") && !agg.equals("max")) {
                    c.out().raw(Replies.SYNTAX_ERR);
                    return;
                }
                aggregate = agg;
                j += 2;
            } else if (dst == null && !cardinalityOnly && Args.is(argv[j], "withscores")) {
                withScores = true;
                j++;
            } else if (cardinalityOnly && remaining >= 2 && Args.is(argv[j], "limit")) {
                Long l = Args.longOrReply(c, argv[j + 1], "LIMIT can't be negative");
                if (l == null) {
                    return;
                }
                if (l < 0) {
                    c.out().error("ERR LIMIT can't be negative");
                    return;
                }
                limit = l;
                j += 2;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        List<Member> result = ZSetAlgebra.combine(inputs, weights, aggregate, op.name(), cardinalityOnly ? limit : 0);
        if (cardinalityOnly) {
            c.out().integer(result.size());
            return;
        }
        if (dst != null) {
            if (storeResult(c, dst, result, switch (op) {
                case UNION -> "zunionstore";
                case INTER -> "zinterstore";
                case DIFF -> "zdiffstore";
            })) {
                StoredResultEffects.zset(c, dst, result);
            }
            return;
        }
        replyMembers(c, result, withScores);
    }

    // ZSCAN key cursor [MATCH pattern] [COUNT count]
    private static void zscan(Client c, byte[][] argv) {
        ElementCommands.scan(c, argv, ValueType.ZSET, ZSetValue.class, (z, cursor, count, element) -> z.scan(cursor, count,
            (m, score) -> element.accept(m, Args.bytes(dev.rkv.kvserver.protocol.RespWriter.formatDouble(score)))));
    }
}
