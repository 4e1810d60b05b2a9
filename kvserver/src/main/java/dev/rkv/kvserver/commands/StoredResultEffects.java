package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.protocol.RespWriter;
import dev.rkv.kvserver.store.ZSetValue.Member;

import java.util.ArrayList;
import java.util.List;

/**
 * The effect of a command that stores a result computed from other keys (SINTERSTORE,
 * ZUNIONSTORE, ZRANGESTORE, SORT ... STORE ...): the destination deleted, then filled with the result's
 * elements, in MULTI/EXEC. Redis propagates the command itself, but replaying it needs the
 * sources as they were; a replica that pulled the table may hold them newer (or already
 * deleted) while the destination is still behind. The result itself replays anywhere.
 */
final class StoredResultEffects {
    /** Elements per propagated SADD/ZADD, so one effect stays a reasonable size. */
    private static final int ELEMENTS_PER_EFFECT = 512;
    private static final byte[] DEL = Args.bytes("DEL");
    private static final byte[] SADD = Args.bytes("SADD");
    private static final byte[] ZADD = Args.bytes("ZADD");
    private static final byte[] RPUSH = Args.bytes("RPUSH");

    private StoredResultEffects() {
    }

    /** A set stored at {@code dst}: DEL dst, SADD dst members... (DEL alone for no members). */
    static void set(Client c, byte[] dst, List<byte[]> members) {
        propagate(c, dst, fills(SADD, dst, members));
    }

    /** A list stored at {@code dst} (SORT ... STORE): DEL dst, RPUSH dst elements... (DEL alone for none). */
    static void list(Client c, byte[] dst, List<byte[]> elements) {
        propagate(c, dst, fills(RPUSH, dst, elements));
    }

    private static List<byte[][]> fills(byte[] command, byte[] dst, List<byte[]> elements) {
        List<byte[][]> effects = new ArrayList<>();
        for (int from = 0; from < elements.size(); from += ELEMENTS_PER_EFFECT) {
            int to = Math.min(elements.size(), from + ELEMENTS_PER_EFFECT);
            byte[][] e = new byte[2 + to - from][];
            e[0] = command;
            e[1] = dst;
            for (int i = from; i < to; i++) {
                e[2 + i - from] = elements.get(i);
            }
            effects.add(e);
        }
        return effects;
    }

    /** A sorted set stored at {@code dst}: DEL dst, ZADD dst score member... with scores that parse back exactly. */
    static void zset(Client c, byte[] dst, List<Member> members) {
        List<byte[][]> effects = new ArrayList<>();
        for (int from = 0; from < members.size(); from += ELEMENTS_PER_EFFECT) {
            int to = Math.min(members.size(), from + ELEMENTS_PER_EFFECT);
            byte[][] e = new byte[2 + 2 * (to - from)][];
            e[0] = ZADD;
            e[1] = dst;
            for (int i = from; i < to; i++) {
                Member m = members.get(i);
                e[2 + 2 * (i - from)] = Args.bytes(RespWriter.formatDouble(m.score()));
                e[3 + 2 * (i - from)] = m.member();
            }
            effects.add(e);
        }
        propagate(c, dst, effects);
    }

    private static void propagate(Client c, byte[] dst, List<byte[][]> fills) {
        c.server().propagateTogether(c.dbIndex(), new byte[][] {DEL, dst}, fills.toArray(new byte[0][][]));
    }
}
