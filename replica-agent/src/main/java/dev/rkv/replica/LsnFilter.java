package dev.rkv.replica;

import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.commands.Commands;
import dev.rkv.kvserver.repl.StreamFilter;
import dev.rkv.kvserver.store.Key;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stream filter after a fuzzy pull: an effect at offset o on key K is skipped when o is at
 * most the LSN loaded for K (the loaded copy already has it). Effects on several keys are
 * split: DEL/UNLINK and MSET keep the keys still behind; RENAME and MOVE whose destination
 * is already loaded become a DEL of the source. An effect that cannot be split soundly (a
 * RENAME whose source changed again after it, SWAPDB) asks for a resync.
 *
 * <p>Used on the event loop only, until the stream passes {@link #horizon()}.
 */
final class LsnFilter implements StreamFilter {
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MSET = "MSET".getBytes(StandardCharsets.US_ASCII);

    private final Map<Key, Long>[] lsns;
    private final long horizon;
    private long skipped;
    private long rewritten;

    LsnFilter(Map<Key, Long>[] lsns, long horizon) {
        this.lsns = lsns;
        this.horizon = horizon;
    }

    @Override
    public long horizon() {
        return horizon;
    }

    long skipped() {
        return skipped;
    }

    long rewritten() {
        return rewritten;
    }

    @Override
    public byte[][] filter(int db, byte[][] argv, long endOffset) {
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (argv.length < 2 && !name.equals("flushall") && !name.equals("flushdb")) {
            return argv;
        }
        switch (name) {
            case "select", "ping", "multi", "exec", "replconf", "publish", "spublish", "function", "script", "eval", "evalsha" -> {
                return argv;
            }
            case "flushall" -> {
                java.util.Arrays.fill(lsns, null);
                return argv;
            }
            case "flushdb" -> {
                if (db < lsns.length) {
                    lsns[db] = null;
                }
                return argv;
            }
            case "swapdb" -> {
                return RESYNC;
            }
            case "del", "unlink" -> {
                return keep(argv, 1, 1, db, endOffset);
            }
            case "mset", "msetnx" -> {
                byte[][] out = keep(argv, 1, 2, db, endOffset);
                if (out != null && out != argv) {
                    out[0] = MSET;
                }
                return out;
            }
            case "rename", "renamenx" -> {
                return moveLike(argv, db, argv[1], db, argv[2], endOffset);
            }
            case "move" -> {
                int target = parseDb(argv[2]);
                return target < 0 ? argv : moveLike(argv, db, argv[1], target, argv[1], endOffset);
            }
            case "copy" -> {
                int target = db;
                for (int j = 3; j + 1 < argv.length; j++) {
                    if (new String(argv[j], StandardCharsets.ISO_8859_1).equalsIgnoreCase("db")) {
                        target = parseDb(argv[j + 1]);
                    }
                }
                if (target < 0 || argv.length < 3) {
                    return argv;
                }
                if (covered(target, argv[2], endOffset)) {
                    skipped++;
                    return null;
                }
                // The copy needs the source as it was at the effect: a source loaded newer cannot give it.
                return covered(db, argv[1], endOffset) ? RESYNC : argv;
            }
            default -> {
                List<Integer> keys = keyPositions(argv);
                if (keys.size() > 1) {
                    return multiKey(argv, keys, db, endOffset);
                }
                if (covered(db, keys.isEmpty() ? argv[1] : argv[keys.get(0)], endOffset)) {
                    skipped++;
                    return null;
                }
                return argv;
            }
        }
    }

    /**
     * An effect on several keys with no rule of its own: skipped when every key already has it,
     * replayed when none has, a resync otherwise (half of it cannot be told from the other
     * half). The primary propagates its multi-key writes as per-key effects (SMOVE, LMOVE and
     * the STORE forms), so this is the safety net for what comes after.
     */
    private byte[][] multiKey(byte[][] argv, List<Integer> keys, int db, long o) {
        int done = 0;
        for (int k : keys) {
            if (covered(db, argv[k], o)) {
                done++;
            }
        }
        if (done == keys.size()) {
            skipped++;
            return null;
        }
        return done == 0 ? argv : RESYNC;
    }

    /** The argument positions of {@code argv}'s keys, by the command's key specs (none for a command rkv lacks). */
    private static List<Integer> keyPositions(byte[][] argv) {
        CommandSpec spec = KnownCommands.TABLE.lookup(argv[0]);
        if (spec == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (KeySpec ks : spec.keySpecs()) {
            if (!ks.notKey()) {
                for (int p : ks.positions(argv)) {
                    if (!out.contains(p)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    /** The server's command table, for key specs; built once (it holds no state). */
    private static final class KnownCommands {
        static final CommandTable TABLE = Commands.table();
    }

    /** RENAME/MOVE: the source goes away and the destination takes its value. */
    private byte[][] moveLike(byte[][] argv, int srcDb, byte[] src, int dstDb, byte[] dst, long o) {
        boolean dstDone = covered(dstDb, dst, o);
        boolean srcDone = covered(srcDb, src, o);
        if (dstDone && srcDone) {
            skipped++;
            return null;
        }
        if (dstDone) {
            // The destination already has this value; only the source's removal is missing.
            rewritten++;
            if (srcDb != dstDb) {
                return RESYNC;
            }
            return new byte[][] {DEL, src};
        }
        return srcDone ? RESYNC : argv;
    }

    /** Keeps the groups of {@code group} arguments from {@code from} whose first is a key still behind. */
    private byte[][] keep(byte[][] argv, int from, int group, int db, long o) {
        List<byte[]> out = new ArrayList<>();
        out.add(argv[0]);
        int kept = 0;
        int groups = 0;
        for (int j = from; j + group - 1 < argv.length; j += group) {
            groups++;
            if (!covered(db, argv[j], o)) {
                kept++;
                for (int g = 0; g < group; g++) {
                    out.add(argv[j + g]);
                }
            }
        }
        if (kept == groups) {
            return argv;
        }
        if (kept == 0) {
            skipped++;
            return null;
        }
        rewritten++;
        return out.toArray(new byte[0][]);
    }

    private boolean covered(int db, byte[] key, long o) {
        if (db < 0 || db >= lsns.length || lsns[db] == null) {
            return false;
        }
        Long lsn = lsns[db].get(new Key(key));
        return lsn != null && o <= lsn;
    }

    private static int parseDb(byte[] b) {
        try {
            return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
