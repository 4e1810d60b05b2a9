package dev.rkv.kvserver.commands;

/**
 * A start/stop pair of LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK as Redis reads it: negative
 * indexes count from the end, the stop is clamped to the last element, and an empty range is null.
 */
final class IndexRange {
    private IndexRange() {
    }

    /** {first, last} (inclusive, both valid indexes of a sequence of {@code length}), or null when empty. */
    static long[] of(long start, long stop, long length) {
        if (start < 0) {
            start = length + start;
        }
        if (stop < 0) {
            stop = length + stop;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > stop || start >= length) {
            return null;
        }
        return new long[] {start, Math.min(stop, length - 1)};
    }
}
