package dev.rkv.kvserver.it;

import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's redis-cli and redis-benchmark (package redis-tools) run against rkv unchanged; where
 * their output is deterministic it must equal their output against the real redis-server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolsIT {
    private RedisReference redis;
    private RkvTestServer rkv;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        redis = RedisReference.start();
        rkv = RkvTestServer.start();
        work = Files.createTempDirectory("rkv-tools");
    }

    @AfterAll
    void stop() throws IOException {
        if (rkv != null) {
            rkv.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    record Result(int exit, String out, String err) {
    }

    /** The tool from $REDIS_CLI / $REDIS_BENCHMARK, else next to redis-server, else on PATH. */
    private static String tool(String name) {
        String env = System.getenv(name.toUpperCase().replace('-', '_'));
        if (env != null && !env.isEmpty()) {
            return env;
        }
        File beside = new File(new File(RedisReference.binary()).getParentFile(), name);
        if (beside.canExecute()) {
            return beside.getPath();
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException(name + " not found: install Debian's redis-tools");
    }

    private Result run(Path stdin, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd) + "\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
            Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    private Result cli(int port, String... args) throws IOException, InterruptedException {
        return cliIn(port, null, args);
    }

    private Result cliIn(int port, Path stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tool("redis-cli"), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(Arrays.asList(args));
        return run(stdin, cmd.toArray(String[]::new));
    }

    /** Runs the same redis-cli invocation against both servers; the output must be identical. */
    private String sameCli(String... args) throws IOException, InterruptedException {
        Result expected = cli(redis.port(), args);
        Result actual = cli(rkv.port(), args);
        assertEquals(expected.exit(), actual.exit(), "exit code of redis-cli " + String.join(" ", args));
        assertEquals(expected.out(), actual.out(), "stdout of redis-cli " + String.join(" ", args));
        return actual.out();
    }

    @Test
    void redisCliCommandsPrintWhatTheyPrintAgainstRedis() throws Exception {
        Implemented.require("set", "get", "incr", "del", "mget", "ttl");
        sameCli("PING");
        sameCli("SET", "cli:k", "hello world");
        assertEquals("hello world\n", sameCli("GET", "cli:k"));
        sameCli("--no-raw", "GET", "cli:k");
        sameCli("--no-raw", "GET", "cli:missing");
        sameCli("--no-raw", "INCR", "cli:n");
        sameCli("--no-raw", "MGET", "cli:k", "cli:missing", "cli:n");
        sameCli("--no-raw", "INCR", "cli:k");
        sameCli("--no-raw", "NOSUCHCOMMAND", "x");
        sameCli("--no-raw", "TTL", "cli:k");
        sameCli("DEL", "cli:k", "cli:n");
        sameCli("--no-raw", "ECHO", "bin\u0001ary\"quote");
        sameCli("-r", "3", "INCR", "cli:r");
        sameCli("-x", "SET", "cli:x"); // value from stdin: empty here
    }

    @Test
    void redisCliSelectsTheDatabaseGivenWithN() throws Exception {
        Implemented.require("set", "get", "select");
        sameCli("-n", "3", "SET", "cli:db3", "three");
        assertEquals("three\n", sameCli("-n", "3", "GET", "cli:db3"));
        assertEquals("\n", sameCli("GET", "cli:db3"));
        sameCli("-n", "16", "PING");
    }

    @Test
    void redisCliBigkeysSummaryMatchesRedis() throws Exception {
        Implemented.require("mset", "scan", "type", "strlen", "flushall");
        String[] mset = {"MSET", "big:a", "1", "big:bb", "22", "big:ccc", "333", "big:long", "x".repeat(1000)};
        sameCli("FLUSHALL");
        sameCli(mset);
        Result expected = cli(redis.port(), "--bigkeys");
        Result actual = cli(rkv.port(), "--bigkeys");
        assertEquals(0, actual.exit(), actual.out() + actual.err());
        String marker = "-------- summary -------";
        assertTrue(actual.out().contains(marker), actual.out());
        // The "found so far" lines follow SCAN order; the summary does not.
        assertEquals(expected.out().substring(expected.out().indexOf(marker)),
            actual.out().substring(actual.out().indexOf(marker)));
    }

    @Test
    void redisCliInResp3ModeWorks() throws Exception {
        Implemented.require("set", "get", "mget");
        sameCli("-3", "SET", "cli3:k", "v");
        assertEquals("v\n", sameCli("-3", "GET", "cli3:k"));
        sameCli("-3", "--no-raw", "GET", "cli3:missing");
        sameCli("-3", "--no-raw", "MGET", "cli3:k", "cli3:missing");
        sameCli("-3", "--no-raw", "PING");
    }

    @Test
    void redisCliPipeMassInsertionReportsNoErrors() throws Exception {
        Implemented.require("set", "get", "dbsize", "flushall");
        StringBuilder proto = new StringBuilder();
        int n = 5000;
        for (int i = 0; i < n; i++) {
            String k = "mass:" + i;
            String v = "value-" + i;
            proto.append("*3\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k).append("\r\n$")
                .append(v.length()).append("\r\n").append(v).append("\r\n");
        }
        Path input = work.resolve("mass.txt");
        Files.writeString(input, proto, StandardCharsets.US_ASCII);
        cli(rkv.port(), "FLUSHALL");
        Result r = cliIn(rkv.port(), input, "--pipe");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("errors: 0, replies: " + n), r.out());
        assertEquals(n + "\n", cli(rkv.port(), "DBSIZE").out());
        assertEquals("value-4321\n", cli(rkv.port(), "GET", "mass:4321").out());
    }

    @Test
    void redisCliScanListsEveryMatchingKey() throws Exception {
        Implemented.require("set", "mset", "scan", "flushall");
        cli(rkv.port(), "FLUSHALL");
        List<String> mset = new ArrayList<>(List.of("MSET"));
        TreeSet<String> expected = new TreeSet<>();
        for (int i = 0; i < 500; i++) {
            mset.add("scan:" + i);
            mset.add("v");
            if (Integer.toString(i).startsWith("1")) {
                expected.add("scan:" + i);
            }
        }
        mset.add("other");
        mset.add("v");
        assertEquals("OK\n", cli(rkv.port(), mset.toArray(String[]::new)).out());
        Result r = cli(rkv.port(), "--scan", "--pattern", "scan:1*");
        assertEquals(0, r.exit(), r.err());
        assertEquals(expected, new TreeSet<>(Arrays.asList(r.out().split("\n"))));
        Result all = cli(rkv.port(), "--scan");
        assertEquals(501, all.out().split("\n").length);
    }

    @Test
    void redisCliInfoShowsServerSection() throws Exception {
        Implemented.require("info");
        Result r = cli(rkv.port(), "INFO");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("# Server"), r.out());
        assertTrue(r.out().contains("redis_version:"), r.out());
        Result keyspace = cli(rkv.port(), "INFO", "keyspace");
        assertTrue(keyspace.out().startsWith("# Keyspace"), keyspace.out());
    }

    @Test
    void redisCliAuthenticatesWithPassword() throws Exception {
        try (RedisReference securedRedis = RedisReference.start("--requirepass", "s3cret");
             RkvTestServer secured = RkvTestServer.start("--requirepass", "s3cret")) {
            for (String[] args : new String[][] {{"PING"}, {"-a", "s3cret", "--no-auth-warning", "PING"},
                {"-a", "nope", "--no-auth-warning", "PING"}, {"--user", "default", "--pass", "s3cret", "PING"},
                {"-a", "s3cret", "--no-auth-warning", "--no-raw", "ECHO", "in"}}) {
                Result expected = cli(securedRedis.port(), args);
                Result actual = cli(secured.port(), args);
                assertEquals(expected.exit(), actual.exit(), String.join(" ", args));
                assertEquals(expected.out(), actual.out(), String.join(" ", args));
                assertEquals(expected.err(), actual.err(), String.join(" ", args));
            }
            assertEquals("PONG\n", cli(secured.port(), "-a", "s3cret", "--no-auth-warning", "PING").out());
        }
    }

    @Test
    void redisBenchmarkRunsWithoutErrors() throws Exception {
        Implemented.require("set", "get", "incr", "mset");
        assertBenchmarkClean(benchmark("-t", "set,get,incr,mset", "-n", "2000", "-q"));
        assertBenchmarkClean(benchmark("-t", "set,get,incr,mset", "-n", "2000", "-q", "-P", "16"));
        assertBenchmarkClean(benchmark("-t", "ping", "-n", "2000", "-q", "-c", "20"));
        assertBenchmarkClean(benchmark("-3", "-t", "set,get", "-n", "2000", "-q"));
        Result csv = benchmark("-t", "set,get", "-n", "1000", "--csv");
        assertEquals(0, csv.exit(), csv.out() + csv.err());
        assertTrue(csv.out().contains("\"SET\",") && csv.out().contains("\"GET\","), csv.out());
    }

    private Result benchmark(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tool("redis-benchmark"), "-h", "127.0.0.1", "-p",
            Integer.toString(rkv.port())));
        cmd.addAll(Arrays.asList(args));
        return run(null, cmd.toArray(String[]::new));
    }

    /**
     * Exit 0, a rate for each test and no error. redis-benchmark starts with CONFIG GET save and
     * appendonly and warns "Could not fetch server CONFIG" when they fail: checked once CONFIG exists.
     */
    private static void assertBenchmarkClean(Result r) {
        String all = r.out() + r.err();
        assertEquals(0, r.exit(), all);
        assertTrue(all.contains("requests per second"), all);
        assertFalse(all.toLowerCase().contains("error"), all);
        if (Implemented.all("config")) {
            assertFalse(all.contains("WARN"), all);
        }
    }
}
