package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.commands.ConnectionCommands;
import dev.rkv.kvserver.protocol.RespWriter;
import dev.rkv.kvserver.store.DatabaseSnapshot;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.HashValue;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ListValue;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.store.ZSetValue;
import dev.rkv.kvserver.util.Numbers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.rkv.kvserver.persist.RdbDescriptor.ENCVAL;
import static dev.rkv.kvserver.persist.RdbDescriptor.ENC_INT16;
import static dev.rkv.kvserver.persist.RdbDescriptor.ENC_INT32;
import static dev.rkv.kvserver.persist.RdbDescriptor.ENC_INT8;
import static dev.rkv.kvserver.persist.RdbDescriptor.ENC_LZF;

/**
 * Writes snapshots as RDB version 10 files that redis-server 7.0 and redis-check-rdb accept.
 *
 * <p>Strings are stored as Redis stores them: canonical integers that fit 32 bits as INT8,
 * INT16 or INT32; longer strings LZF-compressed when compression is on and saves at least
 * four bytes; otherwise raw. An instance keeps compression buffers: use it from one thread at
 * a time. It may run on any thread, since snapshots are immutable.
 */
public final class RdbWriter {
    private final boolean compress;
    private final boolean checksum;
    /** Made on first use: its 64 KB table is wasted on a writer that never compresses. */
    private Lzf lzf;
    private byte[] lzfOut = new byte[0];

    /** A writer that computes the CRC64 trailer; {@code compress} enables LZF for strings. */
    public RdbWriter(boolean compress) {
        this(compress, true);
    }

    /** As {@link #RdbWriter(boolean)}; with {@code checksum} false the trailer is 0 (rdbchecksum no). */
    public RdbWriter(boolean compress, boolean checksum) {
        this.compress = compress;
        this.checksum = checksum;
    }

    /**
     * Streams a complete RDB v10 (magic, aux fields redis-ver/redis-bits/ctime/used-mem/repl-id/
     * repl-offset/aof-base, SELECTDB, RESIZEDB, EXPIRETIME_MS, values, EOF, CRC64) of the
     * snapshot. Expired entries (expireAt &lt;= nowMs) are skipped.
     *
     * @param aux replication state to record, or null to write no repl-* fields
     * @return bytes written
     */
    public long write(DatabaseSnapshot[] dbs, RdbAux aux, OutputStream out, long nowMs) throws IOException {
        RdbOutput o = new RdbOutput(out);
        o.write(RdbDescriptor.MAGIC);
        o.write(String.format("%04d", RdbDescriptor.VERSION).getBytes(StandardCharsets.US_ASCII));
        writeAux(o, "redis-ver", ConnectionCommands.REDIS_VERSION);
        writeAux(o, "redis-bits", "64");
        writeAux(o, "ctime", Long.toString(nowMs / 1000));
        Runtime rt = Runtime.getRuntime();
        writeAux(o, "used-mem", Long.toString(rt.totalMemory() - rt.freeMemory()));
        if (aux != null) {
            writeAux(o, "repl-stream-db", Integer.toString(aux.streamDb()));
            writeAux(o, "repl-id", aux.replId());
            writeAux(o, "repl-offset", Long.toString(aux.replOffset()));
        }
        writeAux(o, "aof-base", "0");
        for (DatabaseSnapshot db : dbs) {
            if (db.size() > 0) {
                writeDatabase(o, db, nowMs);
            }
        }
        o.write(RdbDescriptor.OPCODE_EOF);
        o.writeLongLE(checksum ? o.checksum() : 0);
        o.flush();
        return o.count();
    }

    private void writeAux(RdbOutput o, String key, String value) throws IOException {
        o.write(RdbDescriptor.OPCODE_AUX);
        writeString(o, key.getBytes(StandardCharsets.US_ASCII));
        writeString(o, value.getBytes(StandardCharsets.UTF_8));
    }

    private void writeDatabase(RdbOutput o, DatabaseSnapshot db, long nowMs) throws IOException {
        o.write(RdbDescriptor.OPCODE_SELECTDB);
        writeLength(o, db.index());
        o.write(RdbDescriptor.OPCODE_RESIZEDB);
        writeLength(o, db.size());
        writeLength(o, db.expiresSize());
        try {
            db.forEach((key, entry) -> {
                if (!entry.isExpired(nowMs)) {
                    try {
                        writeEntry(o, key, entry);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeEntry(RdbOutput o, Key key, Entry entry) throws IOException {
        if (entry.hasExpiry()) {
            o.write(RdbDescriptor.OPCODE_EXPIRETIME_MS);
            o.writeLongLE(entry.expireAtMs());
        }
        o.write(typeOf(entry));
        writeString(o, key.bytes());
        writeValue(o, entry);
    }

    /**
     * The RDB type byte of an entry: Redis 7.0's for its encoding (listpacks for small hashes and
     * sorted sets, intsets, quicklist-2 lists), plain forms for the big ones.
     */
    static int typeOf(Entry entry) {
        return switch (entry.type()) {
            case STRING -> RdbDescriptor.TYPE_STRING;
            case HASH -> ((HashValue) entry.value()).isListpack() ? RdbDescriptor.TYPE_HASH_LISTPACK : RdbDescriptor.TYPE_HASH;
            case SET -> ((SetValue) entry.value()).isIntset() ? RdbDescriptor.TYPE_SET_INTSET : RdbDescriptor.TYPE_SET;
            case LIST -> RdbDescriptor.TYPE_LIST_QUICKLIST_2;
            case ZSET -> ((ZSetValue) entry.value()).isListpack() ? RdbDescriptor.TYPE_ZSET_LISTPACK : RdbDescriptor.TYPE_ZSET_2;
            default -> throw new IllegalStateException("no RDB encoding for type " + entry.type());
        };
    }

    /** The value of an entry in the encoding {@link #typeOf} names (also DUMP's payload body). */
    void writeValue(RdbOutput o, Entry entry) throws IOException {
        switch (typeOf(entry)) {
            case RdbDescriptor.TYPE_STRING -> writeString(o, entry.bytes());
            case RdbDescriptor.TYPE_HASH_LISTPACK -> {
                List<byte[]> flat = new ArrayList<>();
                ((HashValue) entry.value()).forEach((f, v) -> {
                    flat.add(f);
                    flat.add(v);
                });
                writeString(o, ListpackWriter.encode(flat));
            }
            case RdbDescriptor.TYPE_HASH -> {
                HashValue h = (HashValue) entry.value();
                writeLength(o, h.size());
                List<byte[]> flat = new ArrayList<>();
                h.forEach((f, v) -> {
                    flat.add(f);
                    flat.add(v);
                });
                for (byte[] b : flat) {
                    writeString(o, b);
                }
            }
            case RdbDescriptor.TYPE_SET_INTSET -> {
                long[] ints = ((SetValue) entry.value()).sortedInts();
                writeString(o, Intset.encode(ints, ints.length));
            }
            case RdbDescriptor.TYPE_SET -> {
                SetValue set = (SetValue) entry.value();
                writeLength(o, set.size());
                for (byte[] m : set.members()) {
                    writeString(o, m);
                }
            }
            case RdbDescriptor.TYPE_LIST_QUICKLIST_2 -> writeQuicklist(o, (ListValue) entry.value());
            case RdbDescriptor.TYPE_ZSET_LISTPACK -> {
                List<byte[]> flat = new ArrayList<>();
                ((ZSetValue) entry.value()).forEach((m, score) -> {
                    flat.add(m);
                    flat.add(RespWriter.formatDouble(score).getBytes(StandardCharsets.US_ASCII));
                });
                writeString(o, ListpackWriter.encode(flat));
            }
            default -> {
                // RDB_TYPE_ZSET_2, highest score first as Redis writes it, so loading appends at the head cheaply.
                ZSetValue z = (ZSetValue) entry.value();
                writeLength(o, z.size());
                for (long r = z.size() - 1; r >= 0; r--) {
                    ZSetValue.Member m = z.at(r);
                    writeString(o, m.member());
                    o.writeLongLE(Double.doubleToRawLongBits(m.score()));
                }
            }
        }
    }

    /** Bytes of elements per quicklist node: list-max-listpack-size -2 (8 KB), Redis's default. */
    private static final int QUICKLIST_NODE_BYTES = 8 * 1024;
    private static final int CONTAINER_PACKED = 2;

    /** RDB_TYPE_LIST_QUICKLIST_2: nodes of listpacks of about 8 KB each, as Redis 7.0 packs lists. */
    private void writeQuicklist(RdbOutput o, ListValue list) throws IOException {
        List<List<byte[]>> nodes = new ArrayList<>();
        List<byte[]> node = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < list.length(); i++) {
            byte[] e = list.get(i);
            if (!node.isEmpty() && bytes + e.length + 11 > QUICKLIST_NODE_BYTES) {
                nodes.add(node);
                node = new ArrayList<>();
                bytes = 0;
            }
            node.add(e);
            bytes += e.length + 11;
        }
        if (!node.isEmpty()) {
            nodes.add(node);
        }
        writeLength(o, nodes.size());
        for (List<byte[]> n : nodes) {
            writeLength(o, CONTAINER_PACKED);
            writeString(o, ListpackWriter.encode(n));
        }
    }

    /** A length in the shortest of the 6/14/32/64-bit forms. */
    static void writeLength(RdbOutput o, long len) throws IOException {
        if (len < 0) {
            throw new IllegalArgumentException("negative RDB length " + len);
        }
        if (len < 1 << 6) {
            o.write((int) len);
        } else if (len < 1 << 14) {
            o.write((RdbDescriptor.LEN_14BIT << 6) | (int) (len >>> 8));
            o.write((int) len);
        } else if (len <= 0xFFFF_FFFFL) {
            o.write(RdbDescriptor.LEN_32BIT);
            o.writeIntBE((int) len);
        } else {
            o.write(RdbDescriptor.LEN_64BIT);
            o.writeLongBE(len);
        }
    }

    /** A string: integer-encoded, LZF-compressed or raw, as Redis's rdbSaveRawString chooses. */
    void writeString(RdbOutput o, byte[] s) throws IOException {
        if (s.length <= RdbDescriptor.INT_MAX_LENGTH && writeIntegerEncoded(o, s)) {
            return;
        }
        if (compress && s.length > RdbDescriptor.LZF_MIN_LENGTH && writeCompressed(o, s)) {
            return;
        }
        writeLength(o, s.length);
        o.write(s);
    }

    private static boolean writeIntegerEncoded(RdbOutput o, byte[] s) throws IOException {
        Long parsed = Numbers.parseLongStrict(s);
        if (parsed == null) {
            return false;
        }
        long v = parsed;
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            o.write((ENCVAL << 6) | ENC_INT8);
            o.write((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            o.write((ENCVAL << 6) | ENC_INT16);
            o.write((int) v);
            o.write((int) (v >> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            o.write((ENCVAL << 6) | ENC_INT32);
            o.write((int) v);
            o.write((int) (v >> 8));
            o.write((int) (v >> 16));
            o.write((int) (v >> 24));
        } else {
            return false;
        }
        return true;
    }

    /** LZF when it saves at least four bytes, as Redis requires. */
    private boolean writeCompressed(RdbOutput o, byte[] s) throws IOException {
        int limit = s.length - 4;
        if (lzfOut.length < limit) {
            lzfOut = new byte[Math.max(limit, Math.min(2 * lzfOut.length, 1 << 20))];
        }
        if (lzf == null) {
            lzf = new Lzf();
        }
        int n = lzf.compress(s, 0, s.length, lzfOut, limit);
        if (n == 0) {
            if (lzfOut.length > 1 << 20) {
                lzfOut = new byte[0];
            }
            return false;
        }
        o.write((ENCVAL << 6) | ENC_LZF);
        writeLength(o, n);
        writeLength(o, s.length);
        o.write(lzfOut, 0, n);
        if (lzfOut.length > 1 << 20) {
            lzfOut = new byte[0];
        }
        return true;
    }
}
