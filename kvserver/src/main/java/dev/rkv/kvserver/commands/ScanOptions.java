package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.util.Glob;

/** MATCH and COUNT of HSCAN, SSCAN and ZSCAN (Redis's scanGenericCommand for one key's elements). */
record ScanOptions(long count, byte[] pattern) {

    /** Parses the options from {@code argv[from]} on; null after replying the error. */
    static ScanOptions parseOrReply(Client c, byte[][] argv, int from) {
        long count = 10;
        byte[] pattern = null;
        for (int i = from; i < argv.length; i += 2) {
            boolean hasValue = i + 1 < argv.length;
            if (KeyAccess.isOption(argv[i], "count") && hasValue) {
                Long n = Args.longOrReply(c, argv[i + 1]);
                if (n == null) {
                    return null;
                }
                if (n < 1) {
                    c.out().raw(Replies.SYNTAX_ERR);
                    return null;
                }
                count = n;
            } else if (KeyAccess.isOption(argv[i], "match") && hasValue) {
                pattern = Glob.matchesAll(argv[i + 1]) ? null : argv[i + 1];
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return null;
            }
        }
        return new ScanOptions(count, pattern);
    }

    boolean matches(byte[] element) {
        return pattern == null || Glob.matches(pattern, element, false);
    }

    /** The reply: the next cursor (unsigned), then the elements found. */
    static void reply(Client c, long next, java.util.List<byte[]> found) {
        c.out().array(2).bulk(Long.toUnsignedString(next).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        c.out().array(found.size());
        for (byte[] b : found) {
            c.out().bulk(b);
        }
    }
}
