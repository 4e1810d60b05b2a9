package dev.rkv.kvserver.it;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a replica receives: a fake replica (PSYNC ? -1 over a raw socket) attached to the real
 * redis-server and to rkv; the same writes go to both and the two replication streams must carry
 * the same effects, in the same order, with the same SELECTs and MULTI/EXEC wrappers. Absolute
 * expiry times may differ by the moment each server ran the command.
 *
 * <p>Three deliberate differences are accepted (see {@code sameEffects} and
 * {@code foldPerKeyEffects}): rkv propagates DEL/UNLINK with only the keys it deleted (per-key
 * effects, DESIGN.md) and PEXPIREAT without EXPIRE's NX/XX/GT/LT; Redis propagates both as sent.
 * And rkv propagates the writes that move data between keys as effects on each key (LMOVE as
 * its pop and push, SMOVE as SREM and SADD, the STORE forms and SORT ... STORE as DEL and the
 * result), in
 * MULTI/EXEC unless already inside a transaction, so an RDMA replica's LSN filter can replay
 * them one key at a time; each such group must match the command Redis propagated.
 */
class ReplicationStreamIT {
    private static final String END = "__end_of_sequence__";

    private RedisReference redis;
    private RkvTestServer rkv;
    private DualClient d;
    private RawClient redisReplica;
    private RawClient rkvReplica;

    @BeforeEach
    void start() throws Exception {
        Implemented.require("psync", "set", "get");
        redis = RedisReference.start("--repl-diskless-sync-delay", "0");
        rkv = RkvTestServer.start("--repl-diskless-sync-delay", "0");
        d = new DualClient(redis.port(), rkv.port());
        redisReplica = attachReplica(redis.port());
        rkvReplica = attachReplica(rkv.port());
    }

    @AfterEach
    void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {redisReplica, rkvReplica, d, rkv, redis}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IOException("closing " + c, e);
                }
            }
        }
    }

    private static RawClient attachReplica(int port) throws IOException {
        RawClient r = new RawClient(port);
        assertEquals("+OK\r\n", r.call("REPLCONF", "listening-port", "0"));
        assertEquals("+OK\r\n", r.call("REPLCONF", "capa", "eof", "capa", "psync2"));
        String fullresync = r.command("PSYNC", "?", "-1").readReply();
        assertTrue(fullresync.startsWith("+FULLRESYNC "), fullresync);
        r.readRdbTransfer();
        // After a diskless transfer Redis starts the command stream on the first ACK it gets once
        // the replica is online (an earlier ACK is ignored): wait for that, as INFO shows it.
        try (RawClient admin = new RawClient(port)) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!RespReply.parse(admin.call("INFO", "replication")).text().contains("state=online")) {
                if (System.nanoTime() > deadline) {
                    fail("replica never shown online on port " + port);
                }
                sleep(5);
            }
        }
        r.command("REPLCONF", "ACK", "0");
        return r;
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Runs the lines on both servers (replies compared), then compares what each replica got. */
    private void writesPropagateLikeRedis(String... lines) throws IOException {
        for (String line : lines) {
            d.check(DifferentialIT.split(line));
        }
        compareStreams("");
    }

    private void compareStreams(String context) throws IOException {
        d.both("DISCARD"); // close a transaction the sequence may have left open
        d.check("SELECT", "0");
        d.check("SET", END, "1");
        List<String> expected = streamUntilEnd("redis", redisReplica);
        List<String> actual = foldPerKeyEffects(expected, streamUntilEnd("rkv", rkvReplica));
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!sameEffects(List.of(expected.get(i)), List.of(actual.get(i)))) {
                fail(context + "replication streams differ at effect #" + i + "\n  redis: "
                    + String.join("\n         ", expected.subList(Math.max(0, i - 8), Math.min(expected.size(), i + 4)))
                    + "\n  rkv:   "
                    + String.join("\n         ", actual.subList(Math.max(0, i - 8), Math.min(actual.size(), i + 4))));
            }
        }
        assertEquals(expected.size(), actual.size(), context + "stream lengths\n  redis: " + expected
            + "\n  rkv:   " + actual);
    }

    @Test
    void randomWritesPropagateLikeRedis() throws IOException {
        long seed = Long.getLong("rkv.diff.seed", 77L);
        java.util.Set<String> enabled = new java.util.HashSet<>(Implemented.COMMANDS);
        java.util.Random rnd = new java.util.Random(seed);
        CommandGenerator gen = new CommandGenerator(rnd, System.currentTimeMillis(), enabled);
        int count = Integer.getInteger("rkv.diff.commands", 4000);
        for (int sent = 0; sent < count; ) {
            int n = Math.min(count - sent, 1 + rnd.nextInt(64));
            List<byte[][]> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(gen.next());
            }
            List<String[]> replies = new ArrayList<>();
            int bad = d.pipeline(batch, replies);
            if (bad >= 0) {
                fail("seed " + seed + ": " + DualClient.describe(batch.get(bad), replies.get(bad)[0], replies.get(bad)[1]));
            }
            sent += n;
            if (sent % 1000 < n || sent == count) {
                compareStreams("seed " + seed + " (replay with -Drkv.diff.seed=" + seed + ") after command #" + sent
                    + ": ");
            }
        }
    }

    /** Effects as "ARG ARG ..." lines, without the primary's PINGs, up to the end marker. */
    private static List<String> streamUntilEnd(String server, RawClient replica) throws IOException {
        List<String> effects = new ArrayList<>();
        while (true) {
            String raw;
            try {
                raw = replica.readReply();
            } catch (IOException e) {
                throw new IOException(server + "'s replication stream stopped after: " + effects, e);
            }
            RespReply r = RespReply.parse(raw);
            List<String> words = new ArrayList<>();
            for (RespReply w : r.children()) {
                words.add(DualClient.escape(w.text()));
            }
            String line = String.join(" ", words);
            if (line.equalsIgnoreCase("PING")) {
                continue;
            }
            effects.add(line);
            if (line.equals("SET " + END + " 1")) {
                return effects;
            }
        }
    }

    /**
     * Equal word by word, except that big numbers (absolute ms/s times) may differ a little, and
     * that Redis keeps EXPIRE's NX/XX/GT/LT on the PEXPIREAT it propagates while rkv drops them
     * (the primary already decided; the replica's result is the same).
     */
    /**
     * rkv's stream with every per-key rewrite folded back into the command Redis propagated in
     * its place, when the rewrite matches that command's keys and members; anything else stays
     * as it is, for sameEffects to judge.
     */
    private static List<String> foldPerKeyEffects(List<String> redis, List<String> rkv) {
        List<String> out = new ArrayList<>();
        boolean inTransaction = false;
        int j = 0;
        for (int i = 0; i < redis.size() && j < rkv.size(); i++) {
            String[] e = redis.get(i).split(" ", -1);
            if (e[0].equalsIgnoreCase("MULTI")) {
                inTransaction = true;
            } else if (e[0].equalsIgnoreCase("EXEC")) {
                inTransaction = false;
            }
            int rewritten = rewriteLength(e, rkv, j, inTransaction);
            if (rewritten > 0) {
                out.add(redis.get(i));
                j += rewritten;
            } else {
                out.add(rkv.get(j++));
            }
        }
        while (j < rkv.size()) {
            out.add(rkv.get(j++));
        }
        return out;
    }

    /** How many of rkv's effects from {@code j} on are the per-key rewrite of Redis's effect {@code e}; 0 when they are not. */
    private static int rewriteLength(String[] e, List<String> rkv, int j, boolean inTransaction) {
        String name = e[0].toUpperCase(java.util.Locale.ROOT);
        boolean wrapped = !inTransaction && j < rkv.size() && rkv.get(j).equals("MULTI");
        int k = wrapped ? j + 1 : j;
        switch (name) {
            case "LMOVE", "RPOPLPUSH", "SMOVE" -> {
                if (e.length < 3 || k + 1 >= rkv.size()) {
                    return 0;
                }
                String[] pop = rkv.get(k).split(" ", -1);
                String[] push = rkv.get(k + 1).split(" ", -1);
                boolean matches = name.equals("SMOVE")
                    ? e.length == 4 && List.of(pop).equals(List.of("SREM", e[1], e[3])) && List.of(push).equals(List.of("SADD", e[2], e[3]))
                    : pop.length == 2 && pop[0].matches("[LR]POP") && pop[1].equals(e[1])
                        && push.length == 3 && push[0].matches("[LR]PUSH") && push[1].equals(e[2]);
                if (!matches) {
                    return 0;
                }
                k += 2;
            }
            case "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE", "SORT" -> {
                String dst = name.equals("SORT") ? sortDestination(e) : e.length < 2 ? null : e[1];
                if (dst == null || k >= rkv.size() || !rkv.get(k).equals("DEL " + dst)) {
                    return 0;
                }
                String fill = (name.equals("SORT") ? "RPUSH " : name.startsWith("S") ? "SADD " : "ZADD ") + dst + " ";
                k++;
                while (k < rkv.size() && rkv.get(k).startsWith(fill)) {
                    k++;
                }
                if (!wrapped) {
                    // An empty result goes out as the DEL alone; a filled one is wrapped unless inside a transaction.
                    return inTransaction || k == j + 1 ? k - j : 0;
                }
            }
            default -> {
                return 0;
            }
        }
        if (wrapped) {
            if (k >= rkv.size() || !rkv.get(k).equals("EXEC")) {
                return 0;
            }
            k++;
        } else if (!inTransaction) {
            return 0;
        }
        return k - j;
    }

    /** SORT's STORE destination (the last one), or null. */
    private static String sortDestination(String[] e) {
        String dst = null;
        for (int j = 2; j < e.length; j++) {
            switch (e[j].toLowerCase(java.util.Locale.ROOT)) {
                case "limit" -> j += 2;
                case "get", "by" -> j += 1;
                case "store" -> {
                    if (j + 1 < e.length) {
                        dst = e[j + 1];
                    }
                    j += 1;
                }
                default -> {
                }
            }
        }
        return dst;
    }

    private static boolean sameEffects(List<String> expected, List<String> actual) {
        for (int i = 0; i < expected.size(); i++) {
            String[] e = withoutExpireOptions(expected.get(i).split(" ", -1));
            String[] a = withoutExpireOptions(actual.get(i).split(" ", -1));
            if (isDelete(e) && isDelete(a) && e[0].equalsIgnoreCase(a[0]) && isSubsequence(a, e)) {
                continue;
            }
            if (e.length != a.length) {
                return false;
            }
            for (int w = 0; w < e.length; w++) {
                boolean same = w == 0 ? e[w].equalsIgnoreCase(a[w]) : e[w].equals(a[w]); // names: any case
                if (!same && !closeTimes(e[w], a[w])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** DEL/UNLINK: Redis propagates the keys as sent, rkv only those it deleted (per-key effects). */
    private static boolean isDelete(String[] words) {
        return words[0].equalsIgnoreCase("DEL") || words[0].equalsIgnoreCase("UNLINK");
    }

    private static boolean isSubsequence(String[] part, String[] whole) {
        int j = 1;
        for (int i = 1; i < part.length; i++) {
            while (j < whole.length && !whole[j].equals(part[i])) {
                j++;
            }
            if (j++ >= whole.length) {
                return false;
            }
        }
        return true;
    }

    private static String[] withoutExpireOptions(String[] words) {
        if (words.length > 3 && words[0].equalsIgnoreCase("PEXPIREAT")) {
            return java.util.Arrays.copyOf(words, 3);
        }
        return words;
    }

    private static boolean closeTimes(String e, String a) {
        try {
            long x = Long.parseLong(e);
            long y = Long.parseLong(a);
            return x > 1_000_000_000L && y > 1_000_000_000L && Math.abs(x - y) <= DualClient.TTL_SLACK_MS;
        } catch (NumberFormatException notNumbers) {
            return false;
        }
    }

    @Test
    void stringWritesPropagateLikeRedis() throws IOException {
        writesPropagateLikeRedis("SET a 1", "SET a 2 NX", "SET a 3 XX", "SET a 4 GET", "SET e v EX 100",
            "SET e v PX 150000", "SET e w KEEPTTL", "SET e v EXAT 9999999999", "SETNX a x", "SETNX b x",
            "SETEX s 100 v", "PSETEX p 150000 v", "GETSET a 5", "GETDEL a", "GETDEL a",
            "SET g v", "GETEX g", "GETEX g EX 100", "GETEX g PERSIST", "GETEX g PERSIST", "GETEX g PXAT 1",
            "MSET m1 1 m2 2", "MSETNX m1 1 m3 3", "MSETNX m4 4 m5 5", "APPEND s2 abc", "APPEND s2 \"\"",
            "SETRANGE s2 5 xyz", "SETRANGE missing 0 \"\"", "INCR n", "INCRBY n 10", "DECR n", "DECRBY n 3",
            "INCRBYFLOAT f 1.5", "SET fe 1 EX 100", "INCRBYFLOAT fe 2.5");
    }

    @Test
    void keyAndExpireWritesPropagateLikeRedis() throws IOException {
        writesPropagateLikeRedis("MSET a 1 b 2 c 3", "DEL a missing", "DEL missing", "UNLINK b", "EXISTS c",
            "RENAME c d", "RENAMENX d e", "SET x 1", "RENAMENX e x", "COPY e e2", "COPY e x REPLACE", "COPY e e3 DB 2",
            "MOVE e 1", "MOVE missing 1", "SWAPDB 0 1", "SWAPDB 1 0", "SELECT 3", "SET in3 v", "FLUSHDB",
            "SELECT 0", "EXPIRE x 100", "EXPIRE x 200 NX", "PEXPIRE x 150000", "EXPIREAT x 9999999999",
            "PEXPIREAT x 9999999999000", "EXPIRE missing 100", "PERSIST x", "PERSIST x", "EXPIRE x -1",
            "SET y 1", "PEXPIREAT y 1", "SET z 1", "EXPIRE z 0", "TOUCH z", "FLUSHALL");
    }

    @Test
    void transactionsPropagateLikeRedis() throws IOException {
        Implemented.require("multi", "exec", "discard", "watch");
        writesPropagateLikeRedis("MULTI", "SET t1 1", "INCR t1", "GET t1", "EXEC", "MULTI", "GET t1", "EXEC",
            "MULTI", "SET t2 1", "DISCARD", "MULTI", "SELECT 2", "SET t3 1", "EXEC", "SELECT 0",
            "MULTI", "SET t4 v EX 100", "EXPIRE t4 200", "DEL t4", "EXEC", "MULTI", "SET t5 1", "NOSUCH", "EXEC");
    }
}
