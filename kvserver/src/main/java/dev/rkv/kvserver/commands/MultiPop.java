package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.protocol.Replies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arguments of LMPOP/BLMPOP and ZMPOP/BZMPOP: {@code numkeys key [key ...] END [COUNT n]},
 * where END is LEFT|RIGHT or MIN|MAX; {@code fromFirstEnd} is true for LEFT and MIN.
 */
record MultiPop(List<byte[]> keys, boolean fromFirstEnd, long count) {

    /** Parses from {@code argv[at]} (numkeys); null after replying Redis's error. */
    static MultiPop parseOrReply(Client c, byte[][] argv, int at, String firstEnd, String secondEnd) {
        Long numkeys = Args.longOrReply(c, argv[at], "numkeys should be greater than 0");
        if (numkeys == null) {
            return null;
        }
        if (numkeys < 1) {
            c.out().error("ERR numkeys should be greater than 0");
            return null;
        }
        int endIdx = at + 1 + (int) Math.min(numkeys, Integer.MAX_VALUE - at - 2);
        if (numkeys > argv.length - at - 2 || endIdx >= argv.length) {
            c.out().raw(Replies.SYNTAX_ERR);
            return null;
        }
        boolean first;
        if (Args.is(argv[endIdx], firstEnd)) {
            first = true;
        } else if (Args.is(argv[endIdx], secondEnd)) {
            first = false;
        } else {
            c.out().raw(Replies.SYNTAX_ERR);
            return null;
        }
        long count = -1;
        for (int j = endIdx + 1; j < argv.length; j++) {
            if (Args.is(argv[j], "count") && j + 1 < argv.length && count == -1) {
                Long n = Args.longOrReply(c, argv[++j], "count should be greater than 0");
                if (n == null) {
                    return null;
                }
                if (n < 1) {
                    c.out().error("ERR count should be greater than 0");
                    return null;
                }
                count = n;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return null;
            }
        }
        return new MultiPop(new ArrayList<>(Arrays.asList(argv).subList(at + 1, endIdx)), first, count == -1 ? 1 : count);
    }
}
