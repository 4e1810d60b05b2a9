package dev.rkv.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * redis-benchmark 7.0's default tests, in its order, with its titles, keys and selection rules:
 * {@code -t} is a comma list of lower-case names, and a test runs when one of its names is in it
 * ({@code ping} selects both pings, {@code lrange} every LRANGE test and the LPUSH that fills
 * their list).
 */
final class Suite {

    /** One test: its title in the output, the {@code -t} names that select it, and its request. */
    record Test(String title, List<String> names, Request request) {
    }

    private Suite() {
    }

    /** Every test, for values {@code data} (the {@code -d} bytes), in the order they run. */
    static List<Test> all(byte[] data, boolean randomKeys) {
        List<Test> t = new ArrayList<>();
        t.add(new Test("PING_INLINE", List.of("ping_inline", "ping"), Request.inline("PING")));
        t.add(new Test("PING_MBULK", List.of("ping_mbulk", "ping"), Request.multibulk("PING")));
        t.add(test("SET", "set", "SET", "key:__rand_int__", data));
        t.add(test("GET", "get", "GET", "key:__rand_int__"));
        t.add(test("INCR", "incr", "INCR", "counter:__rand_int__"));
        t.add(test("LPUSH", "lpush", "LPUSH", "mylist", data));
        t.add(test("RPUSH", "rpush", "RPUSH", "mylist", data));
        t.add(test("LPOP", "lpop", "LPOP", "mylist"));
        t.add(test("RPOP", "rpop", "RPOP", "mylist"));
        t.add(test("SADD", "sadd", "SADD", "myset", "element:__rand_int__"));
        t.add(test("HSET", "hset", "HSET", "myhash", "element:__rand_int__", data));
        t.add(test("SPOP", "spop", "SPOP", "myset"));
        // Without -r every ZADD scores 0; with it the score is random too.
        t.add(test("ZADD", "zadd", "ZADD", "myzset", randomKeys ? "__rand_int__" : "0", "element:__rand_int__"));
        t.add(test("ZPOPMIN", "zpopmin", "ZPOPMIN", "myzset"));
        List<String> lranges = List.of("lrange", "lrange_100", "lrange_300", "lrange_500", "lrange_600");
        t.add(new Test("LPUSH (needed to benchmark LRANGE)", lranges, request("LPUSH", "mylist", data)));
        for (int n : new int[] {100, 300, 500, 600}) {
            t.add(new Test("LRANGE_" + n + " (first " + n + " elements)", List.of("lrange", "lrange_" + n),
                Request.multibulk("LRANGE", "mylist", "0", Integer.toString(n - 1))));
        }
        List<Object> mset = new ArrayList<>(List.of("MSET"));
        for (int k = 0; k < 10; k++) {
            mset.add("key:__rand_int__");
            mset.add(data);
        }
        t.add(new Test("MSET (10 keys)", List.of("mset"), request(mset.toArray())));
        return t;
    }

    /** Every name {@code -t} accepts, in test order. */
    static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Test t : all(new byte[1], false)) {
            names.addAll(t.names());
        }
        return names;
    }

    /**
     * The tests a {@code -t} list selects, in run order; all of them for null.
     *
     * @throws UsageException a name in the list selects no test (redis-benchmark ignores it silently,
     *                        which turns a typo into a run that measures nothing)
     */
    static List<Test> selected(String tests, byte[] data, boolean randomKeys) throws UsageException {
        List<Test> all = all(data, randomKeys);
        if (tests == null) {
            return all;
        }
        List<String> wanted = Arrays.asList(tests.split(",", -1));
        Set<String> known = names();
        for (String w : wanted) {
            if (!w.isEmpty() && !known.contains(w)) {
                throw new UsageException("-t: no test is named '" + w + "'; the names are " + String.join(",", known));
            }
        }
        List<Test> selected = all.stream().filter(t -> t.names().stream().anyMatch(wanted::contains)).toList();
        if (selected.isEmpty()) {
            throw new UsageException("-t '" + tests + "' selects no test");
        }
        return selected;
    }

    /**
     * The {@code -d} value: printable letters, the same for every request (redis-benchmark also sends
     * one fixed random string).
     */
    static byte[] data(int size) {
        byte[] letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        SplittableRandom random = new SplittableRandom(size);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = letters[random.nextInt(letters.length)];
        }
        return data;
    }

    private static Test test(String title, String name, Object... args) {
        return new Test(title, List.of(name), request(args));
    }

    /** A multibulk request of String and byte[] arguments. */
    private static Request request(Object... args) {
        List<byte[]> bytes = new ArrayList<>(args.length);
        for (Object a : args) {
            bytes.add(a instanceof byte[] b ? b : ((String) a).getBytes(StandardCharsets.UTF_8));
        }
        return Request.multibulk(bytes);
    }
}
