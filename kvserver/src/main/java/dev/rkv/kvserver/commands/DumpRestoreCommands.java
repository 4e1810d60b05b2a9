package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.command.CommandFlag.DENYOOM;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.persist.DumpPayload;
import dev.rkv.kvserver.persist.RdbFormatException;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.util.Numbers;
import java.io.IOException;

/**
 * DUMP and RESTORE (cluster.c), with Redis 7.0's payload format, so values move between rkv and
 * redis-server both ways. RESTORE propagates with an absolute TTL (ABSTTL), as Redis does, so that
 * replicas expire the key at the same moment.
 */
public final class DumpRestoreCommands {
    private static final byte[] ABSTTL = Args.bytes("ABSTTL");

    private DumpRestoreCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("dump", 2).flags(READONLY).keys(1, 1, 1).keySpecs(KeySpec.single(1, "RO", "access")).tips("nondeterministic_output")
            .group("generic").since("2.6.0").summary("Return a serialized version of the value stored at the specified key.")
            .handler(DumpRestoreCommands::dump).build());
        t.register(command("restore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).keySpecs(KeySpec.single(1, "OW", "update")).acl("keyspace", "dangerous").group("generic")
            .since("2.6.0").summary("Create a key using the provided serialized value, previously obtained using DUMP.")
            .handler(DumpRestoreCommands::restore).build());
    }

    // DUMP key
    private static void dump(Client c, byte[][] argv) {
        Entry e = Args.lookupRead(c, Args.key(argv[1]));
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        c.out().bulk(DumpPayload.dump(e));
    }

    // RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
    private static void restore(Client c, byte[][] argv) {
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "absttl")) {
                absttl = true;
            } else if (Args.is(argv[j], "idletime") && more && freq == -1) {
                Long v = Args.longOrReply(c, argv[++j]);
                if (v == null) {
                    return;
                }
                if (v < 0) {
                    c.out().error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                idle = v;
            } else if (Args.is(argv[j], "freq") && more && idle == -1) {
                Long v = Args.longOrReply(c, argv[++j]);
                if (v == null) {
                    return;
                }
                if (v < 0 || v > 255) {
                    c.out().error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                freq = v;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        Key key = Args.key(argv[1]);
        long now = c.server().nowMs();
        if (!replace && c.db().lookup(key, now) != null) {
            c.out().error("BUSYKEY Target key name already exists.");
            return;
        }
        Long ttl = Args.longOrReply(c, argv[2]);
        if (ttl == null) {
            return;
        }
        if (ttl < 0) {
            c.out().error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        if (!DumpPayload.verify(argv[3])) {
            c.out().error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        Entry restored;
        try {
            restored = DumpPayload.restore(argv[3]);
        } catch (IOException | RdbFormatException e) {
            restored = null;
        }
        if (restored == null) {
            c.out().error("ERR Bad data format");
            return;
        }
        boolean deleted = replace && c.db().remove(key, now);
        long when = ttl == 0 ? Entry.NO_EXPIRY : absttl ? ttl : now + ttl;
        if (when != Entry.NO_EXPIRY && KeyAccess.alreadyExpired(c, when, now)) {
            if (deleted) {
                KeyspaceNotify.generic(c, "del", argv[1]);
                c.server().propagate(c.dbIndex(), KeyAccess.DEL, argv[1]);
            }
            c.out().raw(Replies.OK);
            return;
        }
        Entry e = when == Entry.NO_EXPIRY ? restored : restored.withExpiry(when);
        if (idle >= 0) {
            e.accessStatistics(now - idle * 1000, 0);
        } else if (freq >= 0) {
            e.accessStatistics(now, (int) freq);
        }
        c.db().put(key, e);
        KeyspaceNotify.generic(c, "restore", argv[1]);
        c.out().raw(Replies.OK);
        byte[][] effect = when == Entry.NO_EXPIRY || absttl ? argv
            : withAbsoluteTtl(argv, when);
        c.server().propagate(c.dbIndex(), effect);
    }

    /** The same RESTORE with the TTL made absolute and ABSTTL appended: what replicas apply. */
    private static byte[][] withAbsoluteTtl(byte[][] argv, long when) {
        byte[][] out = java.util.Arrays.copyOf(argv, argv.length + 1);
        out[2] = Numbers.toBytes(when);
        out[argv.length] = ABSTTL;
        return out;
    }
}
