package dev.rkv.benchmark;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SuiteTest {
    private static final byte[] DATA = Suite.data(3);

    private static List<String> titles(String tests) throws UsageException {
        return Suite.selected(tests, DATA, false).stream().map(Suite.Test::title).toList();
    }

    @Test
    void everyTestRunsInRedisBenchmarksOrderWithItsTitles() throws UsageException {
        assertEquals(List.of("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD",
            "HSET", "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)",
            "LRANGE_300 (first 300 elements)", "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)",
            "MSET (10 keys)"), titles(null));
    }

    @Test
    void selectionKeepsRunOrderNotListOrder() throws UsageException {
        assertEquals(List.of("SET", "GET"), titles("get,set"));
    }

    @Test
    void pingSelectsBothPings() throws UsageException {
        assertEquals(List.of("PING_INLINE", "PING_MBULK"), titles("ping"));
        assertEquals(List.of("PING_MBULK"), titles("ping_mbulk"));
    }

    @Test
    void lrangeSelectsTheFillingLpushAndEveryLrange() throws UsageException {
        assertEquals(List.of("LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)",
            "LRANGE_300 (first 300 elements)", "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)"),
            titles("lrange"));
        assertEquals(List.of("LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)"), titles("lrange_100"));
        assertEquals(List.of("LPUSH", "LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)"),
            titles("lpush,lrange_100"));
    }

    @Test
    void namesMatchWholeItemsOnly() {
        UsageException e = assertThrows(UsageException.class, () -> titles("ge"));
        assertEquals("-t: no test is named 'ge'; the names are ping_inline,ping,ping_mbulk,set,get,incr,lpush,rpush,"
            + "lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,lrange_100,lrange_300,lrange_500,lrange_600,mset", e.getMessage());
        assertThrows(UsageException.class, () -> titles(" set"), "redis-benchmark matches ', set,' against nothing too");
        assertEquals("-t ',' selects no test", assertThrows(UsageException.class, () -> titles(",")).getMessage());
    }

    @Test
    void requestsAreTheCommandsRedisBenchmarkSends() throws UsageException {
        assertRequest("*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\n" + ascii(DATA) + "\r\n", "set", false);
        assertRequest("*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n", "get", false);
        assertRequest("PING\r\n", "ping_inline", false);
        assertRequest("*1\r\n$4\r\nPING\r\n", "ping_mbulk", false);
        assertRequest("*4\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n$1\r\n0\r\n$20\r\nelement:__rand_int__\r\n", "zadd", false);
        assertRequest("*4\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n$12\r\n__rand_int__\r\n$20\r\nelement:__rand_int__\r\n", "zadd",
            true);
    }

    @Test
    void placeholdersAreFoundInEveryArgument() throws UsageException {
        assertEquals(1, request("set", true).randomOffsets().length);
        assertEquals(2, request("zadd", true).randomOffsets().length, "score and member");
        assertEquals(10, request("mset", true).randomOffsets().length);
        assertEquals(0, request("lpush", true).randomOffsets().length);
    }

    @Test
    void dataIsPrintableAndOfTheGivenSize() {
        byte[] d = Suite.data(1000);
        assertEquals(1000, d.length);
        for (byte b : d) {
            assertEquals(true, Character.isLetter(b), "byte " + b);
        }
        assertArrayEquals(d, Suite.data(1000));
    }

    private static Request request(String test, boolean random) throws UsageException {
        return Suite.selected(test, DATA, random).get(0).request();
    }

    private static void assertRequest(String expected, String test, boolean random) throws UsageException {
        assertEquals(expected, ascii(request(test, random).bytes()));
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
