package dev.rkv.kvserver.it;

import dev.rkv.kvserver.testing.RawClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One connection to the reference redis-server and one to rkv: every command goes to both and
 * the raw replies are compared exactly, except where the two servers must differ (see
 * {@link #equivalent}).
 */
final class DualClient implements AutoCloseable {
    /** Seconds two TTL-like replies may differ: the servers receive a command moments apart. */
    static final long TTL_SLACK_SECONDS = 2;
    static final long TTL_SLACK_MS = 2000;

    final RawClient redis;
    final RawClient rkv;
    /** Commands Redis answered +QUEUED since its MULTI: EXEC's reply is compared element by element. */
    private List<byte[][]> queued;

    DualClient(int redisPort, int rkvPort) throws IOException {
        this.redis = new RawClient(redisPort);
        this.rkv = new RawClient(rkvPort);
    }

    /** Sends a command to both servers and fails unless the replies are equivalent; returns rkv's. */
    String check(String... argv) throws IOException {
        return check(bytes(argv));
    }

    String check(byte[]... argv) throws IOException {
        String expected = redis.command(argv).readReply();
        String actual = rkv.command(argv).readReply();
        if (!compare(argv, expected, actual)) {
            fail(describe(argv, expected, actual));
        }
        return actual;
    }

    /** Sends a command to both servers without comparing (HELLO, INFO: version fields differ). */
    void both(String... argv) throws IOException {
        redis.command(argv).readReply();
        rkv.command(argv).readReply();
        String name = argv[0].toLowerCase(Locale.ROOT);
        if (name.equals("discard") || name.equals("exec") || name.equals("reset")) {
            queued = null;
        }
    }

    /**
     * Sends every command to both servers in one write each, then reads all replies; returns
     * the index of the first non-equivalent pair, or -1. {@code replies} receives [redis, rkv] pairs.
     */
    int pipeline(List<byte[][]> commands, List<String[]> replies) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[][] c : commands) {
            all.writeBytes(RawClient.encode(c));
        }
        byte[] wire = all.toByteArray();
        redis.send(wire);
        rkv.send(wire);
        List<String> expected = redis.readReplies(commands.size());
        List<String> actual = rkv.readReplies(commands.size());
        int first = -1;
        for (int i = 0; i < commands.size(); i++) {
            replies.add(new String[] {expected.get(i), actual.get(i)});
            if (!compare(commands.get(i), expected.get(i), actual.get(i)) && first < 0) {
                first = i;
            }
        }
        return first;
    }

    /**
     * Runs a whole SCAN iteration (cursor 0 until 0) with the given options on each server and
     * fails unless both return the same set of keys. Cursors themselves are opaque and differ.
     */
    void checkScan(String... options) throws IOException {
        TreeSet<String> expected = scanAll(redis, options);
        TreeSet<String> actual = scanAll(rkv, options);
        if (!expected.equals(actual)) {
            fail("SCAN " + String.join(" ", options) + " differs\n  redis: " + expected + "\n  rkv:   " + actual);
        }
    }

    static TreeSet<String> scanAll(RawClient c, String... options) throws IOException {
        TreeSet<String> keys = new TreeSet<>();
        String cursor = "0";
        int rounds = 0;
        do {
            List<String> argv = new ArrayList<>(List.of("SCAN", cursor));
            argv.addAll(List.of(options));
            RespReply r = RespReply.parse(c.call(argv.toArray(String[]::new)));
            if (r.isError()) {
                keys.add("<error> " + r.raw());
                return keys;
            }
            cursor = r.children().get(0).text();
            for (RespReply k : r.children().get(1).children()) {
                keys.add(k.text());
            }
            if (++rounds > 100_000) {
                fail("SCAN did not terminate on port " + c);
            }
        } while (!cursor.equals("0"));
        return keys;
    }

    /** {@link #equivalent}, following MULTI/EXEC on this connection so EXEC's elements get the same rules. */
    private boolean compare(byte[][] argv, String expected, String actual) {
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (queued != null && expected.equals("+QUEUED\r\n")) {
            queued.add(argv);
            return expected.equals(actual);
        }
        if (name.equals("multi") && expected.equals("+OK\r\n")) {
            queued = new ArrayList<>();
            return expected.equals(actual);
        }
        if (queued != null && (name.equals("exec") || name.equals("discard") || name.equals("reset"))) {
            List<byte[][]> commands = queued;
            queued = null;
            if (name.equals("exec") && !expected.equals(actual)) {
                RespReply e = RespReply.parse(expected);
                RespReply a = RespReply.parse(actual);
                if (e.type() != a.type() || e.children().size() != commands.size()
                    || a.children().size() != commands.size()) {
                    return false;
                }
                for (int i = 0; i < commands.size(); i++) {
                    if (!equivalent(commands.get(i), e.children().get(i).raw(), a.children().get(i).raw())) {
                        return false;
                    }
                }
                return true;
            }
        }
        return equivalent(argv, expected, actual);
    }

    /**
     * Whether rkv's reply is as good as Redis's: exact bytes, except TTL-like integers (within
     * a small slack, since the servers saw the command at different instants), KEYS (same set,
     * any order; also PUBSUB CHANNELS, and HGETALL/HKEYS/HVALS/SMEMBERS of collections that grew
     * into hashtables, whose order is each server's own), HELLO (but its id
     * and version) and RANDOMKEY (both nil or both a key).
     */
    static boolean equivalent(byte[][] argv, String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        RespReply e = RespReply.parse(expected);
        RespReply a = RespReply.parse(actual);
        switch (name) {
            case "ttl", "expiretime" -> {
                return close(e, a, TTL_SLACK_SECONDS);
            }
            case "pttl", "pexpiretime" -> {
                return close(e, a, TTL_SLACK_MS);
            }
            case "keys" -> {
                return sameElements(e, a);
            }
            case "hgetall" -> {
                // A hash the generator pushed past the listpack limits (HINCRBYFLOAT 1e308 makes a
                // 309-byte value) is a hashtable on both servers, each in its own order.
                return samePairs(e, a);
            }
            case "hkeys", "hvals", "smembers" -> {
                return sameElements(e, a);
            }
            case "pubsub" -> {
                return argv.length >= 2 && new String(argv[1], StandardCharsets.ISO_8859_1)
                    .equalsIgnoreCase("channels") && sameElements(e, a);
            }
            case "hello" -> {
                return sameHello(e, a);
            }
            case "randomkey" -> {
                return e.type() == a.type() && e.isNull() == a.isNull();
            }
            default -> {
                return false;
            }
        }
    }

    /** HELLO's map (or flat array in RESP2) with the server-specific id and version values left out. */
    private static boolean sameHello(RespReply e, RespReply a) {
        if (e.type() != a.type() || e.children().size() != a.children().size() || e.children().isEmpty()) {
            return false;
        }
        for (int i = 0; i + 1 < e.children().size(); i += 2) {
            String field = e.children().get(i).text();
            if (!e.children().get(i).raw().equals(a.children().get(i).raw())) {
                return false;
            }
            boolean serverSpecific = "id".equals(field) || "version".equals(field);
            if (!serverSpecific && !e.children().get(i + 1).raw().equals(a.children().get(i + 1).raw())) {
                return false;
            }
        }
        return true;
    }

    /** Same aggregate type and the same elements, in any order. */
    private static boolean sameElements(RespReply e, RespReply a) {
        if (e.type() != a.type() || e.children().size() != a.children().size()) {
            return false;
        }
        List<String> es = new ArrayList<>();
        List<String> as = new ArrayList<>();
        e.children().forEach(r -> es.add(r.raw()));
        a.children().forEach(r -> as.add(r.raw()));
        java.util.Collections.sort(es);
        java.util.Collections.sort(as);
        return es.equals(as);
    }

    /** Same aggregate type and the same (field, value) pairs, in any order. */
    private static boolean samePairs(RespReply e, RespReply a) {
        if (e.type() != a.type() || e.children().size() != a.children().size() || e.children().size() % 2 != 0) {
            return false;
        }
        List<String> es = new ArrayList<>();
        List<String> as = new ArrayList<>();
        for (int i = 0; i < e.children().size(); i += 2) {
            es.add(e.children().get(i).raw() + e.children().get(i + 1).raw());
            as.add(a.children().get(i).raw() + a.children().get(i + 1).raw());
        }
        java.util.Collections.sort(es);
        java.util.Collections.sort(as);
        return es.equals(as);
    }

    private static boolean close(RespReply e, RespReply a, long slack) {
        Long x = e.integer();
        Long y = a.integer();
        return x != null && y != null && x >= 0 && y >= 0 && Math.abs(x - y) <= slack;
    }

    static String describe(byte[][] argv, String expected, String actual) {
        return "reply differs for " + show(argv) + "\n  redis: " + escape(expected) + "\n  rkv:   " + escape(actual);
    }

    /** A command as text, with non-printable bytes escaped. */
    static String show(byte[][] argv) {
        StringBuilder b = new StringBuilder();
        for (byte[] a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append('"').append(escape(new String(a, StandardCharsets.ISO_8859_1))).append('"');
        }
        return b.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 2000; i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20 || ch >= 0x7f) {
                        b.append(String.format("\\x%02x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }

    static byte[][] bytes(String... argv) {
        byte[][] b = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            b[i] = argv[i].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        try {
            redis.close();
        } finally {
            rkv.close();
        }
    }
}
