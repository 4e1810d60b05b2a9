package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.protocol.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The count of HRANDFIELD, ZRANDMEMBER and SRANDMEMBER: negative means "may repeat", and the
 * optional WITHVALUES/WITHSCORES; and the distinct random pick they share.
 */
record RandomCount(long count, boolean withValues) {

    /** Parses {@code argv[2]} and the optional {@code argv[3]}; null after replying Redis's error. */
    static RandomCount parseOrReply(Client c, byte[][] argv, String withWord) {
        Long count = Args.longOrReply(c, argv[2]);
        if (count == null) {
            return null;
        }
        if (count == Long.MIN_VALUE) {
            // Redis's wording, "must" without "be", as it prints it.
            c.out().error("ERR value is out of range, value must between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
            return null;
        }
        boolean with = false;
        if (withWord != null && argv.length == 4 && Args.is(argv[3], withWord)) {
            with = true;
        } else if (argv.length >= 4) {
            c.out().raw(Replies.SYNTAX_ERR);
            return null;
        }
        if (with && (count > Long.MAX_VALUE / 2 || count < -Long.MAX_VALUE / 2)) {
            c.out().error("ERR value is out of range");
            return null;
        }
        return new RandomCount(count, with);
    }

    /**
     * {@code count} distinct elements of {@code all} (fewer than it holds), each subset equally
     * likely; in {@code all}'s order when {@code keepOrder} (a compact encoding, as Redis picks them).
     */
    static <T> List<T> distinct(List<T> all, int count, boolean keepOrder) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        List<T> out = new ArrayList<>(count);
        int left = all.size();
        int need = count;
        for (T element : all) {
            if (rnd.nextInt(left) < need) {
                out.add(element);
                need--;
            }
            left--;
        }
        if (!keepOrder) {
            java.util.Collections.shuffle(out, rnd);
        }
        return out;
    }
}
