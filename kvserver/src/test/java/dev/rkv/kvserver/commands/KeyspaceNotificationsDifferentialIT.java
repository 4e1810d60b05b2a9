package dev.rkv.kvserver.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.ReferencePairTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keyspace notifications against the real redis-server 7.0: a subscriber on each server
 * (PSUBSCRIBE __key*__:*) records what a scripted sequence of commands publishes, and the two
 * recordings must be identical, message by message and in order.
 *
 * <p>Script lines are commands as in {@link Differential}, plus {@code @sleep MS} (lets a short
 * time to live pass), {@code @block CMD...} (a second client sends a blocking command and the
 * script goes on once the server counts it blocked), {@code @unblocked} (reads that client's
 * reply), {@code @restore SRC DST [REPLACE]} (RESTORE DST from DUMP SRC) and {@code @awaitempty}
 * (waits for active expiry to have removed every key).
 */
class KeyspaceNotificationsDifferentialIT extends ReferencePairTest {
    /** Published after the script; a subscriber has seen everything once this arrives. */
    private static final String END = "__keyscript_end__:done";

    /** One command of every kind that emits an event, with the edge cases that emit none or more. */
    private static final String EVERY_TYPE = """
        # strings
        SET s1 v
        SET s1 v2 EX 100
        SET s1 v3 KEEPTTL
        SET s1 v4 NX
        SET s1 v5 XX GET
        SET snew v PX 100000
        SETNX s2 v
        SETNX s2 v
        SETEX s3 100 v
        PSETEX s4 100000 v
        GETSET s4 w
        MSET m1 a m2 b
        MSETNX m3 a m4 b
        MSETNX m3 a m5 b
        APPEND s1 tail
        APPEND s5 fresh
        SETRANGE s1 2 xx
        SETRANGE s6 0 ""
        SETRANGE s6 3 x
        INCR n
        INCRBY n 5
        DECR n
        DECRBY n 2
        INCRBYFLOAT f 1.5
        INCR s1
        GETDEL s5
        GETDEL s5
        GETEX s1
        GETEX s1 EX 100
        GETEX s1 PERSIST
        GETEX s1 PERSIST
        GETEX s6 PXAT 1
        GET s6
        # generic
        DEL s1 s2 nokey
        UNLINK s3 nokey
        EXPIRE s4 100
        PEXPIRE s4 100000 NX
        EXPIREAT s4 {s+1000}
        PEXPIREAT s4 {ms+100000}
        EXPIRE s4 10 GT
        EXPIRE s4 1000 GT
        PERSIST s4
        PERSIST s4
        EXPIRE m1 -1
        EXPIRE nokey 10
        RENAME m2 m6
        SET m7 old
        RENAME m6 m7
        RENAMENX m7 m3
        RENAMENX m7 m8
        RENAME m8 m8
        COPY m8 c1
        COPY m8 c1
        COPY m8 c1 REPLACE
        COPY m8 c1 DB 1
        MOVE c1 2
        MOVE c1 2
        SWAPDB 0 2
        SWAPDB 0 2
        SELECT 2
        DEL c1
        SELECT 0
        TOUCH m8 nokey
        # hashes
        HSET h a 1 b 2
        HSET h a 1
        HSET h a 3
        HMSET h c 3
        HSETNX h d 4
        HSETNX h d 4
        HINCRBY h n 2
        HINCRBYFLOAT h x 0.5
        HDEL h nofield
        HDEL h a b
        HDEL h c d n x
        HINCRBY h2 n 1
        # lists
        LPUSH l a b c
        RPUSH l d e
        LPUSHX l0 a
        RPUSHX l f
        LPUSHX l z
        LINSERT l BEFORE a q
        LINSERT l BEFORE nothere q
        LSET l 0 y
        LREM l 0 nothere
        LREM l 1 q
        LTRIM l 0 -1
        LTRIM l 1 5
        LPOP l
        RPOP l 2
        LPOP nokey
        LMOVE l l2 LEFT RIGHT
        LMOVE l l2 RIGHT LEFT
        LMOVE l2 l2 LEFT RIGHT
        RPOPLPUSH l l3
        LMPOP 2 nokey l2 RIGHT COUNT 1
        BLPOP l2 1
        RPUSH l3 a b
        BRPOPLPUSH l3 l4 1
        BLMOVE l4 l5 LEFT LEFT 1
        RPUSH t a b c
        LTRIM t 5 10
        RPUSH r a a b
        LREM r 0 a
        LREM r 0 b
        RPUSH p a
        LPOP p 5
        # sets
        SADD st a b c
        SADD st a
        SREM st nothere
        SREM st a
        SMOVE st st2 b
        SMOVE st st2 nothere
        SMOVE st st2 c
        SADD st3 1 2 3 4 5
        SPOP st3
        SPOP st3 2
        SPOP st3 0
        SPOP st3 10
        SADD u1 a b
        SADD u2 b c
        SINTERSTORE i1 u1 u2
        SUNIONSTORE i2 u1 u2
        SDIFFSTORE i3 u1 u2
        SINTERSTORE i1 u1 nokey
        SINTERSTORE i9 u1 nokey
        SDIFFSTORE i3 nokey u1
        SINTERCARD 2 u1 u2
        SORT u1 ALPHA STORE sorted1
        SORT u1 ALPHA STORE sorted1
        SORT u1 LIMIT 5 5 ALPHA STORE sorted1
        SORT nokey STORE sorted2
        SORT_RO u1 ALPHA
        # sorted sets
        ZADD z 1 a 2 b 3 c
        ZADD z 1 a
        ZADD z XX 5 a
        ZADD z NX 5 a
        ZADD z INCR 1 a
        ZADD z GT CH 1 b
        ZINCRBY z 2 b
        ZREM z nothere
        ZREM z c
        ZADD z 10 d 11 e 12 f 0 g
        ZREMRANGEBYSCORE z 100 200
        ZREMRANGEBYSCORE z 10 10
        ZREMRANGEBYRANK z 0 0
        ZADD lex 0 a 0 b 0 c 0 d
        ZREMRANGEBYLEX lex [a [b
        ZREMRANGEBYLEX lex [x [y
        ZREMRANGEBYLEX lex - +
        ZPOPMIN z
        ZPOPMAX z 2
        ZPOPMIN nokey
        ZMPOP 1 z MIN COUNT 1
        ZADD z 1 a 2 b
        BZPOPMIN z 1
        BZPOPMAX z 1
        ZADD z1 1 a 2 b
        ZADD z2 2 b 3 c
        ZUNIONSTORE zu 2 z1 z2
        ZINTERSTORE zi 2 z1 z2
        ZDIFFSTORE zd 2 z1 z2
        ZRANGESTORE zr z1 0 -1
        ZINTERSTORE zu 2 z1 nokey
        ZINTERSTORE zx 2 z1 nokey
        ZRANGESTORE zr z1 5 10
        ZRANGESTORE zr2 z1 5 10
        ZADD z3 1 a
        ZPOPMAX z3 5
        # dump and restore
        SET d1 payload
        FLUSHDB
        SET d2 payload
        @restore d2 d3
        @restore d2 d3 REPLACE
        @restore d2 d2 REPLACE
        @restore d2 d4 REPLACE
        """;

    @Test
    void everyCommandTypeWithEveryClass() throws Exception {
        assertSameEvents("KEA", EVERY_TYPE);
    }

    @Test
    void newKeysAndMissesWithTheirOwnLetters() throws Exception {
        assertSameEvents("KEnm", EVERY_TYPE);
    }

    @Test
    void newKeysAndMissesAmongEveryOtherEvent() throws Exception {
        assertSameEvents("AKEnm", EVERY_TYPE);
    }

    @Test
    void onlyKeyeventsOfListsAndGenericCommands() throws Exception {
        assertSameEvents("Elg", EVERY_TYPE);
    }

    @Test
    void onlyKeyspaceEventsOfStringsAndHashes() throws Exception {
        assertSameEvents("K$h", EVERY_TYPE);
    }

    @Test
    void readsOfMissingKeysAreKeymissButWritesAndObjectAreNot() throws Exception {
        assertSameEvents("Em", """
            SADD u1 a
            ZADD z1 1 a
            GET m1
            MGET m2 m3
            STRLEN m4
            GETRANGE m5 0 1
            SUBSTR m6 0 1
            LCS m7 m8
            GETDEL m9
            GETEX m10
            EXISTS m11
            TYPE m12
            TTL m13
            PTTL m14
            EXPIRETIME m15
            DUMP m16
            TOUCH m17
            OBJECT ENCODING m18
            OBJECT FREQ m19
            COPY m20 x
            HGET m21 f
            HGETALL m22
            HRANDFIELD m23
            HSCAN m24 0
            LRANGE m25 0 -1
            LINDEX m26 0
            LPOS m27 a
            LLEN m28
            SCARD m29
            SMEMBERS m30
            SISMEMBER m31 a
            SMISMEMBER m32 a
            SRANDMEMBER m33
            SINTER u1 m34
            SUNION m35
            SDIFF m36
            SINTERCARD 2 u1 m37
            SINTERSTORE d1 u1 m38
            SUNIONSTORE d2 m39
            SDIFFSTORE d3 m40 u1
            ZSCORE m41 a
            ZMSCORE m42 a
            ZRANGE m43 0 -1
            ZRANGESTORE d4 m44 0 -1
            ZCARD m45
            ZRANK m46 a
            ZCOUNT m47 0 1
            ZRANDMEMBER m48
            ZUNION 2 z1 m49
            ZINTER 2 z1 m50
            ZUNIONSTORE d5 2 z1 m51
            ZDIFFSTORE d6 2 z1 m52
            ZSCAN m53 0
            SET w1 v
            LPOP m54
            SMOVE m55 u1 a
            LMOVE m56 x LEFT LEFT
            ZPOPMIN m57
            HINCRBY w2 f 1
            SETRANGE m58 0 ""
            EXPIRE m59 10
            DEL m60
            MEMORY USAGE m61
            """);
    }

    @Test
    void classesWithoutChannelsPublishNothing() throws Exception {
        assertEquals(List.of(), events(rkv.port(), "A", EVERY_TYPE));
        assertSameEvents("A", EVERY_TYPE);
    }

    /**
     * One key at a time has an expiry that has passed, and the next command touches it: whether
     * the active cycle or that command's lookup removes it, the one "expired" event comes before
     * the command's own events (the servers' cycles run at different moments and visit keys in
     * different orders, so two such keys could go in either order). PEXPIRE times are a few ms,
     * not 1: with 1 the millisecond may tick between the command reading the time and checking
     * it, and then the key is deleted at once ("del", not "expired").
     */
    @Test
    void lazyAndActiveExpiry() throws Exception {
        assertSameEvents("Kx", """
            SET e1 v PX 1
            @sleep 20
            GET e1
            SET e2 v PX 1
            @sleep 20
            EXISTS e2
            SET e3 v PX 1
            @awaitempty
            HSET e4 f v
            PEXPIRE e4 5
            @awaitempty
            """);
        assertSameEvents("KEA", """
            SET e1 v PX 1
            @sleep 20
            GET e1
            HSET e2 f v
            PEXPIRE e2 5
            @sleep 50
            HSET e2 g v
            """);
    }

    @Test
    void blockedClientsServedByAPush() throws Exception {
        assertSameEvents("KEA", """
            @block BLPOP bl 0
            RPUSH bl a
            @unblocked
            @block BLMOVE src dst RIGHT LEFT 0
            LPUSH src x y
            @unblocked
            @block BZPOPMIN bz 0
            ZADD bz 1 a
            @unblocked
            """);
    }

    @Test
    void transactionsNotifyAsTheyRun() throws Exception {
        assertSameEvents("KEA", """
            MULTI
            SET a 1
            INCR a
            LPUSH l x
            DEL a l
            EXEC
            """);
    }

    @Test
    void configGetShowsTheCanonicalSpelling() throws Exception {
        try (RawClient r = new RawClient(redis.port()); RawClient k = new RawClient(rkv.port())) {
            for (String letters : List.of("", "A", "An", "AnKEm", "KEA", "Elg", "nA", "$lshzxetdg", "gx", "Kx", "KEAn",
                "EKmn$", "gg", "Q", "KEAq", "e")) {
                String set = r.call("CONFIG", "SET", "notify-keyspace-events", letters);
                assertEquals(set, k.call("CONFIG", "SET", "notify-keyspace-events", letters), "CONFIG SET " + letters);
                String get = r.call("CONFIG", "GET", "notify-keyspace-events");
                assertEquals(get, k.call("CONFIG", "GET", "notify-keyspace-events"), "CONFIG GET after " + letters);
            }
            r.call("CONFIG", "SET", "notify-keyspace-events", "");
            k.call("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    @Test
    void resp3SubscribersGetPushesOnChannelsAndPatterns() throws Exception {
        String script = """
            SET a 1
            HSET h f v
            DEL a h nokey
            """;
        String[] subscribe = {"SUBSCRIBE", "__keyevent@0__:del", "__keyspace@0__:h"};
        String[] psubscribe = {"PSUBSCRIBE", "__keyspace@*__:a", "__keyevent@0__:h*"};
        for (String[] how : List.of(subscribe, psubscribe)) {
            List<String> expected = rawEvents(redis.port(), "KEA", script, true, how);
            assertEquals(String.join("\n", expected), String.join("\n", rawEvents(rkv.port(), "KEA", script, true, how)));
            assertEquals(String.join("\n", rawEvents(redis.port(), "KEA", script, false, how)),
                String.join("\n", rawEvents(rkv.port(), "KEA", script, false, how)));
        }
    }

    /**
     * A RESP3 client may subscribe and write. It gets the same events as Redis sends it, but
     * always after the command's complete reply (Redis 7.2's order): Redis 7.0 writes them where
     * the event happens, before the reply, after it, or between an array reply's elements.
     */
    @Test
    void resp3ClientGetsItsOwnEventsAfterItsReplies() throws Exception {
        List<String> commands = List.of("SET a 1", "SET a 2 EX 100", "SET a 3 GET", "SETNX a 1", "GETSET a 4",
            "MSET a 5 b 6", "INCR a", "INCRBYFLOAT a 1.5", "APPEND a x", "SETRANGE a 0 y", "GETEX a EX 100",
            "GETEX a PERSIST", "GETDEL b", "HSET h f v", "HSETNX h g v", "HINCRBY h n 1", "HINCRBYFLOAT h x 1.5",
            "HDEL h f g n x", "LPUSH l x y z", "RPUSHX l w", "LINSERT l BEFORE x q", "LSET l 0 r", "LREM l 1 q",
            "LTRIM l 0 5", "LMOVE l l2 LEFT RIGHT", "RPOP l", "LMPOP 1 l LEFT COUNT 9", "SADD s m n o p",
            "SREM s p", "SMOVE s s2 o", "SINTERSTORE s3 s s2", "SUNIONSTORE s3 s s2", "SDIFFSTORE s3 s s2",
            "SREM s n", "SPOP s 9", "ZADD z 1 m 2 n 3 o 4 p", "ZINCRBY z 1 m", "ZREM z m", "ZREMRANGEBYSCORE z 2 2",
            "ZREMRANGEBYRANK z 0 0", "ZADD lex 0 a 0 b", "ZREMRANGEBYLEX lex - +", "ZADD z 1 q", "ZPOPMIN z",
            "ZUNIONSTORE z2 1 z", "ZINTERSTORE z2 1 z", "ZDIFFSTORE z2 1 z", "ZRANGESTORE z3 z 0 -1", "ZPOPMAX z 9",
            "EXPIRE a 100", "PERSIST a", "RENAME a b", "COPY b c", "MOVE c 1", "EXPIRE b -1", "SET d 1",
            "DEL d h s", "GET nokey", "MULTI", "SET e 1", "LPUSH f x", "EXEC");
        List<String> expected = ownEvents(redis.port(), commands, false);
        List<String> actual = ownEvents(rkv.port(), commands, true);
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    private static final java.util.regex.Pattern PUSH = java.util.regex.Pattern.compile(
        ">4\r\n\\$8\r\npmessage\r\n\\$\\d+\r\n[^\r]*\r\n\\$\\d+\r\n([^\r]*)\r\n\\$\\d+\r\n([^\r]*)\r\n");

    /**
     * Per command: its reply with any pushes taken out, then the events pushed to the client
     * itself. With {@code repliesFirst}, checks that the reply came first and whole.
     */
    private static List<String> ownEvents(int port, List<String> commands, boolean repliesFirst) throws IOException {
        try (RawClient c = new RawClient(port)) {
            c.call("FLUSHALL");
            c.call("HELLO", "3");
            c.call("CONFIG", "SET", "notify-keyspace-events", "EAnm");
            c.call("PSUBSCRIBE", "__keyevent@*__:*");
            List<String> seen = new ArrayList<>();
            boolean queueing = false;
            for (String command : commands) {
                c.command(Differential.words(command));
                if (command.equals("MULTI") || queueing) {
                    // Between MULTI and EXEC a PING would be queued too: one reply, +OK or +QUEUED.
                    queueing = !command.equals("EXEC");
                    if (queueing) {
                        seen.add(command + " -> " + c.readReply().replace("\r\n", " "));
                        continue;
                    }
                }
                c.command("PING", "end of " + command);
                StringBuilder reply = new StringBuilder();
                List<String> pushes = new ArrayList<>();
                boolean first = true;
                while (true) {
                    String raw = c.readReply();
                    if (raw.contains("end of " + command)) {
                        break;
                    }
                    if (repliesFirst) {
                        assertEquals(first, !raw.startsWith(">"), command + ": reply first, then pushes only: " + raw);
                    }
                    first = false;
                    java.util.regex.Matcher m = PUSH.matcher(raw);
                    while (m.find()) {
                        pushes.add(m.group(1) + " " + m.group(2));
                    }
                    reply.append(PUSH.matcher(raw).replaceAll(""));
                }
                seen.add(command + " -> " + reply.toString().replace("\r\n", " ") + pushes);
            }
            c.call("CONFIG", "SET", "notify-keyspace-events", "");
            return seen;
        }
    }

    private static void assertSameEvents(String classes, String script) throws Exception {
        List<String> expected = events(redis.port(), classes, script);
        List<String> actual = events(rkv.port(), classes, script);
        assertEquals(String.join("\n", expected), String.join("\n", actual), "events with notify-keyspace-events=" + classes);
    }

    /** What a pattern subscriber sees while the script runs (after FLUSHALL), one line per message. */
    private static List<String> events(int port, String classes, String script) throws IOException, InterruptedException {
        List<String> readable = new ArrayList<>();
        List<String> raw = rawEvents(port, classes, script, false, "PSUBSCRIBE", "__key*__:*");
        for (String message : raw.subList(1, raw.size())) { // after the PSUBSCRIBE reply
            readable.add(readable(message));
        }
        return readable;
    }

    /**
     * The raw messages a subscriber (in RESP3 when {@code resp3}) that ran {@code subscribe} gets
     * while the script runs after FLUSHALL, its subscription replies included.
     */
    private static List<String> rawEvents(int port, String classes, String script, boolean resp3, String... subscribe)
        throws IOException, InterruptedException {
        long nowMs = System.currentTimeMillis();
        List<String> seen = new ArrayList<>();
        try (RawClient subscriber = new RawClient(port); RawClient c = new RawClient(port); RawClient blocker = new RawClient(port)) {
            c.call("FLUSHALL");
            c.call("CONFIG", "SET", "notify-keyspace-events", classes);
            if (resp3) {
                subscriber.call("HELLO", "3");
            }
            subscriber.command(subscribe);
            for (int i = 1; i < subscribe.length; i++) {
                seen.add(subscriber.readReply());
            }
            subscriber.command("SUBSCRIBE", END);
            subscriber.readReply();
            for (String raw : script.split("\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                line = line.replace("{s+1000}", Long.toString(nowMs / 1000 + 1000))
                    .replace("{ms+100000}", Long.toString(nowMs + 100_000));
                if (line.startsWith("@sleep ")) {
                    Thread.sleep(Long.parseLong(line.substring(7)));
                } else if (line.startsWith("@block ")) {
                    blocker.command(Differential.words(line.substring(7)));
                    awaitBlockedClients(c, 1);
                } else if (line.equals("@unblocked")) {
                    blocker.readReply();
                } else if (line.equals("@awaitempty")) {
                    awaitEmpty(c);
                } else if (line.startsWith("@restore ")) {
                    String[] w = Differential.words(line.substring(9));
                    byte[] payload = dumpPayload(c.call("DUMP", w[0]));
                    byte[][] restore = {bytes("RESTORE"), bytes(w[1]), bytes("0"), payload, bytes(w.length > 2 ? w[2] : "")};
                    c.command(w.length > 2 ? restore : java.util.Arrays.copyOf(restore, 4));
                    c.readReply();
                } else {
                    c.command(Differential.words(line));
                    c.readReply();
                }
            }
            c.call("CONFIG", "SET", "notify-keyspace-events", "");
            c.call("PUBLISH", END, "x");
            while (true) {
                String message = subscriber.readReply();
                if (message.contains(END)) {
                    return seen;
                }
                seen.add(readable(message));
            }
        }
    }

    private static void awaitBlockedClients(RawClient c, int n) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 500; attempt++) {
            if (c.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        assertTrue(false, "the blocking command did not block");
    }

    private static void awaitEmpty(RawClient c) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 400; attempt++) {
            if (c.call("DBSIZE").equals(":0\r\n")) {
                return;
            }
            Thread.sleep(10);
        }
        assertTrue(false, "active expiry did not remove the keys");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The payload of a DUMP reply ("$N\\r\\n" payload "\\r\\n"), byte for byte. */
    private static byte[] dumpPayload(String reply) {
        int start = reply.indexOf("\r\n") + 2;
        return bytes(reply.substring(start, reply.length() - 2));
    }

    /** A pmessage as "channel message", for readable failure messages. */
    private static String readable(String raw) {
        String[] parts = raw.split("\r\n", -1);
        // *4 $8 pmessage $N pattern $N channel $N message
        return parts.length > 8 ? parts[6] + " " + parts[8] : raw;
    }
}
