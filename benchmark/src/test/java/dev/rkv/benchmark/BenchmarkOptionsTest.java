package dev.rkv.benchmark;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkOptionsTest {

    @Test
    void defaultsAreRedisBenchmarks() throws UsageException {
        BenchmarkOptions o = BenchmarkOptions.parse();
        assertEquals("127.0.0.1", o.host());
        assertEquals(6379, o.port());
        assertEquals(50, o.clients());
        assertEquals(100_000, o.requests());
        assertEquals(3, o.dataSize());
        assertEquals(1, o.pipeline());
        assertEquals(1, o.threads());
        assertEquals(3, o.precision());
        assertFalse(o.randomKeys());
        assertNull(o.tests());
        assertNull(o.password());
        assertFalse(o.csv());
        assertFalse(o.quiet());
        assertFalse(o.rdma());
        assertTrue(o.command().isEmpty());
    }

    @Test
    void everyOptionParses() throws UsageException {
        BenchmarkOptions o = BenchmarkOptions.parse("-h", "10.0.0.1", "-p", "7000", "-a", "pw", "--user", "u", "-c", "30",
            "-n", "5000", "-d", "1024", "-r", "1000", "-P", "16", "-t", "GET,Set", "--threads", "2", "--csv", "-q",
            "--precision", "2", "--dbnum", "3");
        assertEquals("10.0.0.1", o.host());
        assertEquals(7000, o.port());
        assertEquals("pw", o.password());
        assertEquals("u", o.user());
        assertEquals(30, o.clients());
        assertEquals(5000, o.requests());
        assertEquals(1024, o.dataSize());
        assertEquals(1000, o.keyspace());
        assertTrue(o.randomKeys());
        assertEquals(16, o.pipeline());
        assertEquals("get,set", o.tests(), "-t is lower-cased as redis-benchmark does");
        assertEquals(2, o.threads());
        assertTrue(o.csv());
        assertTrue(o.quiet());
        assertEquals(2, o.precision());
        assertEquals(3, o.dbnum());
    }

    @Test
    void hIsTheHostAndHelpIsLong() throws UsageException {
        assertEquals("localhost", BenchmarkOptions.parse("-h", "localhost").host());
        assertNull(BenchmarkOptions.parse("-c", "5", "--help"));
    }

    @Test
    void precisionFollowsRedisBenchmark() throws UsageException {
        assertEquals(3, BenchmarkOptions.parse("--precision", "-1").precision(), "negative means the default");
        assertEquals(4, BenchmarkOptions.parse("--precision", "9").precision(), "above 4 means 4");
        assertEquals(1, BenchmarkOptions.parse("--precision", "1").precision());
        assertMessage("--precision 0: the latency histogram needs 1 to 4 significant figures", "--precision", "0");
    }

    @Test
    void aCommandAfterTheOptionsIsKept() throws UsageException {
        BenchmarkOptions o = BenchmarkOptions.parse("-n", "10", "lpush", "mylist", "__rand_int__");
        assertEquals(List.of("lpush", "mylist", "__rand_int__"), o.command());
        assertEquals(10, o.requests());
    }

    @Test
    void rdmaTakesAProvider() throws UsageException {
        BenchmarkOptions o = BenchmarkOptions.parse("--rdma", "--provider", "shm");
        assertTrue(o.rdma());
        assertEquals("shm", o.provider());
    }

    @Test
    void replyTimeoutDefaultsToTenSecondsAndTakesMilliseconds() throws UsageException {
        assertEquals(10_000, BenchmarkOptions.parse().replyTimeoutMillis());
        assertEquals(250, BenchmarkOptions.parse("--reply-timeout", "250").replyTimeoutMillis());
    }

    @Test
    void badInputSaysWhatIsWrongInOneLine() {
        assertMessage("-c abc: not a number", "-c", "abc");
        assertMessage("-c 0: must be between 1 and 10000", "-c", "0");
        assertMessage("-n -5: must be at least 1", "-n", "-5");
        assertMessage("-p 70000: must be between 1 and 65535", "-p", "70000");
        assertMessage("-d 0: must be between 1 and 536870912", "-d", "0");
        assertMessage("-P 0: must be between 1 and 1000000", "-P", "0");
        assertMessage("-r -1: must be between 0 and 1000000000000", "-r", "-1");
        assertMessage("--threads 0: must be between 1 and 500", "--threads", "0");
        assertMessage("-n needs a value", "-n");
        assertMessage("unknown option -x (rkv benchmark --help lists the options)", "-x");
        assertMessage("unknown option --cluster (rkv benchmark --help lists the options)", "--cluster");
        assertMessage("--user needs -a <password>", "--user", "bob");
        assertMessage("--provider shm needs --rdma", "--provider", "shm");
        assertMessage("--provider ib: must be one of soft, shm, disni", "--rdma", "--provider", "ib");
        assertMessage("--reply-timeout 0: must be between 1 and 2147483647", "--reply-timeout", "0");
    }

    private static void assertMessage(String message, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> BenchmarkOptions.parse(args));
        assertEquals(message, e.getMessage());
    }
}
