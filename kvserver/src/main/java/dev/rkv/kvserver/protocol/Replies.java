package dev.rkv.kvserver.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Shared pre-encoded replies, as Valkey's {@code shared.*} objects (server.c createSharedObjects),
 * for {@link RespWriter#raw(byte[])}. The arrays are shared by every connection: never modify them.
 * Texts are Redis 7.0's, byte for byte.
 */
public final class Replies {

    public static final byte[] CRLF = of("\r\n");
    public static final byte[] OK = of("+OK\r\n");
    public static final byte[] PONG = of("+PONG\r\n");
    public static final byte[] QUEUED = of("+QUEUED\r\n");
    public static final byte[] ZERO = of(":0\r\n");
    public static final byte[] ONE = of(":1\r\n");
    public static final byte[] MINUS_ONE = of(":-1\r\n");
    public static final byte[] MINUS_TWO = of(":-2\r\n");
    public static final byte[] EMPTY_BULK = of("$0\r\n\r\n");
    public static final byte[] EMPTY_ARRAY = of("*0\r\n");
    /** The empty reply of SCAN: cursor 0 and no elements. */
    public static final byte[] EMPTY_SCAN = of("*2\r\n$1\r\n0\r\n*0\r\n");

    /** RESP2 null bulk; prefer {@link RespWriter#nullBulk()}, which follows the protocol. */
    public static final byte[] NULL_BULK_2 = of("$-1\r\n");
    /** RESP2 null array; prefer {@link RespWriter#nullArray()}. */
    public static final byte[] NULL_ARRAY_2 = of("*-1\r\n");
    /** RESP3 null. */
    public static final byte[] NULL_3 = of("_\r\n");
    public static final byte[] EMPTY_MAP_3 = of("%0\r\n");
    public static final byte[] EMPTY_SET_3 = of("~0\r\n");
    public static final byte[] TRUE_3 = of("#t\r\n");
    public static final byte[] FALSE_3 = of("#f\r\n");

    public static final byte[] SYNTAX_ERR = of("-ERR syntax error\r\n");
    public static final byte[] WRONGTYPE =
            of("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    public static final byte[] NOT_INTEGER = of("-ERR value is not an integer or out of range\r\n");
    public static final byte[] NOT_FLOAT = of("-ERR value is not a valid float\r\n");
    public static final byte[] NO_SUCH_KEY = of("-ERR no such key\r\n");
    public static final byte[] SAME_OBJECT = of("-ERR source and destination objects are the same\r\n");
    public static final byte[] OUT_OF_RANGE = of("-ERR index out of range\r\n");
    public static final byte[] OVERFLOW = of("-ERR increment or decrement would overflow\r\n");
    public static final byte[] DB_INDEX_OUT_OF_RANGE = of("-ERR DB index is out of range\r\n");
    public static final byte[] NOAUTH = of("-NOAUTH Authentication required.\r\n");
    public static final byte[] OOM = of("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    public static final byte[] EXECABORT = of("-EXECABORT Transaction discarded because of previous errors.\r\n");
    public static final byte[] READONLY = of("-READONLY You can't write against a read only replica.\r\n");
    public static final byte[] LOADING = of("-LOADING Redis is loading the dataset in memory\r\n");
    public static final byte[] BUSYKEY = of("-BUSYKEY Target key name already exists.\r\n");
    public static final byte[] NOREPLICAS = of("-NOREPLICAS Not enough good replicas to write.\r\n");
    public static final byte[] MASTERDOWN = of("-MASTERDOWN Link with MASTER is down and "
            + "replica-serve-stale-data is set to 'no'.\r\n");
    public static final byte[] NOSCRIPT = of("-NOSCRIPT No matching script. Please use EVAL.\r\n");

    private Replies() {
    }

    /** Null bulk for the given protocol version. */
    public static byte[] nullBulk(int protocol) {
        return protocol == 2 ? NULL_BULK_2 : NULL_3;
    }

    /** Null array for the given protocol version. */
    public static byte[] nullArray(int protocol) {
        return protocol == 2 ? NULL_ARRAY_2 : NULL_3;
    }

    /** Empty map: RESP2 {@code *0}, RESP3 {@code %0}. */
    public static byte[] emptyMap(int protocol) {
        return protocol == 2 ? EMPTY_ARRAY : EMPTY_MAP_3;
    }

    /** Empty set: RESP2 {@code *0}, RESP3 {@code ~0}. */
    public static byte[] emptySet(int protocol) {
        return protocol == 2 ? EMPTY_ARRAY : EMPTY_SET_3;
    }

    private static byte[] of(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
