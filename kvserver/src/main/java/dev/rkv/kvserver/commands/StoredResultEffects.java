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
        propagate(c, dst, ChunkedEffect.of(SADD, dst, members, ELEMENTS_PER_EFFECT));
    }

    /** A list stored at {@code dst} (SORT ... STORE): DEL dst, RPUSH dst elements... (DEL alone for none). */
    static void list(Client c, byte[] dst, List<byte[]> elements) {
        propagate(c, dst, ChunkedEffect.of(RPUSH, dst, elements, ELEMENTS_PER_EFFECT));
    }

    /** A sorted set stored at {@code dst}: DEL dst, ZADD dst score member... with scores that parse back exactly. */
    static void zset(Client c, byte[] dst, List<Member> members) {
        List<byte[]> pairs = new ArrayList<>(2 * members.size());
        for (Member m : members) {
            pairs.add(Args.bytes(RespWriter.formatDouble(m.score())));
            pairs.add(m.member());
        }
        // Whole pairs per effect: twice as many arguments as members.
        propagate(c, dst, ChunkedEffect.of(ZADD, dst, pairs, 2 * ELEMENTS_PER_EFFECT));
    }

    private static void propagate(Client c, byte[] dst, List<byte[][]> fills) {
        c.server().propagateTogether(c.dbIndex(), new byte[][] {DEL, dst}, fills.toArray(new byte[0][][]));
    }
}
