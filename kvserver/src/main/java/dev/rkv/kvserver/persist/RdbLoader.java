package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.HashLimits;
import dev.rkv.kvserver.store.HashValue;
import dev.rkv.kvserver.store.ListValue;
import dev.rkv.kvserver.store.ZSetLimits;
import dev.rkv.kvserver.store.ZSetValue;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.util.Numbers;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static dev.rkv.kvserver.persist.RdbDescriptor.ENCVAL;

/**
 * Reads RDB files (versions 1 to 10) as redis-server 7.0 writes them, for the types rkv has.
 *
 * <p>Accepts every aux field Redis writes (unknown ones are ignored, as Redis does), RESIZEDB,
 * EXPIRETIME (seconds) and EXPIRETIME_MS, and skips IDLE and FREQ. Refuses, with the reason and
 * offset, module aux data, function libraries and value types rkv does not have yet.
 */
public final class RdbLoader {
    /** The value types this loader reads. */
    private static final java.util.Set<Integer> LOADABLE = java.util.Set.of(RdbDescriptor.TYPE_STRING,
        RdbDescriptor.TYPE_HASH, RdbDescriptor.TYPE_HASH_LISTPACK, RdbDescriptor.TYPE_SET, RdbDescriptor.TYPE_SET_INTSET,
        RdbDescriptor.TYPE_LIST, RdbDescriptor.TYPE_LIST_QUICKLIST_2, RdbDescriptor.TYPE_ZSET, RdbDescriptor.TYPE_ZSET_2,
        RdbDescriptor.TYPE_ZSET_LISTPACK, RdbDescriptor.TYPE_HASH_ZIPMAP, RdbDescriptor.TYPE_LIST_ZIPLIST,
        RdbDescriptor.TYPE_ZSET_ZIPLIST, RdbDescriptor.TYPE_HASH_ZIPLIST, RdbDescriptor.TYPE_LIST_QUICKLIST);
    /** set-max-intset-entries's default: loaded sets take the encoding Redis gives them. */
    private static final long MAX_INTSET_ENTRIES = 512;

    private final RdbInput in;
    private final Keyspace target;
    private final long nowMs;
    private final long accessTimeMs = System.currentTimeMillis();
    private long keys;
    private long expiredSkipped;
    private String replId;
    private long replOffset = -1;
    private int replStreamDb = -1;

    private RdbLoader(InputStream in, Keyspace target, long nowMs) {
        this.in = new RdbInput(in);
        this.target = target;
        this.nowMs = nowMs;
    }

    /**
     * Reads an RDB stream into {@code target} (normally a fresh Keyspace); verifies the CRC64
     * when present (non-zero); throws RdbFormatException (message says what and at which byte
     * offset) on corruption or unsupported types.
     *
     * <p>Reads nothing past the checksum, so a stream that continues after the RDB (replication)
     * is left positioned there; for speed, pass a buffered stream when reading ahead is harmless.
     * Keys whose expiry is at or before {@code nowMs} are not stored (as a Redis primary does);
     * pass {@link Long#MIN_VALUE} to keep them all. On an exception, {@code target} holds what
     * was loaded so far: load into a fresh keyspace and swap it in only on success.
     */
    public static RdbLoadResult load(InputStream in, Keyspace target, long nowMs) throws IOException, RdbFormatException {
        return new RdbLoader(in, target, nowMs).run();
    }

    /**
     * One value as DUMP serializes it (its type byte, then the value, nothing after): for
     * RESTORE. Null for an empty collection. The value gets no expiry; RESTORE sets it.
     */
    static Entry readDumpedValue(byte[] body) throws IOException, RdbFormatException {
        RdbLoader loader = new RdbLoader(new java.io.ByteArrayInputStream(body), null, Long.MIN_VALUE);
        long at = loader.in.offset();
        int type = loader.in.readByte();
        if (!LOADABLE.contains(type)) {
            throw new RdbFormatException("Unsupported value type " + type, at);
        }
        Entry e = loader.readValue(type, Entry.NO_EXPIRY);
        if (loader.in.offset() != body.length) {
            throw new RdbFormatException("Bytes after the value", loader.in.offset());
        }
        return e;
    }

    private RdbLoadResult run() throws IOException, RdbFormatException {
        int version = readHeader();
        int db = 0;
        long expireAt = Entry.NO_EXPIRY;
        while (true) {
            long at = in.offset();
            int type = in.readByte();
            switch (type) {
                case RdbDescriptor.OPCODE_EXPIRETIME -> expireAt = in.readIntLE() * 1000L;
                case RdbDescriptor.OPCODE_EXPIRETIME_MS -> expireAt = in.readLongLE();
                case RdbDescriptor.OPCODE_FREQ -> in.readByte();
                case RdbDescriptor.OPCODE_IDLE -> readLength();
                case RdbDescriptor.OPCODE_SELECTDB -> db = selectDb(readLength(), at);
                case RdbDescriptor.OPCODE_RESIZEDB -> {
                    readLength();
                    readLength();
                }
                case RdbDescriptor.OPCODE_AUX -> readAux();
                case RdbDescriptor.OPCODE_MODULE_AUX ->
                    throw new RdbFormatException("Module auxiliary data (MODULE_AUX opcode) is not supported by rkv", at);
                case RdbDescriptor.OPCODE_FUNCTION2, RdbDescriptor.OPCODE_FUNCTION_PRE_GA ->
                    throw new RdbFormatException("Function libraries (FUNCTION opcode 0x" + Integer.toHexString(type)
                        + ") are not supported by rkv", at);
                case RdbDescriptor.OPCODE_EOF -> {
                    verifyChecksum(version);
                    return new RdbLoadResult(keys, expiredSkipped, replId, replOffset, replStreamDb, version);
                }
                default -> {
                    readKeyValue(type, target.db(db), expireAt, at);
                    expireAt = Entry.NO_EXPIRY;
                }
            }
        }
    }

    private int readHeader() throws IOException, RdbFormatException {
        byte[] header = new byte[RdbDescriptor.HEADER_LENGTH];
        in.readFully(header);
        if (!Arrays.equals(header, 0, RdbDescriptor.MAGIC.length, RdbDescriptor.MAGIC, 0, RdbDescriptor.MAGIC.length)) {
            throw new RdbFormatException("Wrong signature trying to load DB from file", 0);
        }
        int version = 0;
        for (int i = RdbDescriptor.MAGIC.length; i < header.length; i++) {
            int d = header[i] - '0';
            if (d < 0 || d > 9) {
                throw new RdbFormatException("Bad RDB version digits '"
                    + new String(header, RdbDescriptor.MAGIC.length, 4, StandardCharsets.ISO_8859_1) + "'",
                    RdbDescriptor.MAGIC.length);
            }
            version = version * 10 + d;
        }
        if (version < 1 || version > RdbDescriptor.VERSION) {
            throw new RdbFormatException("Can't handle RDB format version " + version, RdbDescriptor.MAGIC.length);
        }
        return version;
    }

    private int selectDb(long id, long at) throws RdbFormatException {
        if (id >= target.count()) {
            throw new RdbFormatException("Data file was created with a server configured to handle more than "
                + target.count() + " databases (SELECTDB " + id + ")", at);
        }
        return (int) id;
    }

    private void readAux() throws IOException, RdbFormatException {
        String key = new String(readString(), StandardCharsets.ISO_8859_1);
        long at = in.offset();
        byte[] value = readString();
        switch (key) {
            case "repl-id" -> {
                if (value.length == 40) {
                    replId = new String(value, StandardCharsets.ISO_8859_1);
                }
            }
            case "repl-offset" -> {
                try {
                    replOffset = Long.parseLong(new String(value, StandardCharsets.ISO_8859_1));
                } catch (NumberFormatException e) {
                    throw new RdbFormatException("Bad repl-offset aux field", at);
                }
            }
            case "repl-stream-db" -> {
                try {
                    replStreamDb = Integer.parseInt(new String(value, StandardCharsets.ISO_8859_1));
                } catch (NumberFormatException e) {
                    throw new RdbFormatException("Bad repl-stream-db aux field", at);
                }
            }
            default -> {
                // redis-ver, redis-bits, ctime, used-mem, aof-base, lua, and
                // fields of future versions: informational, ignored as Redis ignores unknown ones.
            }
        }
    }

    private void readKeyValue(int type, Database db, long expireAt, long at) throws IOException, RdbFormatException {
        if (!LOADABLE.contains(type)) {
            // New types slot in here and in readValue.
            String name = RdbDescriptor.typeName(type);
            if (name.equals("unknown")) {
                throw new RdbFormatException("Unknown RDB opcode or value type " + type, at);
            }
            throw new RdbFormatException("Unsupported value type " + type + " (" + name
                + "): rkv does not load this type", at);
        }
        Key key = new Key(readString());
        Entry entry = readValue(type, expireAt);
        if (entry == null) {
            return; // an empty collection: Redis skips such keys too
        }
        if (db.peek(key) != null) {
            throw new RdbFormatException("RDB has duplicated key '" + key + "' in DB " + db.index(), at);
        }
        if (expireAt != Entry.NO_EXPIRY && expireAt <= nowMs) {
            expiredSkipped++;
            return;
        }
        db.put(key, entry);
        keys++;
    }

    private Entry readValue(int type, long expireAt) throws IOException, RdbFormatException {
        return switch (type) {
            case RdbDescriptor.TYPE_STRING -> Entry.string(readString(), expireAt, accessTimeMs);
            case RdbDescriptor.TYPE_HASH -> hashOrNull(readPlainHash(), expireAt);
            case RdbDescriptor.TYPE_SET -> setOrNull(readPlainSet(), expireAt);
            case RdbDescriptor.TYPE_LIST -> listOrNull(readPlainList(), expireAt);
            case RdbDescriptor.TYPE_ZSET, RdbDescriptor.TYPE_ZSET_2 -> zsetOrNull(readPlainZSet(type == RdbDescriptor.TYPE_ZSET_2), expireAt);
            case RdbDescriptor.TYPE_ZSET_LISTPACK -> zsetOrNull(readListpackZSet(), expireAt);
            // The encodings of Redis up to 6.2 (and zipmaps of before 2.6): read, then held as 7.0 would.
            case RdbDescriptor.TYPE_HASH_ZIPMAP -> hashOrNull(hashFromPairs(Zipmap.decode(readString(), in.offset()), in.offset()), expireAt);
            case RdbDescriptor.TYPE_HASH_ZIPLIST -> hashOrNull(hashFromPairs(Ziplist.decode(readString(), in.offset()), in.offset()), expireAt);
            case RdbDescriptor.TYPE_ZSET_ZIPLIST -> zsetOrNull(zsetFromPairs(Ziplist.decode(readString(), in.offset()), in.offset()), expireAt);
            case RdbDescriptor.TYPE_LIST_ZIPLIST -> listOrNull(listOf(Ziplist.decode(readString(), in.offset())), expireAt);
            case RdbDescriptor.TYPE_LIST_QUICKLIST -> listOrNull(readQuicklistOfZiplists(), expireAt);
            case RdbDescriptor.TYPE_LIST_QUICKLIST_2 -> listOrNull(readQuicklist2(), expireAt);
            case RdbDescriptor.TYPE_SET_INTSET -> setOrNull(readIntset(), expireAt);
            case RdbDescriptor.TYPE_HASH_LISTPACK -> hashOrNull(readListpackHash(), expireAt);
            default -> throw new IllegalStateException("type " + type + " passed the check in readKeyValue");
        };
    }

    private Entry zsetOrNull(ZSetValue z, long expireAt) {
        return z.size() == 0 ? null : Entry.of(ValueType.ZSET, z, expireAt, accessTimeMs);
    }

    /** RDB_TYPE_ZSET(_2): a length, then members with their scores (text in the old form, binary doubles in _2). */
    private ZSetValue readPlainZSet(boolean binaryScores) throws IOException, RdbFormatException {
        long at = in.offset();
        long len = readLength();
        ZSetValue z = ZSetValue.create(len, 0, ZSetLimits.DEFAULTS);
        for (long i = 0; i < len; i++) {
            byte[] member = readString();
            double score = binaryScores ? Double.longBitsToDouble(in.readLongLE()) : readTextScore(at);
            if (Double.isNaN(score)) {
                throw new RdbFormatException("Zset with NAN score detected", at);
            }
            if (z.score(member) != null) {
                throw new RdbFormatException("Duplicate zset fields detected", at);
            }
            z.put(member, score, ZSetLimits.DEFAULTS);
        }
        return z;
    }

    /** The old text score: a length byte (253 nan, 254 +inf, 255 -inf), then that many characters. */
    private double readTextScore(long at) throws IOException, RdbFormatException {
        int len = in.readByte();
        switch (len) {
            case 253 -> {
                return Double.NaN;
            }
            case 254 -> {
                return Double.POSITIVE_INFINITY;
            }
            case 255 -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                byte[] text = in.readBytes(len);
                Double v = dev.rkv.kvserver.util.CDouble.parse(text);
                if (v == null) {
                    throw new RdbFormatException("Bad zset score '" + new String(text, StandardCharsets.ISO_8859_1) + "'", at);
                }
                return v;
            }
        }
    }

    /** RDB_TYPE_ZSET_LISTPACK: one string holding a listpack of member, score, member, score ... */
    private ZSetValue readListpackZSet() throws IOException, RdbFormatException {
        long at = in.offset();
        return zsetFromPairs(Listpack.decode(readString(), at), at);
    }

    private static ZSetValue zsetFromPairs(java.util.List<byte[]> elements, long at) throws RdbFormatException {
        if (elements.size() % 2 != 0) {
            throw new RdbFormatException("Corrupt sorted set: an odd number of elements", at);
        }
        ZSetValue z = ZSetValue.create(elements.size() / 2, 0, ZSetLimits.DEFAULTS);
        for (int i = 0; i < elements.size(); i += 2) {
            Double score = dev.rkv.kvserver.util.CDouble.parseLenient(new String(elements.get(i + 1), StandardCharsets.ISO_8859_1));
            if (score == null || score.isNaN()) {
                throw new RdbFormatException("Corrupt sorted set: a score that is not a number", at);
            }
            if (z.score(elements.get(i)) != null) {
                throw new RdbFormatException("Duplicate zset fields detected", at);
            }
            z.put(elements.get(i), score, ZSetLimits.DEFAULTS);
        }
        return z;
    }

    private Entry listOrNull(ListValue l, long expireAt) {
        return l.length() == 0 ? null : Entry.of(ValueType.LIST, l, expireAt, accessTimeMs);
    }

    /** RDB_TYPE_LIST: a length, then the elements. */
    private ListValue readPlainList() throws IOException, RdbFormatException {
        long len = readLength();
        ListValue l = new ListValue();
        for (long i = 0; i < len; i++) {
            l.pushTail(readString());
        }
        return l;
    }

    /** Quicklist node containers (Redis's QUICKLIST_NODE_CONTAINER_*). */
    private static final int CONTAINER_PLAIN = 1;
    private static final int CONTAINER_PACKED = 2;

    /** RDB_TYPE_LIST_QUICKLIST_2: a node count, then per node its container and a string: one element, or a listpack of them. */
    private ListValue readQuicklist2() throws IOException, RdbFormatException {
        long nodes = readLength();
        ListValue l = new ListValue();
        for (long i = 0; i < nodes; i++) {
            long at = in.offset();
            long container = readLength();
            byte[] blob = readString();
            if (container == CONTAINER_PLAIN) {
                l.pushTail(blob);
            } else if (container == CONTAINER_PACKED) {
                java.util.List<byte[]> elements = Listpack.decode(blob, at);
                if (elements.isEmpty()) {
                    throw new RdbFormatException("Corrupt quicklist: an empty node", at);
                }
                elements.forEach(l::pushTail);
            } else {
                throw new RdbFormatException("Corrupt quicklist: unknown node container " + container, at);
            }
        }
        return l;
    }

    private Entry setOrNull(SetValue s, long expireAt) {
        return s == null || s.size() == 0 ? null : Entry.of(ValueType.SET, s, expireAt, accessTimeMs);
    }

    /** RDB_TYPE_SET: a length, then the members; an intset while they are few integers. */
    private SetValue readPlainSet() throws IOException, RdbFormatException {
        long at = in.offset();
        long len = readLength();
        SetValue s = null;
        for (long i = 0; i < len; i++) {
            byte[] member = readString();
            if (s == null) {
                s = len > MAX_INTSET_ENTRIES ? SetValue.emptyTable() : SetValue.forFirstMember(member);
            }
            if (!s.add(member, MAX_INTSET_ENTRIES)) {
                throw new RdbFormatException("Duplicate set members detected", at);
            }
        }
        return s;
    }

    /** RDB_TYPE_SET_INTSET: one string holding an intset (encoding width, count, sorted little-endian integers). */
    private SetValue readIntset() throws IOException, RdbFormatException {
        long at = in.offset();
        byte[] blob = readString();
        long[] values = Intset.decode(blob, at);
        SetValue s = values.length > MAX_INTSET_ENTRIES ? SetValue.emptyTable() : SetValue.forFirstMember(Numbers.toBytes(0));
        for (long v : values) {
            s.add(Numbers.toBytes(v), MAX_INTSET_ENTRIES);
        }
        return s;
    }

    private Entry hashOrNull(HashValue h, long expireAt) {
        return h.size() == 0 ? null : Entry.of(ValueType.HASH, h, expireAt, accessTimeMs);
    }

    /** RDB_TYPE_HASH: a length, then field and value strings; the listpack limits decide the encoding. */
    private HashValue readPlainHash() throws IOException, RdbFormatException {
        long at = in.offset();
        long len = readLength();
        HashValue h = len > HashLimits.DEFAULTS.maxListpackEntries() ? HashValue.emptyTable() : HashValue.empty();
        for (long i = 0; i < len; i++) {
            byte[] field = readString();
            byte[] value = readString();
            if (!h.put(field, value, HashLimits.DEFAULTS)) {
                throw new RdbFormatException("Duplicate hash fields detected", at);
            }
        }
        return h;
    }

    /** RDB_TYPE_HASH_LISTPACK: one string holding a listpack of field, value, field, value ... */
    private HashValue readListpackHash() throws IOException, RdbFormatException {
        long at = in.offset();
        return hashFromPairs(Listpack.decode(readString(), at), at);
    }

    private static HashValue hashFromPairs(java.util.List<byte[]> elements, long at) throws RdbFormatException {
        if (elements.size() % 2 != 0) {
            throw new RdbFormatException("Corrupt hash: an odd number of elements", at);
        }
        HashValue h = elements.size() / 2 > HashLimits.DEFAULTS.maxListpackEntries() ? HashValue.emptyTable() : HashValue.empty();
        for (int i = 0; i < elements.size(); i += 2) {
            if (!h.put(elements.get(i), elements.get(i + 1), HashLimits.DEFAULTS)) {
                throw new RdbFormatException("Duplicate hash fields detected", at);
            }
        }
        return h;
    }

    private static ListValue listOf(java.util.List<byte[]> elements) {
        ListValue l = new ListValue();
        elements.forEach(l::pushTail);
        return l;
    }

    /** RDB_TYPE_LIST_QUICKLIST (Redis 3.2 to 6.2): a node count, then each node a ziplist. */
    private ListValue readQuicklistOfZiplists() throws IOException, RdbFormatException {
        long nodes = readLength();
        ListValue l = new ListValue();
        for (long i = 0; i < nodes; i++) {
            long at = in.offset();
            java.util.List<byte[]> elements = Ziplist.decode(readString(), at);
            if (elements.isEmpty()) {
                throw new RdbFormatException("Corrupt quicklist: an empty node", at);
            }
            elements.forEach(l::pushTail);
        }
        return l;
    }

    private void verifyChecksum(int version) throws IOException, RdbFormatException {
        if (version < RdbDescriptor.FIRST_VERSION_WITH_CHECKSUM) {
            return;
        }
        long expected = in.checksum();
        long at = in.offset();
        long stored = in.readLongLE();
        if (stored != 0 && stored != expected) {
            throw new RdbFormatException(String.format("Wrong RDB checksum expected: (%x) got (%x)", expected, stored),
                at);
        }
    }

    /** A plain length; a special string encoding here is corruption. */
    private long readLength() throws IOException, RdbFormatException {
        long at = in.offset();
        int first = in.readByte();
        if (first >>> 6 == ENCVAL) {
            throw new RdbFormatException("Unexpected string encoding " + (first & 0x3F) + " where a length belongs", at);
        }
        return lengthAfter(first, at);
    }

    private long lengthAfter(int first, long at) throws IOException, RdbFormatException {
        int kind = first >>> 6;
        if (kind == RdbDescriptor.LEN_6BIT) {
            return first & 0x3F;
        }
        if (kind == RdbDescriptor.LEN_14BIT) {
            return (first & 0x3F) << 8 | in.readByte();
        }
        if (first == RdbDescriptor.LEN_32BIT) {
            return in.readBE(4);
        }
        if (first == RdbDescriptor.LEN_64BIT) {
            long len = in.readBE(8);
            if (len < 0) {
                throw new RdbFormatException("Length " + Long.toUnsignedString(len) + " out of range", at);
            }
            return len;
        }
        throw new RdbFormatException("Unknown length encoding " + first + " in rdbLoadLen()", at);
    }

    /** A string in any of its encodings: raw, INT8/16/32 (as decimal text) or LZF. */
    private byte[] readString() throws IOException, RdbFormatException {
        long at = in.offset();
        int first = in.readByte();
        if (first >>> 6 != ENCVAL) {
            return in.readBytes(lengthAfter(first, at));
        }
        int enc = first & 0x3F;
        long v;
        switch (enc) {
            case RdbDescriptor.ENC_INT8 -> v = (byte) in.readByte();
            case RdbDescriptor.ENC_INT16 -> v = (short) (in.readByte() | in.readByte() << 8);
            case RdbDescriptor.ENC_INT32 -> v = in.readIntLE();
            case RdbDescriptor.ENC_LZF -> {
                return readLzf(at);
            }
            default -> throw new RdbFormatException("Unknown RDB string encoding type " + enc, at);
        }
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] readLzf(long at) throws IOException, RdbFormatException {
        long clen = readLength();
        long len = readLength();
        byte[] compressed = in.readBytes(clen);
        // One compressed byte yields at most MAX_EXPANSION bytes: a bigger claim is a lie, and
        // checking it first keeps a hostile length from allocating more than the data can fill.
        if (len > (long) compressed.length * Lzf.MAX_EXPANSION || len > Integer.MAX_VALUE - 8) {
            throw new RdbFormatException("Invalid LZF compressed string (" + clen + " bytes cannot expand to " + len
                + ")", at);
        }
        byte[] out = new byte[(int) len];
        if (Lzf.decompress(compressed, 0, compressed.length, out) != len) {
            throw new RdbFormatException("Invalid LZF compressed string", at);
        }
        return out;
    }
}
