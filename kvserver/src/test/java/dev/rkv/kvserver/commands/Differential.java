package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the same hand-written command script against the real redis-server and rkv and compares
 * the raw replies. A script line is a command, words split on spaces, {@code "..."} for words with
 * spaces and {@code ""} for the empty string. A line may start with a comparison mode:
 * <ul>
 *   <li>none: the raw replies must be identical;</li>
 *   <li>{@code ~}: an array reply compared as a multiset of its elements (KEYS);</li>
 *   <li>{@code %N}: integer replies that may differ by at most N (TTL, PTTL);</li>
 *   <li>{@code scan}: the rest is a SCAN without cursor; both servers are scanned to the end and
 *       the union of the keys compared as a set;</li>
 *   <li>{@code !}: run, reply not compared (HELLO, whose reply names the server);</li>
 *   <li>{@code @list KEY}: makes KEY a list (RPUSH), reply not compared, for WRONGTYPE paths.</li>
 * </ul>
 * {@code {ms+N}} and {@code {s+N}} in a word become the current Unix time in ms or seconds plus N,
 * evaluated once per script so that both servers see the same absolute times.
 */
final class Differential {
    private static final Pattern TIME = Pattern.compile("\\{(ms|s)([+-]\\d+)}");

    private Differential() {
    }

    /** Runs {@code script} on both servers (after FLUSHALL) and asserts replies match line by line. */
    static void assertSameReplies(RedisReference redis, RkvTestServer rkv, String script) throws IOException {
        long nowMs = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                lines.add(substituteTimes(line.strip(), nowMs));
            }
        }
        List<String> expected = run(redis.port(), lines, (c, key) -> {
            c.command("RPUSH", key, "x");
            c.readReply();
        });
        List<String> actual = run(rkv.port(), lines, (c, key) -> {
            c.command("RPUSH", key, "x");
            c.readReply();
        });
        for (int i = 0; i < lines.size(); i++) {
            compare(lines.get(i), expected.get(i), actual.get(i));
        }
    }

    private static String substituteTimes(String line, long nowMs) {
        Matcher m = TIME.matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            long base = m.group(1).equals("ms") ? nowMs : nowMs / 1000;
            m.appendReplacement(sb, Long.toString(base + Long.parseLong(m.group(2))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** How a server gets a list value for {@code @list}. */
    @FunctionalInterface
    private interface ListMaker {
        void make(RawClient c, String key) throws IOException;
    }

    private static List<String> run(int port, List<String> lines, ListMaker lists) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            c.command("FLUSHALL");
            c.readReply();
            for (String line : lines) {
                if (line.startsWith("@list ")) {
                    lists.make(c, line.substring(6).trim());
                    replies.add("");
                    continue;
                }
                if (line.startsWith("scan ")) {
                    replies.add(scanAll(c, words(line.substring(5))).toString());
                    continue;
                }
                c.command(words(stripMode(line)));
                replies.add(c.readReply());
            }
        }
        return replies;
    }

    private static TreeSet<String> scanAll(RawClient c, String[] options) throws IOException {
        TreeSet<String> keys = new TreeSet<>();
        String cursor = "0";
        int rounds = 0;
        do {
            String[] argv = new String[options.length + 2];
            argv[0] = "SCAN";
            argv[1] = cursor;
            System.arraycopy(options, 0, argv, 2, options.length);
            c.command(argv);
            List<String> parts = bulks(c.readReply());
            cursor = parts.get(0);
            keys.addAll(parts.subList(1, parts.size()));
            assertTrue(++rounds < 100_000, "SCAN did not finish");
        } while (!cursor.equals("0"));
        return keys;
    }

    private static String stripMode(String line) {
        if (line.startsWith("~ ") || line.startsWith("! ")) {
            return line.substring(2);
        }
        if (line.startsWith("%")) {
            return line.substring(line.indexOf(' ') + 1);
        }
        return line;
    }

    private static void compare(String line, String expected, String actual) {
        String where = "reply to: " + line;
        if (line.startsWith("! ") || line.startsWith("@list ")) {
            return;
        }
        if (line.startsWith("~ ")) {
            assertEquals(multiset(expected), multiset(actual), where + "\nredis: " + expected + "\nrkv:   " + actual);
        } else if (line.startsWith("%")) {
            long tolerance = Long.parseLong(line.substring(1, line.indexOf(' ')));
            if (expected.startsWith(":") && actual.startsWith(":")) {
                long e = Long.parseLong(expected.substring(1).trim());
                long a = Long.parseLong(actual.substring(1).trim());
                assertTrue(Math.abs(e - a) <= tolerance, where + ": redis " + e + ", rkv " + a);
            } else {
                assertEquals(expected, actual, where);
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    private static Map<String, Integer> multiset(String reply) {
        Map<String, Integer> m = new TreeMap<>();
        List<String> parts = bulks(reply);
        for (String p : parts) {
            m.merge(p, 1, Integer::sum);
        }
        return m;
    }

    /** The bulk strings of a (possibly nested) array reply, in order. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < reply.length()) {
            int eol = reply.indexOf("\r\n", i);
            String line = reply.substring(i, eol);
            i = eol + 2;
            if (line.startsWith("$") && !line.equals("$-1")) {
                int len = Integer.parseInt(line.substring(1));
                out.add(reply.substring(i, i + len));
                i += len + 2;
            } else if (line.startsWith("+") || line.startsWith(":")) {
                out.add(line.substring(1));
            }
        }
        return out;
    }

    /** Splits a script line into words; {@code "..."} keeps spaces, {@code ""} is the empty word. */
    static String[] words(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char ch = line.charAt(i);
            if (ch == ' ') {
                i++;
            } else if (ch == '"') {
                int end = line.indexOf('"', i + 1);
                out.add(line.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                out.add(line.substring(i, end));
                i = end;
            }
        }
        return out.toArray(new String[0]);
    }
}
