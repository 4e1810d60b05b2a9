package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;

import java.util.ArrayList;
import java.util.List;

/**
 * LCS's dynamic programme: the table of longest-common-subsequence lengths of every pair of
 * prefixes, then a walk back from the end that rebuilds the subsequence and, for IDX, the
 * matching ranges from the last to the first, as Redis 7.0 reports them.
 */
final class Lcs {
    private Lcs() {
    }

    /** One matching range: positions in a and in b, inclusive. */
    private record Range(int aStart, int aEnd, int bStart, int bEnd) {
        int length() {
            return aEnd - aStart + 1;
        }
    }

    static void reply(Client c, byte[] a, byte[] b, boolean getLen, boolean getIdx, boolean withMatchLen,
                      long minMatchLen) {
        int cols = b.length + 1;
        int[] table = new int[(a.length + 1) * cols];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                table[i * cols + j] = a[i - 1] == b[j - 1]
                    ? table[(i - 1) * cols + j - 1] + 1
                    : Math.max(table[(i - 1) * cols + j], table[i * cols + j - 1]);
            }
        }
        int length = table[a.length * cols + b.length];
        if (getLen) {
            c.out().integer(length);
            return;
        }
        byte[] result = new byte[length];
        List<Range> ranges = new ArrayList<>();
        int idx = length;
        int i = a.length;
        int j = b.length;
        // aStart == a.length means "no range open".
        int aStart = a.length;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == a.length) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                if (table[(i - 1) * cols + j] > table[i * cols + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != a.length) {
                    emit = true;
                }
            }
            if (emit) {
                Range r = new Range(aStart, aEnd, bStart, bEnd);
                if (minMatchLen == 0 || r.length() >= minMatchLen) {
                    ranges.add(r);
                }
                aStart = a.length;
            }
        }
        if (!getIdx) {
            c.out().bulk(result);
            return;
        }
        c.out().map(2);
        c.out().bulk("matches");
        c.out().array(ranges.size());
        for (Range r : ranges) {
            c.out().array(withMatchLen ? 3 : 2);
            c.out().array(2).integer(r.aStart()).integer(r.aEnd());
            c.out().array(2).integer(r.bStart()).integer(r.bEnd());
            if (withMatchLen) {
                c.out().integer(r.length());
            }
        }
        c.out().bulk("len");
        c.out().integer(length);
    }
}
