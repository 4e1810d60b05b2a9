package dev.rkv.kvserver.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Random commands from the string, key and expire families over a small key space, so that
 * commands collide: valid and invalid arguments (bad integers, wrong arity, unknown options,
 * negative and huge expiries, binary and empty values). Deterministic for a seed.
 *
 * <p>Only replies that both servers must agree on are produced: expiries are far in the future
 * (100 s or more) or in the past where Redis deletes at once, never short enough to expire
 * during a run, and GT/LT only compare against absolute times far from any relative one.
 */
final class CommandGenerator {
    private static final String[] KEYS = {"k0", "k1", "k2", "{t}a", "{t}b", "n", "", "k\u00e9y"};
    private static final String[] NUMBERS = {"0", "1", "-1", "2", "10", "100", "-100", "9223372036854775807",
        "-9223372036854775808", "9223372036854775806", "4611686018427387904"};
    private static final String[] NOT_INTEGERS = {"abc", "", " 1", "1 ", "+1", "01", "0x10", "1.5", "1e3",
        "9223372036854775808", "-9223372036854775809", "--1"};
    /** The keys SORT sorts: a list and a set (see sortArguments). */
    private static final String[] SORTED_KEYS = {"sortme:l", "sortme:s"};
    private static final String[] FLOATS = {"0", "1.5", "-1.5", "0.1", "3.0e3", "5.0E-3", "1e308", "-1e308",
        "10.12345678901234567", "1", "-0", "inf", "-inf", "nan", "abc", "", " 1", "1 ", "0x10", "1.", ".5"};
    private static final String[] VALUES = {"", "v", "value", "0", "1", "-1", "10", "123456789", "3.5", "1e3",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", " 7", "+7", "007",
        "\u0000\r\n\u00ff", "\u00c3\u00a9", "\u00ff\u00fe", "x".repeat(44), "y".repeat(45), "z".repeat(300), "\u00e9t\u00e9"};
    /**
     * Extra arguments. No NUL: Redis cuts "%s" error texts at a NUL (a C-string artefact rkv does
     * not copy, like RespParser), and no numbers ("PX" + "1" would expire during the run).
     */
    private static final String[] EXTRA = {"extra", "NX", "", "abc", "\u00e9"};
    private static final String[] GLOBS = {"*", "k*", "k?", "{t}*", "[k]*", "[^k]*", "*\\*", "n", "", "k[0-1]",
        "k[a-", "\\k0", "*[\u00e9]*"};

    private final Random rnd;
    private final long baseMs;

    private final List<Entry> entries = new ArrayList<>();

    private record Entry(String name, int weight, Supplier<List<String>> build) {
    }

    /**
     * @param baseMs  wall-clock time at the start of the run: absolute expiries are placed
     *                relative to it, 50 s or more away from any relative expiry the run uses.
     * @param enabled command names to generate (rkv's implemented commands).
     */
    CommandGenerator(Random rnd, long baseMs, Set<String> enabled) {
        this.rnd = rnd;
        this.baseMs = baseMs;
        define();
        entries.removeIf(e -> !enabled.contains(e.name));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<String> names() {
        List<String> n = new ArrayList<>();
        entries.forEach(e -> n.add(e.name));
        return n;
    }

    /** The next command; arguments are ISO-8859-1 bytes (binary-safe, often invalid UTF-8). */
    byte[][] next() {
        int total = 0;
        for (Entry e : entries) {
            total += e.weight;
        }
        int pick = rnd.nextInt(total);
        Entry chosen = null;
        for (Entry e : entries) {
            pick -= e.weight;
            if (pick < 0) {
                chosen = e;
                break;
            }
        }
        List<String> argv = new ArrayList<>(chosen.build.get());
        argv.add(0, rnd.nextInt(10) == 0 ? mixCase(chosen.name) : chosen.name.toUpperCase(Locale.ROOT));
        int r = rnd.nextInt(100);
        if (r < 3 && argv.size() > 1) {
            argv.remove(argv.size() - 1); // wrong arity, or a missing option value
        } else if (r < 5) {
            argv.add(pick(EXTRA)); // extra argument
        }
        byte[][] out = new byte[argv.size()][];
        for (int i = 0; i < out.length; i++) {
            // One byte per char: "\u00e9" is the lone byte 0xE9, not valid UTF-8, which keeps
            // every handler honest about treating arguments as bytes.
            out[i] = argv.get(i).getBytes(StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    private String mixCase(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(rnd.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return b.toString();
    }

    private String pick(String[] from) {
        return from[rnd.nextInt(from.length)];
    }

    private List<String> sortArguments(boolean mayStore) {
        // Its own keys, only ever lists and sets: SORT turns a sorted set into a skip list for good, and
        // lex ranges over mixed scores then depend on each server's random node levels.
        List<String> a = new ArrayList<>(List.of(pick(SORTED_KEYS)));
        boolean alpha = rnd.nextBoolean();
        boolean store = mayStore && rnd.nextInt(3) == 0;
        if (!alpha && rnd.nextInt(3) == 0) {
            a.addAll(List.of("BY", pick(new String[] {"w_*", "h_*->f"})));
        }
        if (store && rnd.nextInt(4) == 0) {
            a.addAll(List.of("BY", "nosort"));
        }
        if (rnd.nextInt(3) == 0) {
            a.addAll(List.of("LIMIT", smallInt(), smallInt()));
        }
        if (rnd.nextInt(3) == 0) {
            a.addAll(List.of("GET", pick(new String[] {"#", "w_*", "h_*->f", "k"})));
        }
        if (alpha) {
            a.add("ALPHA");
        }
        if (rnd.nextBoolean()) {
            a.add(rnd.nextBoolean() ? "DESC" : "ASC");
        }
        if (store) {
            a.addAll(List.of("STORE", key()));
        }
        return a;
    }

    private String key() {
        return pick(KEYS);
    }

    private String value() {
        return rnd.nextInt(3) == 0 ? pick(NUMBERS) : pick(VALUES);
    }

    /** A valid integer most of the time, otherwise something Redis rejects. */
    private String integer() {
        return rnd.nextInt(5) == 0 ? pick(NOT_INTEGERS) : pick(NUMBERS);
    }

    private String smallInt() {
        int r = rnd.nextInt(10);
        if (r == 0) {
            return pick(NOT_INTEGERS);
        }
        if (r == 1) {
            return pick(NUMBERS);
        }
        return Integer.toString(rnd.nextInt(20) - 6);
    }

    /** Relative seconds: long ones, or values Redis rejects or treats as "already expired". */
    private String relSeconds() {
        String[] ok = {"100", "1000", "10000"};
        String[] odd = {"0", "-1", "-100", "abc", "", "9223372036854775807", "9223372036854775", "1.5"};
        return rnd.nextInt(4) == 0 ? pick(odd) : pick(ok);
    }

    private String relMillis() {
        String[] ok = {"150000", "1500000", "15000000"};
        String[] odd = {"0", "-1", "-100000", "abc", "9223372036854775807", "9223372036854775806"};
        return rnd.nextInt(4) == 0 ? pick(odd) : pick(ok);
    }

    /** Absolute unix seconds: far future (+50 s, +500 s, +5000 s, +50000 s), past, or invalid. */
    private String absSeconds(boolean allowPast) {
        long base = baseMs / 1000;
        long[] future = {base + 50, base + 500, base + 5000, base + 50000};
        int r = rnd.nextInt(6);
        if (r == 0 && allowPast) {
            return rnd.nextBoolean() ? "1" : Long.toString(base - 1000);
        }
        if (r == 1) {
            return pick(new String[] {"abc", "-1", "0", "9223372036854775807", "9223372036854775"});
        }
        return Long.toString(future[rnd.nextInt(future.length)]);
    }

    private String absMillis(boolean allowPast) {
        long[] future = {baseMs + 50_000, baseMs + 500_000, baseMs + 5_000_000, baseMs + 50_000_000};
        int r = rnd.nextInt(6);
        if (r == 0 && allowPast) {
            return rnd.nextBoolean() ? "1" : Long.toString(baseMs - 1_000_000);
        }
        if (r == 1) {
            return pick(new String[] {"abc", "-1", "0", "9223372036854775807"});
        }
        return Long.toString(future[rnd.nextInt(future.length)]);
    }

    /** SET's options: expiry (never in the past: Redis 7.0 stores such keys and expires them lazily). */
    private List<String> setOptions() {
        List<String> o = new ArrayList<>();
        int n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(11)) {
                case 0 -> o.add("NX");
                case 1 -> o.add("XX");
                case 2 -> o.add("GET");
                case 3 -> o.add("KEEPTTL");
                case 4 -> o.addAll(List.of("EX", relSecondsNoDelete()));
                case 5 -> o.addAll(List.of("PX", relMillisNoDelete()));
                case 6 -> o.addAll(List.of("EXAT", absSeconds(false)));
                case 7 -> o.addAll(List.of("PXAT", absMillis(false)));
                case 8 -> o.add(rnd.nextBoolean() ? "ex" : "px"); // missing value
                case 9 -> o.add("FOO");
                default -> o.add(rnd.nextBoolean() ? "nx" : "get");
            }
        }
        return o;
    }

    /** Relative expiry for SET-like commands: valid, or one Redis rejects (never a stored past). */
    private String relSecondsNoDelete() {
        String[] odd = {"0", "-1", "abc", "", "9223372036854775807", "9223372036854775", "1.5"};
        return rnd.nextInt(4) == 0 ? pick(odd) : pick(new String[] {"100", "1000", "10000"});
    }

    private String relMillisNoDelete() {
        String[] odd = {"0", "-1", "abc", "9223372036854775807", "9223372036854775806"};
        return rnd.nextInt(4) == 0 ? pick(odd) : pick(new String[] {"150000", "1500000", "15000000"});
    }

    /** NX/XX for relative expiries (GT/LT against a relative time would race between the servers). */
    private List<String> relExpireOptions() {
        int r = rnd.nextInt(10);
        return switch (r) {
            case 0 -> List.of("NX");
            case 1 -> List.of("XX");
            case 2 -> List.of("NX", "XX");
            case 3 -> List.of("GT", "LT");
            case 4 -> List.of("FOO");
            case 5 -> List.of("nx");
            default -> List.of();
        };
    }

    private List<String> absExpireOptions() {
        int r = rnd.nextInt(10);
        return switch (r) {
            case 0 -> List.of("NX");
            case 1 -> List.of("XX");
            case 2 -> List.of("GT");
            case 3 -> List.of("LT");
            case 4 -> List.of(rnd.nextBoolean() ? "gt" : "lt");
            case 5 -> List.of("GT", "XX");
            case 6 -> List.of("NX", "GT");
            default -> List.of();
        };
    }

    private static List<String> join(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    private void add(String name, int weight, Supplier<List<String>> build) {
        entries.add(new Entry(name, weight, build));
    }

    private void define() {
        // strings
        add("get", 10, () -> List.of(key()));
        add("set", 14, () -> join(List.of(key(), value()), setOptions()));
        add("setnx", 3, () -> List.of(key(), value()));
        add("setex", 3, () -> List.of(key(), relSecondsNoDelete(), value()));
        add("psetex", 3, () -> List.of(key(), relMillisNoDelete(), value()));
        add("getset", 3, () -> List.of(key(), value()));
        add("getdel", 3, () -> List.of(key()));
        add("getex", 5, () -> {
            List<String> a = new ArrayList<>(List.of(key()));
            switch (rnd.nextInt(8)) {
                case 0 -> a.addAll(List.of("EX", relSecondsNoDelete()));
                case 1 -> a.addAll(List.of("PX", relMillisNoDelete()));
                case 2 -> a.addAll(List.of("EXAT", absSeconds(true)));
                case 3 -> a.addAll(List.of("PXAT", absMillis(true)));
                case 4 -> a.add("PERSIST");
                case 5 -> a.addAll(List.of("EX", "100", "PERSIST"));
                case 6 -> a.add("BAR");
                default -> {
                }
            }
            return a;
        });
        add("mget", 4, () -> {
            List<String> a = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(key());
            }
            return a;
        });
        add("mset", 4, () -> {
            List<String> a = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                a.add(key());
                a.add(value());
            }
            return a;
        });
        add("msetnx", 3, () -> List.of(key(), value(), key(), value()));
        add("append", 5, () -> List.of(key(), value()));
        add("strlen", 3, () -> List.of(key()));
        add("incr", 5, () -> List.of(rnd.nextBoolean() ? "n" : key()));
        add("decr", 3, () -> List.of(rnd.nextBoolean() ? "n" : key()));
        add("incrby", 5, () -> List.of(rnd.nextBoolean() ? "n" : key(), integer()));
        add("decrby", 4, () -> List.of(rnd.nextBoolean() ? "n" : key(), integer()));
        add("incrbyfloat", 5, () -> List.of(rnd.nextBoolean() ? "n" : key(), pick(FLOATS)));
        add("getrange", 4, () -> List.of(key(), smallInt(), smallInt()));
        add("substr", 1, () -> List.of(key(), smallInt(), smallInt()));
        add("setrange", 4, () -> List.of(key(), rnd.nextInt(8) == 0 ? pick(new String[] {"-1", "536870912", "abc"})
            : Integer.toString(rnd.nextInt(60)), value()));
        add("lcs", 2, () -> {
            List<String> a = new ArrayList<>(List.of(key(), key()));
            switch (rnd.nextInt(6)) {
                case 0 -> a.add("LEN");
                case 1 -> a.add("IDX");
                case 2 -> a.addAll(List.of("IDX", "MINMATCHLEN", smallInt()));
                case 3 -> a.addAll(List.of("IDX", "WITHMATCHLEN"));
                case 4 -> a.addAll(List.of("LEN", "IDX"));
                default -> {
                }
            }
            return a;
        });
        // keys
        add("del", 4, () -> rnd.nextBoolean() ? List.of(key()) : List.of(key(), key(), key()));
        add("unlink", 2, () -> List.of(key(), key()));
        add("exists", 4, () -> rnd.nextBoolean() ? List.of(key()) : List.of(key(), key(), key()));
        add("touch", 1, () -> List.of(key(), key()));
        add("type", 3, () -> List.of(key()));
        add("rename", 3, () -> List.of(key(), key()));
        add("renamenx", 2, () -> List.of(key(), key()));
        add("keys", 2, () -> List.of(pick(GLOBS)));
        add("randomkey", 1, List::of);
        add("dbsize", 2, List::of);
        add("copy", 2, () -> {
            List<String> a = new ArrayList<>(List.of(key(), key()));
            if (rnd.nextBoolean()) {
                a.addAll(List.of("DB", pick(new String[] {"0", "1", "2", "16", "-1", "x"})));
            }
            if (rnd.nextBoolean()) {
                a.add("REPLACE");
            }
            return a;
        });
        add("move", 2, () -> List.of(key(), pick(new String[] {"0", "1", "2", "16", "-1", "x"})));
        add("select", 2, () -> List.of(pick(new String[] {"0", "0", "1", "2", "16", "x"})));
        add("swapdb", 1, () -> List.of(pick(new String[] {"0", "1", "2"}), pick(new String[] {"0", "1", "16", "x"})));
        add("flushdb", 1, () -> rnd.nextInt(4) == 0 ? List.of(pick(new String[] {"SYNC", "ASYNC", "FOO"})) : List.of());
        add("object", 2, () -> List.of(pick(new String[] {"ENCODING", "encoding", "FOO"}), key()));
        // expire
        add("expire", 4, () -> join(List.of(key(), relSeconds()), relExpireOptions()));
        add("pexpire", 3, () -> join(List.of(key(), relMillis()), relExpireOptions()));
        add("expireat", 3, () -> join(List.of(key(), absSeconds(true)), absExpireOptions()));
        add("pexpireat", 3, () -> join(List.of(key(), absMillis(true)), absExpireOptions()));
        add("ttl", 4, () -> List.of(key()));
        add("pttl", 3, () -> List.of(key()));
        add("expiretime", 2, () -> List.of(key()));
        add("pexpiretime", 2, () -> List.of(key()));
        add("persist", 3, () -> List.of(key()));
        // transactions: queued commands, EXECABORT after a rejected command, WATCH by the same client
        add("multi", 1, List::of);
        add("exec", 4, List::of);
        add("discard", 1, List::of);
        add("watch", 1, () -> List.of(key(), key()));
        add("unwatch", 1, List::of);
        // connection state: protocol switches, names, RESET (which also ends MULTI and WATCH)
        add("hello", 1, () -> switch (rnd.nextInt(7)) {
            case 0 -> List.of();
            case 1 -> List.of("2");
            case 2 -> List.of("3");
            case 3 -> List.of(pick(new String[] {"4", "1", "x", "-1"}));
            case 4 -> List.of(rnd.nextBoolean() ? "3" : "2", "SETNAME", pick(new String[] {"app", "with space", ""}));
            case 5 -> List.of("3", "AUTH", "default", "wrong");
            default -> List.of("2", "FOO");
        });
        add("reset", 1, List::of);
        add("client", 1, () -> switch (rnd.nextInt(5)) {
            case 0 -> List.of("GETNAME");
            case 1 -> List.of("SETNAME", pick(new String[] {"app", "a b", "", "x\ny"}));
            case 2 -> List.of("NO-EVICT", pick(new String[] {"on", "off", "maybe"}));
            case 3 -> List.of("SETNAME");
            default -> List.of("NOSUCH");
        });
        add("echo", 1, () -> List.of(value()));
        add("ping", 1, () -> rnd.nextBoolean() ? List.of() : List.of(value()));
        collections();
    }

    // ------------------------------------------------------------------ collections

    private static final String[] MEMBERS = {"a", "b", "c", "1", "2", "3", "-5", "10", "", "x y", "\u00e9"};
    private static final String[] INT_MEMBERS = {"1", "2", "3", "-5", "10", "100", "0", "-9223372036854775808"};
    private static final String[] SCORES = {"0", "1", "2.5", "-1", "-inf", "+inf", "1e3", "0.1", "abc", "nan", "", "(1"};
    private static final String[] RANGES = {"-inf", "+inf", "0", "1", "(1", "2.5", "(2.5", "-1", "x", "(", "10"};
    private static final String[] LEX = {"-", "+", "[a", "(a", "[c", "(b", "a", "[", "(", "[10"};

    private String member() {
        return pick(MEMBERS);
    }

    /** Set members: integers, so that sets stay intsets whose order both servers share; now and then not. */
    private String setMember() {
        return rnd.nextInt(8) == 0 ? pick(new String[] {"a", "b"}) : pick(INT_MEMBERS);
    }

    /** Hash values short enough to keep hashes listpacks (insertion order on both servers). */
    private String shortValue() {
        String v = value();
        return v.length() > 40 ? "long" : v;
    }

    private List<String> repeat(int max, Supplier<List<String>> one) {
        List<String> a = new ArrayList<>();
        int n = 1 + rnd.nextInt(max);
        for (int i = 0; i < n; i++) {
            a.addAll(one.get());
        }
        return a;
    }

    private void collections() {
        // hashes
        add("hset", 6, () -> join(List.of(key()), repeat(3, () -> List.of(member(), shortValue()))));
        add("hsetnx", 2, () -> List.of(key(), member(), shortValue()));
        add("hmset", 1, () -> join(List.of(key()), repeat(2, () -> List.of(member(), shortValue()))));
        add("hget", 4, () -> List.of(key(), member()));
        add("hmget", 2, () -> join(List.of(key()), repeat(3, () -> List.of(member()))));
        add("hdel", 3, () -> join(List.of(key()), repeat(3, () -> List.of(member()))));
        add("hlen", 2, () -> List.of(key()));
        add("hstrlen", 1, () -> List.of(key(), member()));
        add("hexists", 2, () -> List.of(key(), member()));
        add("hkeys", 1, () -> List.of(key()));
        add("hvals", 1, () -> List.of(key()));
        add("hgetall", 2, () -> List.of(key()));
        add("hincrby", 3, () -> List.of(key(), member(), integer()));
        add("hincrbyfloat", 2, () -> List.of(key(), member(), pick(FLOATS)));
        // lists
        add("lpush", 4, () -> join(List.of(key()), repeat(3, () -> List.of(value()))));
        add("rpush", 4, () -> join(List.of(key()), repeat(3, () -> List.of(value()))));
        add("lpushx", 1, () -> List.of(key(), value()));
        add("rpushx", 1, () -> List.of(key(), value()));
        add("lpop", 3, () -> rnd.nextBoolean() ? List.of(key()) : List.of(key(), smallInt()));
        add("rpop", 3, () -> rnd.nextBoolean() ? List.of(key()) : List.of(key(), smallInt()));
        add("llen", 2, () -> List.of(key()));
        add("lindex", 2, () -> List.of(key(), smallInt()));
        add("lrange", 3, () -> List.of(key(), smallInt(), smallInt()));
        add("lrem", 2, () -> List.of(key(), smallInt(), value()));
        add("lset", 2, () -> List.of(key(), smallInt(), value()));
        add("ltrim", 2, () -> List.of(key(), smallInt(), smallInt()));
        add("linsert", 2, () -> List.of(key(), pick(new String[] {"BEFORE", "AFTER", "after", "MIDDLE"}), value(), value()));
        add("lpos", 2, () -> {
            List<String> a = new ArrayList<>(List.of(key(), value()));
            switch (rnd.nextInt(5)) {
                case 0 -> a.addAll(List.of("RANK", smallInt()));
                case 1 -> a.addAll(List.of("COUNT", smallInt()));
                case 2 -> a.addAll(List.of("MAXLEN", smallInt()));
                case 3 -> a.addAll(List.of("RANK", smallInt(), "COUNT", "0"));
                default -> {
                }
            }
            return a;
        });
        add("lmove", 2, () -> List.of(key(), key(), pick(new String[] {"LEFT", "RIGHT", "UP"}), pick(new String[] {"LEFT", "RIGHT"})));
        add("rpoplpush", 1, () -> List.of(key(), key()));
        add("lmpop", 2, () -> {
            List<String> a = new ArrayList<>(List.of("2", key(), key(), pick(new String[] {"LEFT", "RIGHT", "UP"})));
            if (rnd.nextBoolean()) {
                a.addAll(List.of("COUNT", smallInt()));
            }
            return a;
        });
        // sets
        add("sadd", 5, () -> join(List.of(key()), repeat(3, () -> List.of(setMember()))));
        add("srem", 3, () -> join(List.of(key()), repeat(2, () -> List.of(setMember()))));
        add("scard", 2, () -> List.of(key()));
        add("sismember", 2, () -> List.of(key(), setMember()));
        add("smismember", 1, () -> join(List.of(key()), repeat(3, () -> List.of(setMember()))));
        add("smove", 1, () -> List.of(key(), key(), setMember()));
        add("sintercard", 1, () -> List.of("2", key(), key()));
        add("sinterstore", 1, () -> List.of(key(), key(), key()));
        add("sunionstore", 1, () -> List.of(key(), key(), key()));
        add("sdiffstore", 1, () -> List.of(key(), key(), key()));
        // SORT: never BY with ALPHA (ties would fall to Redis's unstable qsort), a constant BY only with
        // STORE (a set's own order differs between servers; with STORE Redis sorts it ALPHA).
        add("sort", 2, () -> sortArguments(true));
        add("rpush", 1, () -> join(List.of(SORTED_KEYS[0]), repeat(3, () -> List.of(value()))));
        add("sadd", 1, () -> join(List.of(SORTED_KEYS[1]), repeat(3, () -> List.of(setMember()))));
        add("sort_ro", 1, () -> sortArguments(false));
        // sorted sets
        add("zadd", 6, () -> {
            List<String> a = new ArrayList<>(List.of(key()));
            if (rnd.nextInt(3) == 0) {
                a.add(pick(new String[] {"NX", "XX", "GT", "LT", "CH", "INCR", "nx", "GT CH"}));
            }
            a.addAll(repeat(2, () -> List.of(pick(SCORES), member())));
            return a;
        });
        add("zincrby", 2, () -> List.of(key(), pick(SCORES), member()));
        add("zrem", 2, () -> join(List.of(key()), repeat(2, () -> List.of(member()))));
        add("zcard", 2, () -> List.of(key()));
        add("zscore", 2, () -> List.of(key(), member()));
        add("zmscore", 1, () -> List.of(key(), member(), member()));
        add("zrank", 1, () -> List.of(key(), member()));
        add("zrevrank", 1, () -> List.of(key(), member()));
        add("zcount", 1, () -> List.of(key(), pick(RANGES), pick(RANGES)));
        add("zlexcount", 1, () -> List.of(key(), pick(LEX), pick(LEX)));
        add("zrange", 4, () -> {
            int kind = rnd.nextInt(3);
            List<String> a = new ArrayList<>(List.of(key()));
            if (kind == 0) {
                a.addAll(List.of(smallInt(), smallInt()));
            } else if (kind == 1) {
                a.addAll(List.of(pick(RANGES), pick(RANGES), "BYSCORE"));
            } else {
                a.addAll(List.of(pick(LEX), pick(LEX), "BYLEX"));
            }
            if (rnd.nextBoolean()) {
                a.add("REV");
            }
            if (rnd.nextInt(3) == 0) {
                a.addAll(List.of("LIMIT", smallInt(), smallInt()));
            }
            if (kind != 2 && rnd.nextBoolean()) {
                a.add("WITHSCORES");
            }
            return a;
        });
        add("zrangebyscore", 1, () -> List.of(key(), pick(RANGES), pick(RANGES), "WITHSCORES"));
        add("zrevrangebylex", 1, () -> List.of(key(), pick(LEX), pick(LEX)));
        add("zremrangebyrank", 1, () -> List.of(key(), smallInt(), smallInt()));
        add("zremrangebyscore", 1, () -> List.of(key(), pick(RANGES), pick(RANGES)));
        add("zpopmin", 2, () -> rnd.nextBoolean() ? List.of(key()) : List.of(key(), smallInt()));
        add("zpopmax", 2, () -> rnd.nextBoolean() ? List.of(key()) : List.of(key(), smallInt()));
        add("zunionstore", 1, () -> List.of(key(), "2", key(), key(), "AGGREGATE", pick(new String[] {"SUM", "MIN", "MAX"})));
        add("zinterstore", 1, () -> List.of(key(), "2", key(), key(), "WEIGHTS", pick(FLOATS), "1"));
        add("zunion", 1, () -> List.of("2", key(), key(), "WITHSCORES"));
        add("zdiff", 1, () -> List.of("2", key(), key()));
    }

}
