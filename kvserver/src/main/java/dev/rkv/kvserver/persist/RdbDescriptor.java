package dev.rkv.kvserver.persist;

import java.nio.charset.StandardCharsets;

/**
 * The RDB file layout as Redis 7.0 writes it (RDB version 10).
 *
 * <pre>
 *   +-------+------+                               magic and 4-digit version, ASCII
 *   | REDIS | 0010 |
 *   +-------+------+----------+
 *   | AUX (0xFA) | key | value |   * per aux field: redis-ver, redis-bits, ctime, used-mem,
 *   +------------+-----+-------+     [repl-stream-db, repl-id, repl-offset], aof-base
 *   +---------------+--------+    per non-empty database:
 *   | SELECTDB 0xFE | db len |
 *   +---------------+--------+-----------------+
 *   | RESIZEDB 0xFB | keys len | expires len   |   size hints
 *   +---------------+----------+---------------+
 *   [EXPIRETIME_MS 0xFC | 8-byte LE unix ms]   per key, when it has an expiry
 *   | type | key string | value |              per key
 *   +----------+------------------------+
 *   | EOF 0xFF | CRC64, 8 bytes LE      |      CRC over every byte before it; 0 = not computed
 *   +----------+------------------------+
 *
 * length:  00LLLLLL                6-bit length
 *          01LLLLLL LLLLLLLL       14-bit length, big-endian
 *          10000000 + 4 bytes BE   32-bit length
 *          10000001 + 8 bytes BE   64-bit length
 *          11EEEEEE                special string encoding E follows:
 *                                    0 INT8, 1 INT16, 2 INT32 (little-endian two's complement)
 *                                    3 LZF: compressed length, plain length, compressed bytes
 * string:  length + raw bytes, or one of the special encodings
 * </pre>
 */
public final class RdbDescriptor {
    private RdbDescriptor() {
    }

    public static final byte[] MAGIC = "REDIS".getBytes(StandardCharsets.US_ASCII);
    /** The version we write, and the newest we read (Redis 7.0's RDB_VERSION). */
    public static final int VERSION = 10;
    /** The first version with a CRC64 trailer. */
    public static final int FIRST_VERSION_WITH_CHECKSUM = 5;
    /** Length of the magic plus the 4-digit version. */
    public static final int HEADER_LENGTH = 9;

    // Opcodes (Redis's RDB_OPCODE_*): a byte where a value type is expected.
    /** Pre-release 7.0 function library; Redis 7.0 itself refuses it. */
    public static final int OPCODE_FUNCTION_PRE_GA = 0xF5;
    /** A function library (Redis 7.0+). */
    public static final int OPCODE_FUNCTION2 = 0xF6;
    /** Module auxiliary data. */
    public static final int OPCODE_MODULE_AUX = 0xF7;
    /** LRU idle time of the next key, a length. */
    public static final int OPCODE_IDLE = 0xF8;
    /** LFU counter of the next key, one byte. */
    public static final int OPCODE_FREQ = 0xF9;
    /** An aux field: two strings. */
    public static final int OPCODE_AUX = 0xFA;
    /** Hash table size hints: two lengths. */
    public static final int OPCODE_RESIZEDB = 0xFB;
    /** Expiry of the next key in unix ms, 8 bytes little-endian. */
    public static final int OPCODE_EXPIRETIME_MS = 0xFC;
    /** Expiry of the next key in unix seconds, 4 bytes little-endian (old files). */
    public static final int OPCODE_EXPIRETIME = 0xFD;
    /** Database selector: a length. */
    public static final int OPCODE_SELECTDB = 0xFE;
    public static final int OPCODE_EOF = 0xFF;

    // Value types (Redis's RDB_TYPE_*).
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_HASH_LISTPACK = 16;
    /** The newest object type Redis 7.0 writes (RDB_TYPE_STREAM_LISTPACKS_2). */
    public static final int TYPE_LAST_KNOWN = 19;

    // Length encoding.
    public static final int LEN_6BIT = 0;
    public static final int LEN_14BIT = 1;
    public static final int LEN_32BIT = 0x80;
    public static final int LEN_64BIT = 0x81;
    public static final int ENCVAL = 3;
    public static final int ENC_INT8 = 0;
    public static final int ENC_INT16 = 1;
    public static final int ENC_INT32 = 2;
    public static final int ENC_LZF = 3;

    /** Strings longer than this are tried with LZF when compression is on (as Redis). */
    public static final int LZF_MIN_LENGTH = 20;
    /** Strings up to this length are tried as integers (as Redis). */
    public static final int INT_MAX_LENGTH = 11;

    /** Redis's names for the object types, for error messages. */
    public static String typeName(int type) {
        return switch (type) {
            case 0 -> "string";
            case 1 -> "list";
            case 2 -> "set";
            case 3 -> "zset";
            case 4 -> "hash";
            case 5 -> "zset-2";
            case 6 -> "module-pre-ga";
            case 7 -> "module-2";
            case 9 -> "hash-zipmap";
            case 10 -> "list-ziplist";
            case 11 -> "set-intset";
            case 12 -> "zset-ziplist";
            case 13 -> "hash-ziplist";
            case 14 -> "quicklist";
            case 15 -> "stream";
            case 16 -> "hash-listpack";
            case 17 -> "zset-listpack";
            case 18 -> "quicklist-2";
            case 19 -> "stream-v2";
            default -> "unknown";
        };
    }
}
