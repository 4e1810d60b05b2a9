package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.store.ZSetValue;
import dev.rkv.kvserver.util.CDouble;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The score and lex intervals of the sorted-set commands, parsed as Redis's zslParseRange and
 * zslParseLexRange do, and turned into a range of ranks [first, end) of a given sorted set.
 */
final class ZSetRange {
    static final String NOT_FLOAT = "ERR min or max is not a float";
    static final String NOT_LEX = "ERR min or max not valid string range item";

    private ZSetRange() {
    }

    /** A score interval; exclusive ends start with '(' in the command. */
    record Score(double min, boolean minExclusive, double max, boolean maxExclusive) {
        /** Ranks [first, end) of the members inside, empty when the interval is. */
        long[] ranks(ZSetValue z) {
            if (min > max || (min == max && (minExclusive || maxExclusive))) {
                return new long[] {0, 0};
            }
            long first = z.firstRankFrom(min, minExclusive);
            long end = z.endRankTo(max, maxExclusive);
            return new long[] {first, Math.max(first, end)};
        }
    }

    /** One end of a lex interval: -, +, or a member with [ (inclusive) or ( (exclusive). */
    record LexBound(int kind, byte[] value, boolean exclusive) {
        static final int MIN = -1;
        static final int VALUE = 0;
        static final int MAX = 1;
    }

    /** A lex interval. */
    record Lex(LexBound min, LexBound max) {
        long[] ranks(ZSetValue z) {
            return ranks(z, false);
        }

        /**
         * The ranks [first, end) in the interval. Members with different scores are not in lex
         * order, and Redis's answer then follows from how it walks: it first requires the last
         * member not below min and the first not above max; a listpack it then walks linearly,
         * from the head (from the tail for a reverse range) to the first member inside, and on
         * while members stay inside. Done the same here for listpacks, so that small sorted sets
         * answer as Redis's do even then; a skip list is searched (Redis's own walk there depends
         * on its nodes' random levels).
         */
        long[] ranks(ZSetValue z, boolean reverse) {
            long size = z.size();
            if (empty() || size == 0 || belowMin(z.at(size - 1).member()) || aboveMax(z.at(0).member())) {
                return new long[] {0, 0};
            }
            if (z.isListpack()) {
                return reverse ? walkFromTail(z, size) : walkFromHead(z, size);
            }
            long first = z.searchRank(m -> !belowMin(m.member()));
            long end = z.searchRank(m -> aboveMax(m.member()));
            return new long[] {first, Math.max(first, end)};
        }

        private long[] walkFromHead(ZSetValue z, long size) {
            long first = 0;
            while (first < size && belowMin(z.at(first).member())) {
                first++;
            }
            long end = first;
            while (end < size && !aboveMax(z.at(end).member())) {
                end++;
            }
            return new long[] {first, end};
        }

        private long[] walkFromTail(ZSetValue z, long size) {
            long last = size - 1;
            while (last >= 0 && aboveMax(z.at(last).member())) {
                last--;
            }
            long first = last + 1;
            while (first > 0 && !belowMin(z.at(first - 1).member())) {
                first--;
            }
            return new long[] {first, last + 1};
        }

        private boolean empty() {
            if (min.kind() == LexBound.MAX || max.kind() == LexBound.MIN) {
                return true;
            }
            if (min.kind() != LexBound.VALUE || max.kind() != LexBound.VALUE) {
                return false;
            }
            int c = Arrays.compareUnsigned(min.value(), max.value());
            return c > 0 || (c == 0 && (min.exclusive() || max.exclusive()));
        }

        private boolean belowMin(byte[] m) {
            if (min.kind() == LexBound.MIN) {
                return false;
            }
            int c = Arrays.compareUnsigned(m, min.value());
            return min.exclusive() ? c <= 0 : c < 0;
        }

        private boolean aboveMax(byte[] m) {
            if (max.kind() == LexBound.MAX) {
                return false;
            }
            int c = Arrays.compareUnsigned(m, max.value());
            return max.exclusive() ? c >= 0 : c > 0;
        }
    }

    /** A score interval from two arguments, or null after replying "min or max is not a float". */
    static Score scoreOrReply(Client c, byte[] min, byte[] max) {
        Object[] lo = bound(min);
        Object[] hi = bound(max);
        if (lo == null || hi == null) {
            c.out().error(NOT_FLOAT);
            return null;
        }
        return new Score((Double) lo[0], (Boolean) lo[1], (Double) hi[0], (Boolean) hi[1]);
    }

    private static Object[] bound(byte[] arg) {
        String s = new String(arg, StandardCharsets.ISO_8859_1);
        boolean exclusive = s.startsWith("(");
        Double v = CDouble.parseLenient(exclusive ? s.substring(1) : s);
        if (v == null || v.isNaN()) {
            return null;
        }
        return new Object[] {v, exclusive};
    }

    /** A lex interval from two arguments, or null after replying "min or max not valid string range item". */
    static Lex lexOrReply(Client c, byte[] min, byte[] max) {
        LexBound lo = lexBound(min);
        LexBound hi = lexBound(max);
        if (lo == null || hi == null) {
            c.out().error(NOT_LEX);
            return null;
        }
        return new Lex(lo, hi);
    }

    private static LexBound lexBound(byte[] arg) {
        if (arg.length == 0) {
            return null;
        }
        switch (arg[0]) {
            case '+' -> {
                return arg.length == 1 ? new LexBound(LexBound.MAX, null, false) : null;
            }
            case '-' -> {
                return arg.length == 1 ? new LexBound(LexBound.MIN, null, false) : null;
            }
            case '(' -> {
                return new LexBound(LexBound.VALUE, Arrays.copyOfRange(arg, 1, arg.length), true);
            }
            case '[' -> {
                return new LexBound(LexBound.VALUE, Arrays.copyOfRange(arg, 1, arg.length), false);
            }
            default -> {
                return null;
            }
        }
    }
}
