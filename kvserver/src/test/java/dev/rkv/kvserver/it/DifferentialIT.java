package dev.rkv.kvserver.it;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The compatibility tool: the same command sequences go to the real redis-server and to rkv
 * and the raw replies must match byte for byte, apart from what {@link DualClient#equivalent}
 * allows (TTL slack, KEYS order, RANDOMKEY's choice). Hand-written sequences cover each
 * family's edge cases and error paths; a seeded generator throws random collisions at both.
 *
 * <p>Replay a random run with {@code -Drkv.diff.seed=N} (and {@code -Drkv.diff.commands=N}).
 */
class DifferentialIT {
    private static final Long SEED = Long.getLong("rkv.diff.seed");
    private static final int COMMANDS = Integer.getInteger("rkv.diff.commands", 8000);

    private RedisReference redis;
    private RkvTestServer rkv;
    /** With -Drkv.diff.twins=true: a second redis-server instead of rkv, to check the suite itself. */
    private RedisReference twin;
    private int rkvPort;
    private DualClient d;

    @BeforeEach
    void start() throws Exception {
        redis = RedisReference.start();
        if (Implemented.TWINS) {
            twin = RedisReference.start();
            rkvPort = twin.port();
        } else {
            rkv = RkvTestServer.start();
            rkvPort = rkv.port();
        }
        d = new DualClient(redis.port(), rkvPort);
    }

    @AfterEach
    void stop() throws IOException {
        if (d != null) {
            d.close();
        }
        if (rkv != null) {
            rkv.close();
        }
        if (twin != null) {
            twin.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    // ------------------------------------------------------------------ the harness itself

    @Test
    void implementedListMatchesTheServer() throws IOException {
        assumeTrue(!Implemented.TWINS);
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(Implemented.COMMANDS)) {
            // Wrong arity or any other answer proves the command exists; only "unknown command" does not.
            String reply = d.rkv.call(name, "__probe_a", "__probe_b", "__probe_c", "__probe_d", "__probe_e");
            if (reply.startsWith("-ERR unknown command")) {
                unknown.add(name);
            }
            if (name.equals("quit") || name.equals("reset") || name.equals("hello")) {
                d.rkv.close();
                d = new DualClient(redis.port(), rkvPort);
            }
        }
        assertEquals(List.of(), unknown, "listed in Implemented.COMMANDS but unknown to rkv");
        System.out.println("[DifferentialIT] commands not implemented yet: " + Implemented.missing());
    }

    @Test
    void generatorOnlyProducesCommandsTwoRedisServersAgreeOn() throws Exception {
        // The generator must be deterministic: against two real redis-servers it may never differ.
        try (RedisReference other = RedisReference.start();
             DualClient twins = new DualClient(redis.port(), other.port())) {
            Set<String> every = new HashSet<>(Implemented.WANTED);
            every.addAll(Implemented.COMMANDS);
            runRandom(twins, 7L, 3, 1500, every);
        }
    }

    // ------------------------------------------------------------------ random differential

    static Stream<Arguments> randomRuns() {
        List<Long> seeds = SEED != null ? List.of(SEED) : List.of(1L, 2L, 3L, 42L, 1234L, 99991L);
        List<Arguments> runs = new ArrayList<>();
        for (long s : seeds) {
            runs.add(arguments(s, 2));
            runs.add(arguments(s, 3));
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "seed {0} RESP{1}")
    @MethodSource("randomRuns")
    void randomCommandSequencesMatchRedis(long seed, int protocol) throws Exception {
        Set<String> enabled = new HashSet<>(Implemented.TWINS ? Implemented.WANTED : Implemented.COMMANDS);
        enabled.addAll(Implemented.COMMANDS);
        assumeTrue(enabled.contains("set") && enabled.contains("get"), "string commands not implemented yet");
        runRandom(d, seed, protocol, COMMANDS, enabled);
    }

    /**
     * Sends {@code count} generated commands in pipelined batches of 1..64 to both servers;
     * on the first difference fails with the seed, index, command, both replies and the
     * commands just before it. Every few hundred commands, and at the end, compares whole
     * keyspaces (SCAN sets, values and TTLs) too.
     */
    private static void runRandom(DualClient pair, long seed, int protocol, int count, Set<String> enabled)
        throws IOException {
        runRandom(List.of(pair), seed, protocol, count, enabled);
    }

    /**
     * As above with several connections: each batch goes, whole, to one of them chosen at random
     * (so both servers see the same interleaving), which exercises WATCH and MULTI across clients.
     */
    private static void runRandom(List<DualClient> pairs, long seed, int protocol, int count, Set<String> enabled)
        throws IOException {
        if (protocol == 3) {
            for (DualClient p : pairs) {
                p.both("HELLO", "3");
            }
        }
        Random rnd = new Random(seed);
        CommandGenerator gen = new CommandGenerator(rnd, System.currentTimeMillis(), enabled);
        assumeTrue(!gen.isEmpty(), "no generator command implemented");
        List<String> history = new ArrayList<>();
        long arguments = 0;
        int sent = 0;
        while (sent < count) {
            int n = Math.min(count - sent, 1 + rnd.nextInt(64));
            int client = rnd.nextInt(pairs.size());
            DualClient pair = pairs.get(client);
            List<byte[][]> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(gen.next());
            }
            List<String[]> replies = new ArrayList<>();
            int bad = pair.pipeline(batch, replies);
            String who = pairs.size() > 1 ? "client " + client + ": " : "";
            if (bad >= 0) {
                for (int i = 0; i < bad; i++) {
                    history.add(who + DualClient.show(batch.get(i)));
                }
                StringBuilder context = new StringBuilder();
                for (int i = Math.max(0, history.size() - 12); i < history.size(); i++) {
                    context.append("\n    #").append(i).append(' ').append(history.get(i));
                }
                if (batch.get(bad).length > 1) {
                    // The commands that touched the failing command's first argument (usually its key), whenever they ran.
                    String key = DualClient.show(new byte[][] {batch.get(bad)[1]});
                    context.append("\n  earlier commands naming ").append(key).append(':');
                    history.stream().filter(h -> h.contains(key)).skip(Math.max(0, history.stream().filter(h -> h.contains(key)).count() - 40))
                        .forEach(h -> context.append("\n    ").append(h));
                }
                fail("random run differs: seed " + seed + " (replay with -Drkv.diff.seed=" + seed + "), RESP"
                    + protocol + ", command #" + (sent + bad) + " on " + (who.isEmpty() ? "the only client" : who)
                    + "\n" + DualClient.describe(batch.get(bad), replies.get(bad)[0], replies.get(bad)[1])
                    + "\n  preceded by (most recent last):" + context);
            }
            for (byte[][] c : batch) {
                history.add(who + DualClient.show(c));
                arguments += c.length;
            }
            sent += n;
            if (sent % 500 < n || sent == count) {
                compareKeyspaces(pairs.get(0), enabled, "seed " + seed + " after command #" + sent);
            }
        }
        System.out.printf("[DifferentialIT] seed %d RESP%d, %d client(s): %d commands (%d arguments) compared%n",
            seed, protocol, pairs.size(), history.size(), arguments);
    }

    @ParameterizedTest(name = "seed {0} RESP{1}")
    @MethodSource("randomRuns")
    void randomCommandsFromThreeInterleavedClientsMatchRedis(long seed, int protocol) throws Exception {
        Set<String> enabled = new HashSet<>(Implemented.TWINS ? Implemented.WANTED : Implemented.COMMANDS);
        enabled.addAll(Implemented.COMMANDS);
        assumeTrue(enabled.contains("watch") && enabled.contains("multi"), "transactions not implemented yet");
        try (DualClient second = new DualClient(redis.port(), rkvPort);
             DualClient third = new DualClient(redis.port(), rkvPort)) {
            runRandom(List.of(d, second, third), seed + 1_000_000, protocol, COMMANDS / 2, enabled);
        }
    }

    /** Every database the generator touches must hold the same keys, values and TTLs. */
    private static void compareKeyspaces(DualClient pair, Set<String> enabled, String where) throws IOException {
        if (!enabled.containsAll(List.of("select", "keys", "get", "pttl"))) {
            return;
        }
        if (enabled.contains("discard")) {
            pair.both("DISCARD"); // leave a transaction the generator may have opened
        }
        for (int db = 0; db < 3; db++) {
            pair.check("SELECT", Integer.toString(db));
            TreeSet<String> keys = new TreeSet<>();
            RespReply r = RespReply.parse(pair.check("KEYS", "*"));
            r.children().forEach(k -> keys.add(k.text()));
            if (enabled.contains("scan")) {
                TreeSet<String> scanned = DualClient.scanAll(pair.rkv);
                assertEquals(keys, scanned, where + ": rkv's SCAN and KEYS disagree in db " + db);
                pair.checkScan("COUNT", "2");
                pair.checkScan("MATCH", "k*", "COUNT", "1");
            }
            for (String k : keys) {
                byte[] key = k.getBytes(StandardCharsets.ISO_8859_1);
                pair.check("GET".getBytes(StandardCharsets.US_ASCII), key);
                pair.check("PTTL".getBytes(StandardCharsets.US_ASCII), key);
                if (enabled.contains("hgetall")) {
                    compareCollection(pair, key);
                }
            }
        }
        pair.check("SELECT", "0");
    }

    /**
     * A collection's whole content, in a form both servers must produce alike: lists and sorted
     * sets in their order, hashes and sets too while both hold them compactly (insertion or
     * numeric order); in a hashtable only their sizes, since each server's table order is its own.
     */
    private static void compareCollection(DualClient pair, byte[] key) throws IOException {
        String type = RespReply.parse(pair.check(bytes("TYPE"), key)).text();
        String encoding = type.equals("string") || type.equals("none") ? ""
            : RespReply.parse(pair.check(bytes("OBJECT"), bytes("ENCODING"), key)).text();
        boolean ordered = encoding.equals("listpack") || encoding.equals("intset") || encoding.equals("quicklist")
            || encoding.equals("skiplist");
        switch (type) {
            case "list" -> pair.check(bytes("LRANGE"), key, bytes("0"), bytes("-1"));
            case "zset" -> pair.check(bytes("ZRANGE"), key, bytes("0"), bytes("-1"), bytes("WITHSCORES"));
            case "hash" -> pair.check(bytes(ordered ? "HGETALL" : "HLEN"), key);
            case "set" -> pair.check(bytes(ordered ? "SMEMBERS" : "SCARD"), key);
            default -> {
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ hand-written sequences

    /** Runs each line (split like redis-cli: blanks, "quoted" with \xHH escapes) on both servers. */
    private void script(String... lines) throws IOException {
        for (String line : lines) {
            d.check(split(line));
        }
    }

    private void resp(int protocol) throws IOException {
        if (protocol == 3) {
            d.both("HELLO", "3");
        }
    }

    static byte[][] split(String line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= line.length()) {
                break;
            }
            ByteArrayOutputStream tok = new ByteArrayOutputStream();
            if (line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        char e = line.charAt(i + 1);
                        switch (e) {
                            case 'x' -> {
                                tok.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                                i += 4;
                                continue;
                            }
                            case 'r' -> tok.write('\r');
                            case 'n' -> tok.write('\n');
                            default -> tok.write(e);
                        }
                        i += 2;
                        continue;
                    }
                    tok.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                    i++;
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    tok.writeBytes(String.valueOf(line.charAt(i)).getBytes(StandardCharsets.UTF_8));
                    i++;
                }
            }
            out.add(tok.toByteArray());
        }
        return out.toArray(new byte[0][]);
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void connectionCommandsMatchRedis(int protocol) throws IOException {
        resp(protocol);
        script("PING", "PING hello", "PING \"\"", "PING a b", "ECHO \"\\x00\\r\\n\\xff\"", "ECHO", "ECHO a b",
            "SELECT 0", "SELECT 15", "SELECT 16", "SELECT -1", "SELECT 1.5", "SELECT \"\"", "SELECT 0",
            "AUTH x", "AUTH default x", "AUTH a b c", "HELLO 4", "HELLO x", "HELLO 3 AUTH", "HELLO 3 SETNAME",
            "HELLO 3 FOO", "HELLO 3 SETNAME \"with space\" extra", "HELLO 2 SETNAME ok FOO", "CLIENT GETNAME", "HELLO 3 AUTH default x FOO",
            "nosuchcommand a b", "\"\"", "PiNg");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void setAndGetMatchRedis(int protocol) throws IOException {
        Implemented.require("set", "get", "ttl", "pttl");
        resp(protocol);
        script("GET k", "SET k v", "GET k", "SET k \"\"", "GET k", "SET k \"\\x00\\r\\n\\xff\"", "GET k",
            "SET \"\" empty-key", "GET \"\"",
            "SET k v NX", "SET k2 v XX", "GET k2", "SET k2 v NX", "SET k v2 XX", "GET k",
            "SET k v3 GET", "SET nokey v GET", "SET k v NX GET", "SET k v XX GET",
            "SET k v EX 100", "TTL k", "SET k v PX 150000", "PTTL k", "SET k v KEEPTTL", "TTL k",
            "SET k v", "TTL k",
            "SET k v EX 0", "SET k v EX -1", "SET k v EX abc", "SET k v EX 1.5", "SET k v PX 0",
            "SET k v EX 9223372036854775807", "SET k v PX 9223372036854775807", "SET k v EX 9223372036854775",
            "SET k v EXAT 0", "SET k v PXAT -5", "SET k v EXAT abc",
            "SET k v EX 10 PX 10", "SET k v NX XX", "SET k v KEEPTTL EX 10", "SET k v EX 10 KEEPTTL",
            "SET k v FOO", "SET k v EX", "SET k v ex 100 nx", "SET k v ex 100 xx get", "TTL k",
            "SET k", "SET", "GET", "GET a b",
            "SETNX k x", "SETNX fresh x", "GET fresh", "SETNX", "SETNX a b c",
            "SETEX k 100 v", "TTL k", "SETEX k 0 v", "SETEX k -5 v", "SETEX k abc v", "SETEX k 9223372036854775807 v",
            "PSETEX k 150000 v", "PTTL k", "PSETEX k 0 v", "PSETEX k -1 v",
            "GETSET k new", "GETSET missing new", "TTL k", "GETDEL k", "GETDEL k", "GETDEL");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void getexMatchesRedis(int protocol) throws IOException {
        Implemented.require("set", "getex", "ttl", "pttl", "exists");
        resp(protocol);
        script("GETEX missing", "GETEX missing EX 100", "SET k v", "GETEX k", "TTL k", "GETEX k EX 100", "TTL k",
            "GETEX k PX 150000", "PTTL k", "GETEX k PERSIST", "TTL k", "GETEX k EX 0", "GETEX k EX -1",
            "GETEX k EX abc", "GETEX k EX 100 PX 100", "GETEX k EX 100 PERSIST", "GETEX k PERSIST EX 100",
            "GETEX k FOO", "GETEX k EX", "GETEX k EXAT 1", "EXISTS k", "SET k v", "GETEX k PXAT 1", "EXISTS k",
            "SET k v", "GETEX k EX 9223372036854775807", "GETEX k ex 100 ex 200", "TTL k", "GETEX");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void multiKeyStringCommandsMatchRedis(int protocol) throws IOException {
        Implemented.require("mset", "mget", "msetnx", "append", "strlen");
        resp(protocol);
        script("MSET a 1 b 2 c 3", "MGET a b c missing a", "MSET a", "MSET a 1 b", "MSET", "MGET",
            "MSETNX a 9 z 9", "MGET a z", "MSETNX y 1 z 2", "MGET y z", "MSETNX y", "MSETNX x 1 x 2", "MGET x",
            "MSET d 1 d 2", "GET d",
            "APPEND s hello", "APPEND s \" world\"", "GET s", "APPEND s \"\"", "APPEND new \"\"", "EXISTS new",
            "STRLEN s", "STRLEN missing", "STRLEN", "APPEND s \"\\x00\\xff\"", "STRLEN s", "GET s",
            "SET n 10", "APPEND n 5", "GET n", "STRLEN n");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void counterCommandsMatchRedis(int protocol) throws IOException {
        Implemented.require("incr", "decr", "incrby", "decrby", "set", "get");
        resp(protocol);
        script("INCR c", "INCR c", "DECR c", "INCRBY c 10", "DECRBY c 3", "INCRBY c -20", "DECRBY c -4", "GET c",
            "INCRBY c abc", "INCRBY c 1.5", "INCRBY c \"\"", "INCRBY c 9223372036854775808", "DECRBY c -9223372036854775808",
            "SET c 9223372036854775807", "INCR c", "INCRBY c 1", "INCRBY c 0", "GET c",
            "SET c -9223372036854775808", "DECR c", "DECRBY c 1", "INCRBY c -1",
            "SET c \" 1\"", "INCR c", "SET c \"1 \"", "INCR c", "SET c +1", "INCR c", "SET c 01", "INCR c",
            "SET c 0x10", "INCR c", "SET c 1e3", "INCR c", "SET c abc", "INCR c", "SET c \"\"", "INCR c",
            "SET c 12345678901234567890", "INCR c", "SET c -0", "INCR c",
            "SET c 5", "DECRBY c -9223372036854775807", "DECRBY c 9223372036854775807",
            "INCR", "INCR a b", "INCRBY c", "DECRBY c 1 2");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void incrbyfloatFormatsLikeRedis(int protocol) throws IOException {
        Implemented.require("incrbyfloat", "set", "get");
        resp(protocol);
        script("INCRBYFLOAT f 1.1", "INCRBYFLOAT f 2.2", "GET f", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -3.4",
            "INCRBYFLOAT f 1e3", "INCRBYFLOAT f 5.0e3", "INCRBYFLOAT f 1E-3", "INCRBYFLOAT f 10.12345678901234567",
            "SET f 10", "INCRBYFLOAT f 0", "INCRBYFLOAT f -10", "INCRBYFLOAT f -0", "GET f",
            "SET f 3.0e3", "INCRBYFLOAT f 1", "SET f 1.5", "INCRBYFLOAT f 1.5",
            "INCRBYFLOAT f inf", "INCRBYFLOAT f -inf", "INCRBYFLOAT f nan", "INCRBYFLOAT f abc",
            "INCRBYFLOAT f \"\"", "INCRBYFLOAT f \" 1\"", "INCRBYFLOAT f 0x10", "INCRBYFLOAT f 1.",
            "INCRBYFLOAT f .5", "SET f abc", "INCRBYFLOAT f 1", "SET f 1e308", "INCRBYFLOAT f 1e308",
            "SET f 9223372036854775807", "INCRBYFLOAT f 1", "SET f 0.1", "INCRBYFLOAT f 0.2",
            "SET f 1", "INCRBYFLOAT f 0.0000001", "INCRBYFLOAT f 123456789012345678", "INCRBYFLOAT f 1.23e-10",
            "INCRBYFLOAT", "INCRBYFLOAT f");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void rangeCommandsMatchRedis(int protocol) throws IOException {
        Implemented.require("getrange", "setrange", "set", "get");
        resp(protocol);
        script("SET s \"Hello World\"", "GETRANGE s 0 4", "GETRANGE s -5 -1", "GETRANGE s 5 2", "GETRANGE s -100 100",
            "GETRANGE s 100 200", "GETRANGE s 0 -100", "GETRANGE s -1 -5", "GETRANGE s 0 9223372036854775807",
            "GETRANGE s -9223372036854775808 0", "GETRANGE s a 1", "GETRANGE s 0 1.5", "GETRANGE missing 0 -1",
            "GETRANGE s",
            "SET e \"\"", "GETRANGE e 0 -1", "GETRANGE e 0 0", "GETRANGE e -1 -1",
            "SETRANGE s 6 Redis", "GET s", "SETRANGE s 20 x", "GET s", "SETRANGE new 3 abc", "GET new",
            "SETRANGE s -1 x", "SETRANGE s abc x", "SETRANGE s 536870912 x", "SETRANGE s 536870911 xy",
            "SETRANGE s 0 \"\"", "SETRANGE none 5 \"\"", "EXISTS none", "SETRANGE none 536870912 \"\"",
            "SET n 123", "SETRANGE n 1 9", "GET n", "SETRANGE s 0");
        if (Implemented.all("substr")) {
            script("SUBSTR s 0 4", "SUBSTR s -3 -1", "SUBSTR s", "SUBSTR missing 0 1");
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void errorsThatEchoArgumentsKeepTheirBytesLikeRedis(int protocol) throws IOException {
        Implemented.require("pexpire", "set", "object");
        resp(protocol);
        script("SET k v", "PEXPIRE k 100000 \"\\xff\\xfe\"", "PEXPIRE k 100000 \"a\\r\\nb\"", "PEXPIRE k 100000 \"\\xc3\\xa9\"",
            "\"\\xff\\xfe\" \"\\xfd\"", "\"a\\r\\nb\" c", "OBJECT \"\\xff\" k", "OBJECT \"a\\r\\nb\" k",
            "SET k v \"\\xff\"", "SELECT \"\\xff\"");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void lcsMatchesRedis(int protocol) throws IOException {
        Implemented.require("lcs", "mset");
        resp(protocol);
        script("MSET a ohmytext b mynewtext", "LCS a b", "LCS a b LEN", "LCS a b IDX", "LCS a b IDX MINMATCHLEN 4",
            "LCS a b IDX WITHMATCHLEN", "LCS a b IDX MINMATCHLEN 2 WITHMATCHLEN", "LCS a b LEN IDX",
            "LCS a missing", "LCS missing missing2 IDX", "LCS a b FOO", "LCS a b IDX MINMATCHLEN",
            "LCS a b IDX MINMATCHLEN abc", "LCS a b IDX MINMATCHLEN -1", "LCS a", "LCS a a IDX WITHMATCHLEN");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void keyCommandsMatchRedis(int protocol) throws IOException {
        Implemented.require("del", "exists", "type", "rename", "renamenx", "keys", "dbsize", "set", "get", "ttl",
            "mset", "unlink", "touch");
        resp(protocol);
        script("MSET a 1 b 2 c 3", "DEL a", "DEL a", "DEL b c missing", "DEL", "MSET a 1 b 2", "UNLINK a b b",
            "MSET a 1 b 2", "EXISTS a a b missing", "EXISTS", "TOUCH a b missing", "TYPE a", "TYPE missing", "TYPE",
            "RENAME a z", "GET z", "EXISTS a", "RENAME a z", "RENAME z z", "RENAME missing missing",
            "SET t v EX 100", "RENAME t t2", "TTL t2", "RENAMENX t2 z", "RENAMENX t2 fresh", "TTL fresh",
            "RENAMENX missing x", "RENAMENX fresh fresh", "RENAME a", "DBSIZE", "DBSIZE x",
            "MSET k1 a k2 b k3 c key x \"k*\" y \"k?\" z kk w", "KEYS *", "KEYS k?", "KEYS k*", "KEYS \"k\\\\*\"",
            "KEYS k[12]", "KEYS k[^1]", "KEYS k[1-2]", "KEYS \"\"", "KEYS nomatch*", "KEYS [", "KEYS k[",
            "KEYS a b");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void databaseCommandsMatchRedis(int protocol) throws IOException {
        Implemented.require("copy", "move", "swapdb", "flushdb", "flushall", "select", "set", "get", "dbsize",
            "randomkey", "ttl");
        resp(protocol);
        script("RANDOMKEY", "SET a 1", "RANDOMKEY", "SET e v EX 100", "COPY a b", "GET b", "COPY a b", "COPY a b REPLACE",
            "COPY e e2", "TTL e2", "COPY a a", "COPY missing x", "COPY a b DB 1", "COPY a b DB 1 REPLACE",
            "COPY a b DB 16", "COPY a b DB x", "COPY a b DB", "COPY a b FOO", "COPY a b REPLACE REPLACE",
            "SELECT 1", "GET b", "DBSIZE", "SELECT 0",
            "MOVE a 1", "MOVE a 1", "MOVE b 1", "MOVE e 2", "MOVE missing 1", "MOVE e 0", "MOVE e 16", "MOVE e x",
            "SELECT 2", "TTL e", "SELECT 0",
            "SWAPDB 0 1", "GET b", "DBSIZE", "SWAPDB 0 0", "SWAPDB 0 16", "SWAPDB x 1", "SWAPDB 0",
            "FLUSHDB FOO", "FLUSHDB SYNC", "DBSIZE", "SELECT 1", "DBSIZE", "FLUSHDB ASYNC", "DBSIZE",
            "SELECT 2", "DBSIZE", "FLUSHALL", "DBSIZE", "FLUSHALL SYNC ASYNC", "FLUSHALL BAR", "RANDOMKEY");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void scanVisitsTheSameKeysAsRedis(int protocol) throws IOException {
        Implemented.require("scan", "mset", "set");
        resp(protocol);
        script("SCAN 0");
        StringBuilder mset = new StringBuilder("MSET");
        for (int i = 0; i < 300; i++) {
            mset.append(" key:").append(i).append(" ").append(i);
        }
        script(mset.toString(), "SET other v");
        d.checkScan();
        d.checkScan("COUNT", "7");
        d.checkScan("MATCH", "key:1*");
        d.checkScan("MATCH", "other", "COUNT", "1000");
        d.checkScan("TYPE", "string");
        d.checkScan("TYPE", "list");
        script("SCAN abc", "SCAN 0 COUNT 0", "SCAN 0 COUNT -1", "SCAN 0 COUNT abc", "SCAN 0 FOO bar", "SCAN 0 MATCH",
            "SCAN 18446744073709551616");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void expireCommandsMatchRedis(int protocol) throws IOException {
        Implemented.require("expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "persist", "expiretime",
            "pexpiretime", "set", "exists");
        resp(protocol);
        long now = System.currentTimeMillis();
        String at = Long.toString(now / 1000 + 5000);
        String later = Long.toString(now / 1000 + 50000);
        String pat = Long.toString(now + 5_000_000);
        script("EXPIRE missing 100", "TTL missing", "PTTL missing", "EXPIRETIME missing", "PEXPIRETIME missing",
            "SET k v", "TTL k", "PTTL k", "EXPIRETIME k", "PEXPIRETIME k", "PERSIST k", "PERSIST missing",
            "EXPIRE k 100", "TTL k", "PERSIST k", "TTL k",
            "EXPIRE k 100 XX", "TTL k", "EXPIRE k 100 NX", "TTL k", "EXPIRE k 200 NX", "TTL k", "EXPIRE k 300 XX",
            "TTL k", "EXPIRE k 100 NX XX", "EXPIRE k 100 GT LT", "EXPIRE k 100 NX GT", "EXPIRE k 100 FOO",
            "EXPIRE k 100 nx", "EXPIRE k abc", "EXPIRE k 1.5", "EXPIRE k \"\"", "EXPIRE k 9223372036854775807",
            "EXPIRE k 9223372036854775", "PEXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775806",
            "EXPIRE k", "EXPIRE",
            "EXPIREAT k " + at, "EXPIRETIME k", "PEXPIRETIME k", "EXPIREAT k " + later + " LT", "EXPIRETIME k",
            "EXPIREAT k " + later + " GT", "EXPIRETIME k", "EXPIREAT k " + at + " GT", "EXPIRETIME k",
            "EXPIREAT k " + at + " LT", "EXPIRETIME k", "PEXPIREAT k " + pat, "PEXPIRETIME k",
            "EXPIREAT k 9223372036854775807", "PEXPIREAT k 9223372036854775807", "EXPIREAT k abc",
            "PERSIST k", "EXPIREAT k " + at + " GT", "TTL k", "PERSIST k", "EXPIREAT k " + at + " LT", "EXPIRETIME k",
            "SET k v", "EXPIRE k 0", "EXISTS k", "SET k v", "EXPIRE k -1", "EXISTS k", "SET k v", "PEXPIRE k -100",
            "EXISTS k", "SET k v", "EXPIREAT k 1", "EXISTS k", "SET k v", "PEXPIREAT k 0", "EXISTS k",
            "SET k v", "EXPIRE k -1 XX", "EXISTS k", "SET k v", "EXPIRE k -1 XX", "EXISTS k",
            "SET k v EX 100", "EXPIRE k -5 NX", "EXISTS k", "EXPIRE k -5 XX", "EXISTS k",
            "SET far v", "EXPIREAT far 9223372036854775", "EXPIRETIME far", "PEXPIRETIME far",
            "GETEX far PXAT 9223372036854775807", "EXPIRETIME far", "PEXPIRETIME far", "TTL far", "PTTL far");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void objectEncodingFollowsRedis(int protocol) throws IOException {
        Implemented.require("object", "set", "append", "setrange", "incr", "incrbyfloat");
        resp(protocol);
        script("SET i 12345", "OBJECT ENCODING i", "SET i -9223372036854775808", "OBJECT ENCODING i",
            "SET i 9223372036854775808", "OBJECT ENCODING i", "SET i 01", "OBJECT ENCODING i", "SET i \" 1\"",
            "OBJECT ENCODING i",
            "SET e " + "x".repeat(44), "OBJECT ENCODING e", "SET r " + "x".repeat(45), "OBJECT ENCODING r",
            "SET s abc", "APPEND s d", "OBJECT ENCODING s", "SET t abc", "SETRANGE t 0 x", "OBJECT ENCODING t",
            "INCR c", "OBJECT ENCODING c", "INCRBYFLOAT f 1.5", "OBJECT ENCODING f", "OBJECT ENCODING missing",
            "OBJECT FOO k", "OBJECT ENCODING", "OBJECT FREQ i", "OBJECT");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void transactionsMatchRedis(int protocol) throws IOException {
        Implemented.require("multi", "exec", "discard", "watch", "unwatch", "set", "get", "incr");
        resp(protocol);
        script("EXEC", "DISCARD", "MULTI", "MULTI", "SET a 1", "INCR a", "GET a", "EXEC",
            "MULTI", "SET a x", "INCR a", "GET a", "EXEC",
            "MULTI", "SET a 1", "NOSUCH", "EXEC",
            "MULTI", "SET a", "EXEC", "GET a",
            "MULTI", "WATCH a", "DISCARD", "UNWATCH", "WATCH", "WATCH a", "MULTI", "GET a", "EXEC",
            "WATCH a", "SET a changed", "MULTI", "GET a", "EXEC", "MULTI", "PING", "ECHO x", "SELECT 1", "SELECT 99",
            "EXEC", "SELECT 0", "MULTI", "DISCARD", "EXEC");
    }

    @Test
    void watchedKeyTouchedByAnotherClientAbortsExecLikeRedis() throws IOException {
        Implemented.require("multi", "exec", "watch", "set");
        try (DualClient other = new DualClient(redis.port(), rkvPort)) {
            script("SET w 1", "WATCH w");
            other.check("SET", "w", "2");
            script("MULTI", "SET w 3", "EXEC", "GET w");
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void pubSubRepliesMatchRedis(int protocol) throws IOException {
        Implemented.require("subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "pubsub");
        resp(protocol);
        try (DualClient pub = new DualClient(redis.port(), rkvPort)) {
            script("SUBSCRIBE ch1 ch2");
            // SUBSCRIBE answers one reply per channel: read the second one too.
            assertEquals(d.redis.readReply(), d.rkv.readReply());
            pub.check("PUBLISH", "ch1", "hello");
            assertEquals(d.redis.readReply(), d.rkv.readReply(), "message");
            script("PSUBSCRIBE ch*");
            pub.check("PUBLISH", "ch2", "both");
            assertEquals(d.redis.readReply(), d.rkv.readReply(), "message");
            assertEquals(d.redis.readReply(), d.rkv.readReply(), "pmessage");
            pub.check("PUBSUB", "CHANNELS");
            pub.check("PUBSUB", "NUMSUB", "ch1", "ch2", "none");
            pub.check("PUBSUB", "NUMPAT");
            script("PING", "PING x");
            if (protocol == 2) {
                script("GET k");
            }
            script("PUNSUBSCRIBE");
            script("UNSUBSCRIBE ch1");
            script("UNSUBSCRIBE");
            script("UNSUBSCRIBE", "PUNSUBSCRIBE x", "PING");
            pub.check("PUBLISH", "ch1", "nobody");
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void shardedPubSubRepliesMatchRedis(int protocol) throws IOException {
        Implemented.require("ssubscribe", "sunsubscribe", "spublish", "pubsub");
        resp(protocol);
        try (DualClient pub = new DualClient(redis.port(), rkvPort)) {
            script("SSUBSCRIBE {s}1");
            pub.check("SPUBLISH", "{s}1", "hello");
            pub.check("SPUBLISH", "{s}2", "nobody");
            pub.check("PUBLISH", "{s}1", "not sharded");
            assertEquals(d.redis.readReply(), d.rkv.readReply(), "smessage");
            pub.check("PUBSUB", "SHARDCHANNELS");
            pub.check("PUBSUB", "SHARDNUMSUB", "{s}1", "{s}2");
            script("SSUBSCRIBE {s}1 other");
            assertEquals(d.redis.readReply(), d.rkv.readReply(), "second channel of SSUBSCRIBE");
            // One reply per channel: {s}1, then "other", then none left.
            script("GET k", "SUNSUBSCRIBE {s}1", "SUNSUBSCRIBE", "SUNSUBSCRIBE", "PING");
            pub.check("SPUBLISH", "{s}1", "gone");
        }
    }

    @Test
    void replicationCommandsAnswerLikeRedisOnAPrimary() throws IOException {
        // Not compared: REPLICAOF host port TCP|RDMA, rkv's extension for choosing the sync transport.
        Implemented.require("replicaof", "slaveof", "role", "wait", "replconf");
        script("ROLE", "WAIT 0 0", "WAIT 1 x", "WAIT x 0", "WAIT -1 0", "WAIT", "REPLICAOF", "REPLICAOF a",
            "REPLICAOF NO ONE", "REPLICAOF no one", "SLAVEOF NO ONE", "REPLICAOF localhost notaport",
            "REPLICAOF localhost -1", "REPLICAOF localhost 70000", "REPLCONF", "REPLCONF foo", "REPLCONF foo bar",
            "ROLE x");
    }

    @Test
    void configPathsUsedByToolsMatchRedis() throws IOException {
        Implemented.require("config");
        script("CONFIG GET save", "CONFIG GET appendonly", "CONFIG GET maxmemory", "CONFIG GET databases",
            "CONFIG GET nosuchoption", "CONFIG SET nosuchoption 1", "CONFIG SET maxmemory abc",
            "CONFIG SET hz 0", "CONFIG GET hz", "CONFIG SET maxclients 10001",
            "CONFIG SET save \"\"", "CONFIG GET save", "CONFIG GET", "CONFIG", "CONFIG FOO", "CONFIG RESETSTAT");
    }

    @Test
    void clientNameAndCommandCountBehaveLikeRedis() throws IOException {
        Implemented.require("client");
        script("CLIENT GETNAME", "CLIENT SETNAME myname", "CLIENT GETNAME", "CLIENT SETNAME \"a b\"",
            "CLIENT SETNAME \"\"", "CLIENT GETNAME", "CLIENT FOO", "CLIENT", "CLIENT NO-EVICT on",
            "CLIENT NO-EVICT maybe", "CLIENT REPLY FOO");
        RespReply id = RespReply.parse(d.rkv.call("CLIENT", "ID"));
        assertTrue(id.integer() != null && id.integer() > 0, id.raw());
    }

    @Test
    void clientListHasRedisFieldsInRedisOrder() throws IOException {
        Implemented.require("client");
        script("CLIENT SETNAME lister", "SELECT 3");
        String expected = RespReply.parse(d.redis.call("CLIENT", "LIST")).text();
        String actual = RespReply.parse(d.rkv.call("CLIENT", "LIST")).text();
        List<String> fixed = List.of("name", "db", "sub", "psub", "ssub", "multi", "flags", "cmd", "user", "resp",
            "redir", "events", "obl", "oll");
        assertEquals(fields(expected, fixed), fields(actual, fixed), "redis: " + expected + "\nrkv:   " + actual);
        String expectedInfo = RespReply.parse(d.redis.call("CLIENT", "INFO")).text();
        String actualInfo = RespReply.parse(d.rkv.call("CLIENT", "INFO")).text();
        assertEquals(fields(expectedInfo, fixed), fields(actualInfo, fixed), "CLIENT INFO\nredis: " + expectedInfo
            + "\nrkv:   " + actualInfo);
    }

    /** "k=v k=v" field names in order, with values only for {@code keep}. */
    private static List<String> fields(String clientLine, List<String> keep) {
        List<String> out = new ArrayList<>();
        for (String kv : clientLine.trim().split(" ")) {
            String k = kv.substring(0, kv.indexOf('='));
            out.add(keep.contains(k) ? kv : k);
        }
        return out;
    }

    @Test
    void infoKeyspaceAndTimeHaveRedisFormat() throws IOException {
        Implemented.require("info", "time", "set", "select");
        script("SET a 1", "SET b 2 EX 1000", "SELECT 2", "SET c 3", "SELECT 0");
        String expected = RespReply.parse(d.redis.call("INFO", "keyspace")).text();
        String actual = RespReply.parse(d.rkv.call("INFO", "keyspace")).text();
        assertEquals(expected.replaceAll("avg_ttl=\\d+", "avg_ttl=N"), actual.replaceAll("avg_ttl=\\d+", "avg_ttl=N"));
        RespReply time = RespReply.parse(d.rkv.call("TIME"));
        assertEquals(2, time.children().size(), time.raw());
        long seconds = Long.parseLong(time.children().get(0).text());
        long micros = Long.parseLong(time.children().get(1).text());
        assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) <= 5, time.raw());
        assertTrue(micros >= 0 && micros < 1_000_000, time.raw());
        script("TIME x");
        for (String section : new String[] {"server", "clients", "memory", "stats", "replication", "keyspace"}) {
            String body = RespReply.parse(d.rkv.call("INFO", section)).text();
            String want = "# " + Character.toUpperCase(section.charAt(0)) + section.substring(1);
            assertTrue(body.startsWith(want), section + ": " + body);
        }
    }

    @Test
    void commandInfoOfEveryImplementedCommandMatchesRedis() throws IOException {
        Implemented.require("command");
        List<String> differ = new ArrayList<>();
        for (String name : new TreeSet<>(Implemented.COMMANDS)) {
            String expected = canonicalCommandInfo(RespReply.parse(d.redis.call("COMMAND", "INFO", name)));
            String actual = canonicalCommandInfo(RespReply.parse(d.rkv.call("COMMAND", "INFO", name)));
            if (DELIBERATE_COMMAND_INFO_DIFFERENCES.containsKey(name)) {
                expected = withoutField(expected, DELIBERATE_COMMAND_INFO_DIFFERENCES.get(name));
                actual = withoutField(actual, DELIBERATE_COMMAND_INFO_DIFFERENCES.get(name));
            }
            if (!expected.equals(actual)) {
                differ.add(name + "\n  redis: " + DualClient.escape(expected) + "\n  rkv:   " + DualClient.escape(actual));
            }
        }
        assertEquals("", String.join("\n", differ), differ.size() + " commands differ in COMMAND INFO");
    }

    /**
     * Where rkv's COMMAND INFO differs from Redis 7.0 on purpose, the field (0-based index in the
     * 10-field entry) left out of the comparison, with the reason:
     * <ul>
     * <li>client (9, subcommands): CLIENT SETINFO exists because Jedis 5 sends it on every
     * connection (Redis added it in 7.2); CLIENT PAUSE is not implemented. Each subcommand both
     * servers have is still compared by {@link #clientSubcommandsMatchRedis}.</li>
     * <li>replicaof (1, arity): rkv takes an optional transport, REPLICAOF host port [TCP|RDMA].</li>
     * </ul>
     */
    private static final java.util.Map<String, Integer> DELIBERATE_COMMAND_INFO_DIFFERENCES =
        java.util.Map.of("client", 9, "replicaof", 1);

    /** The canonical COMMAND INFO text with one field of the entry replaced by a placeholder. */
    private static String withoutField(String canonical, int field) {
        RespReply r = RespReply.parse(canonical);
        RespReply entry = r.children().get(0);
        StringBuilder b = new StringBuilder("*1\r\n*10\r\n");
        for (int i = 0; i < 10; i++) {
            b.append(i == field ? "+(not compared)\r\n" : entry.children().get(i).raw());
        }
        return b.toString();
    }

    @Test
    void clientSubcommandsMatchRedis() throws IOException {
        Implemented.require("client");
        List<String> differ = new ArrayList<>();
        for (String sub : List.of("caching", "getname", "getredir", "id", "info", "kill", "list", "no-evict", "reply",
            "setname", "tracking", "trackinginfo", "unblock", "unpause", "help")) {
            String expected = canonicalCommandInfo(RespReply.parse(d.redis.call("COMMAND", "INFO", "client|" + sub)));
            String actual = canonicalCommandInfo(RespReply.parse(d.rkv.call("COMMAND", "INFO", "client|" + sub)));
            if (!expected.equals(actual)) {
                differ.add(sub + "\n  redis: " + DualClient.escape(expected) + "\n  rkv:   " + DualClient.escape(actual));
            }
        }
        assertEquals("", String.join("\n", differ), differ.size() + " CLIENT subcommands differ in COMMAND INFO");
    }

    /**
     * COMMAND INFO's text with each command's subcommands sorted: Redis lists them in its dict's
     * iteration order, an artefact of its hash table rather than part of the contract.
     */
    private static String canonicalCommandInfo(RespReply r) {
        if (r.type() != '*' || r.children().isEmpty()) {
            return r.raw();
        }
        StringBuilder b = new StringBuilder("*").append(r.header()).append("\r\n");
        for (RespReply entry : r.children()) {
            if (entry.type() != '*' || entry.children().size() != 10) {
                b.append(entry.raw());
                continue;
            }
            b.append("*10\r\n");
            for (int i = 0; i < 9; i++) {
                b.append(entry.children().get(i).raw());
            }
            RespReply subs = entry.children().get(9);
            List<String> sorted = new ArrayList<>();
            for (RespReply sub : subs.children()) {
                sorted.add(canonicalCommandInfo(RespReply.parse("*1\r\n" + sub.raw())));
            }
            java.util.Collections.sort(sorted);
            b.append("*").append(subs.header()).append("\r\n").append(String.join("", sorted));
        }
        return b.toString();
    }

    @Test
    void helloRepliesHaveRedisShapeApartFromVersionFields() throws IOException {
        for (String v : new String[] {"2", "3"}) {
            RespReply e = RespReply.parse(d.redis.call("HELLO", v));
            RespReply a = RespReply.parse(d.rkv.call("HELLO", v));
            assertEquals(e.type(), a.type());
            assertEquals(e.children().size(), a.children().size());
            for (int i = 0; i < e.children().size(); i += 2) {
                String field = e.children().get(i).text();
                assertEquals(field, a.children().get(i).text());
                if (!field.equals("version") && !field.equals("id")) {
                    assertEquals(e.children().get(i + 1).raw(), a.children().get(i + 1).raw(), field);
                }
            }
        }
    }

    @Test
    void rawClientRoundTripsBinaryAgainstBothServers() throws IOException {
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        d.check("ECHO".getBytes(StandardCharsets.US_ASCII), payload);
        try (RawClient c = new RawClient(rkvPort)) {
            String r = c.command("ECHO".getBytes(StandardCharsets.US_ASCII), payload).readReply();
            assertEquals("$256\r\n" + new String(payload, StandardCharsets.ISO_8859_1) + "\r\n", r);
        }
    }
}
