package dev.rkv.benchmark;

import dev.rkv.kvserver.testing.RedisReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rkv benchmark} against Debian's redis-server: what the server received (INFO
 * commandstats, the keys written) is what the options asked for. Small -n; no timing assertions.
 */
class RedisServerIT {
    private static RedisReference redis;
    private static Jedis jedis;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        redis = RedisReference.start();
        jedis = redis.jedis();
    }

    @AfterAll
    static void stop() {
        jedis.close();
        redis.close();
    }

    @BeforeEach
    void clean() {
        jedis.flushAll();
        jedis.configResetStat();
    }

    private static Run run(String... args) {
        return Run.against(redis.port(), args);
    }

    /** calls= of one command in INFO commandstats, 0 when it was never called. */
    private static long calls(String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(jedis.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void setWithRandomKeysWritesKeysOfTwelveDigitsInTheKeyspace() {
        Run r = run("-t", "set", "-n", "3000", "-c", "5", "-r", "100", "-d", "10", "--csv");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(3000, calls("set"));
        Set<String> keys = jedis.keys("*");
        // 3000 draws from 100 keys miss one with probability 100 * 0.99^3000, about 1e-11.
        assertEquals(100, keys.size(), keys.toString());
        for (String k : keys) {
            assertTrue(k.matches("key:0000000000\\d\\d"), k);
            assertEquals(10, jedis.get(k).length());
        }
    }

    @Test
    void withoutRandomKeysEveryRequestUsesTheSameKey() {
        Run r = run("-t", "set,get,incr", "-n", "500", "-c", "3", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(500, calls("get"));
        assertEquals(Set.of("key:__rand_int__", "counter:__rand_int__"), jedis.keys("*"));
        assertEquals("500", jedis.get("counter:__rand_int__"));
    }

    @Test
    void pipeliningSendsExactlyNRequests() {
        // 1001 is not a multiple of 16: the last batch is shorter, and no request is sent twice or lost.
        Run r = run("-t", "incr", "-n", "1001", "-c", "7", "-P", "16", "--csv");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("1001", jedis.get("counter:__rand_int__"));
        assertEquals(1001, calls("incr"));
    }

    @Test
    void threadsShareTheCountAndTheClients() {
        Run r = run("-t", "incr", "-n", "999", "-c", "5", "-P", "3", "--threads", "3", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("999", jedis.get("counter:__rand_int__"));
        assertEquals(999, calls("incr"));
    }

    @Test
    void csvHasRedisBenchmarksHeaderAndOneLinePerTest() throws IOException, InterruptedException {
        Run r = run("-t", "ping,get,set,lrange_100,mset", "-n", "200", "-c", "4", "--csv");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(200, calls("lrange"));
        assertEquals(200, calls("mset"));
        assertEquals(400, calls("ping"), "PING_INLINE and PING_MBULK");
        List<String> lines = r.outLines();
        assertEquals(Report.CSV_HEADER, lines.get(0));
        assertEquals(redisBenchmarkCsvHeader(), lines.get(0), "the header redis-benchmark itself prints");
        List<String> titles = lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf("\",") + 1)).toList();
        assertEquals(List.of("\"PING_INLINE\"", "\"PING_MBULK\"", "\"SET\"", "\"GET\"", "\"LPUSH (needed to benchmark LRANGE)\"",
            "\"LRANGE_100 (first 100 elements)\"", "\"MSET (10 keys)\""), titles);
        Pattern row = Pattern.compile("\"[^\"]+\",\"\\d+\\.\\d{2}\"(,\"\\d+\\.\\d{3}\"){6}");
        for (String l : lines.subList(1, lines.size())) {
            assertTrue(row.matcher(l).matches(), l);
        }
    }

    @Test
    void quietPrintsOneLinePerTest() {
        Run r = run("-t", "get,lpush", "-n", "300", "-c", "2", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.outLines();
        assertEquals(3, lines.size(), r.toString());
        assertTrue(lines.get(0).matches("GET: \\d+\\.\\d{2} requests per second, p50=\\d+\\.\\d{3} msec"), lines.get(0));
        assertTrue(lines.get(1).matches("LPUSH: \\d+\\.\\d{2} requests per second, p50=\\d+\\.\\d{3} msec"), lines.get(1));
        assertEquals("", lines.get(2));
        assertEquals(300, jedis.llen("mylist"));
    }

    @Test
    void theFullReportHasRedisBenchmarksSections() {
        Run r = run("-t", "get", "-n", "400", "-c", "4", "-d", "100");
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        for (String s : List.of("====== GET ======\n", "  400 requests completed in ", "  4 parallel clients\n",
            "  100 bytes payload\n", "  keep alive: 1\n", "  host configuration \"save\": \n",
            "  host configuration \"appendonly\": no\n", "  multi-thread: no\n", "Latency by percentile distribution:\n",
            "Cumulative distribution of latencies:\n", "Summary:\n", "  throughput summary: ",
            "  latency summary (msec):\n", "          avg       min       p50       p95       p99       max\n")) {
            assertTrue(out.contains(s), "missing '" + s + "' in\n" + out);
        }
        assertTrue(out.contains("100.000% <= "), out);
    }

    @Test
    void aCommandOnTheCommandLineIsRunWithRandomArguments() {
        Run r = run("-n", "250", "-c", "3", "-r", "1000000", "-q", "sadd", "myset", "__rand_int__");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("sadd myset __rand_int__: "), r.out());
        assertTrue(jedis.scard("myset") > 240, "250 random members of a million, few repeats");
    }

    @Test
    void dbnumSelectsTheDatabase() {
        Run r = run("-t", "set", "-n", "50", "-c", "2", "--dbnum", "3", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(0, jedis.dbSize());
        jedis.select(3);
        try {
            assertEquals(1, jedis.dbSize());
        } finally {
            jedis.select(0);
        }
    }

    @Test
    void errorRepliesAreCountedAndEndTheRunWithExitCode1() {
        jedis.set("mylist", "not a list");
        Run r = run("-t", "get,lpush,lrange_100", "-n", "120", "-c", "3", "--csv");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("Error from server: WRONGTYPE Operation against a key holding the wrong kind of value\n"
            + "rkv benchmark: LPUSH: 120 of 120 replies were errors\n", r.err().replace(System.lineSeparator(), "\n"));
        List<String> lines = r.outLines();
        assertEquals(2, lines.size(), "the header and GET: no figures for the failing LPUSH, no test after it");
        assertTrue(lines.get(1).startsWith("\"GET\","), lines.get(1));
        assertEquals(120, calls("lpush"));
        assertEquals(0, calls("lrange"));
    }

    @Test
    void everyDefaultTestRuns() {
        Run r = run("-n", "100", "-c", "2", "-r", "10", "--csv");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(21, r.outLines().size(), r.toString());
        Map<String, Long> expected = Map.of("set", 100L, "get", 100L, "incr", 100L, "rpush", 100L, "lpop", 100L,
            "sadd", 100L, "hset", 100L, "spop", 100L, "zadd", 100L, "zpopmin", 100L);
        expected.forEach((command, n) -> assertEquals(n, calls(command), command));
        assertEquals(200, calls("lpush"), "LPUSH and the LPUSH that fills the LRANGE list");
        assertEquals(400, calls("lrange"));
    }

    /** The CSV header line of Debian's redis-benchmark, run for one request. */
    private static String redisBenchmarkCsvHeader() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(redis.port()), "-t", "ping", "-n", "1",
            "-c", "1", "--csv").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-benchmark did not finish");
        return out.lines().findFirst().orElseThrow();
    }
}
