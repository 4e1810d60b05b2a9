package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.ReferencePairTest;
import dev.rkv.kvserver.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions, Pub/Sub, CONFIG, CLIENT, COMMAND and server commands against the real
 * redis-server 7.0, on the replies that must match byte for byte: errors, MULTI/EXEC flows,
 * PUBLISH counts, subscription replies and messages.
 */
class ServerCommandsDifferentialIT extends ReferencePairTest {
    @Test
    void transactionsOnOneConnection() throws Exception {
        assertSameReplies(redis, rkv, """
            EXEC
            DISCARD
            WATCH
            MULTI
            SET a 1
            INCR a
            GET a
            MULTI
            WATCH a
            EXEC
            SET s abc
            MULTI
            INCR s
            SET t 1
            EXEC
            MULTI
            SET a 2
            NOSUCH x y
            GET
            EXEC
            GET a
            MULTI
            SHUTDOWN
            EXEC
            WATCH a b
            SET a own-write
            MULTI
            GET a
            EXEC
            WATCH a
            UNWATCH
            SET a again
            MULTI
            GET a
            EXEC
            MULTI
            PING
            DISCARD
            EXEC
            """);
    }

    @Test
    void pubsubOnOneConnection() throws Exception {
        assertSameReplies(redis, rkv, """
            PUBLISH ch hello
            PUBSUB NUMSUB ch other
            PUBSUB NUMPAT
            PUBSUB CHANNELS
            PUBSUB CHANNELS a b
            PUBSUB HELP
            PUBSUB NOSUCH
            UNSUBSCRIBE
            PUNSUBSCRIBE
            UNSUBSCRIBE never
            SUBSCRIBE ch
            PSUBSCRIBE c*
            GET k
            PING
            PING hi
            PUBSUB NUMSUB ch
            SUBSCRIBE ch
            UNSUBSCRIBE ch
            PUNSUBSCRIBE
            GET k
            """);
    }

    @Test
    void shardPubsubOnOneConnection() throws Exception {
        assertSameReplies(redis, rkv, """
            SPUBLISH s hello
            SUNSUBSCRIBE
            SUNSUBSCRIBE never
            PUBSUB SHARDCHANNELS
            PUBSUB SHARDNUMSUB s t
            SSUBSCRIBE s
            SSUBSCRIBE s
            SUBSCRIBE c
            SSUBSCRIBE t
            GET k
            PUBSUB SHARDCHANNELS
            SUNSUBSCRIBE s
            UNSUBSCRIBE c
            SUNSUBSCRIBE
            GET k
            PUBSUB SHARDCHANNELS
            COMMAND INFO ssubscribe sunsubscribe spublish
            """);
    }

    @Test
    void configErrorsAndValues() throws Exception {
        assertSameReplies(redis, rkv, """
            CONFIG
            CONFIG GET
            CONFIG GET maxmemory
            CONFIG GET no-such-option
            CONFIG SET foo bar
            CONFIG SET databases 3
            CONFIG SET maxmemory abc
            CONFIG SET maxmemory 1 maxmemory 2
            CONFIG SET maxmemory 1 hz
            CONFIG SET maxmemory
            CONFIG SET maxmemory 10mb hz 20
            CONFIG GET maxmemory
            CONFIG GET hz
            CONFIG SET hz 30 maxmemory lots
            CONFIG GET hz
            CONFIG SET hz 10 maxmemory 0
            ~ CONFIG GET maxmemory maxmemory-policy hz
            ~ CONFIG GET maxmemory-policy MAXMEMORY-policy
            CONFIG SET maxmemory-policy foo
            CONFIG SET maxmemory-policy ALLKEYS-LRU
            CONFIG GET maxmemory-policy
            CONFIG SET maxmemory-policy noeviction
            CONFIG SET appendonly maybe
            CONFIG SET protected-mode maybe
            CONFIG SET timeout -1
            CONFIG SET timeout abc
            CONFIG SET maxmemory 1gb
            CONFIG GET maxmemory
            CONFIG SET maxmemory 0
            CONFIG SET save "100 x"
            CONFIG SET save "100 10 200"
            CONFIG SET requirepass ""
            CONFIG GET requirepass
            CONFIG SET slave-read-only yes
            ~ CONFIG GET slave-read-only
            CONFIG RESETSTAT x
            CONFIG REWRITE
            CONFIG HELP
            CONFIG NOSUCH
            """);
    }

    @Test
    void clientErrorsAndNames() throws Exception {
        assertSameReplies(redis, rkv, """
            CLIENT
            CLIENT GETNAME
            CLIENT SETNAME "a b"
            CLIENT SETNAME
            CLIENT SETNAME worker
            CLIENT GETNAME
            CLIENT SETNAME ""
            CLIENT GETNAME
            CLIENT LIST TYPE foo
            CLIENT LIST ID abc
            CLIENT LIST ID 99999999
            CLIENT LIST foo
            CLIENT KILL 1.2.3.4:5
            CLIENT KILL ID abc
            CLIENT KILL ID 0
            CLIENT KILL ID 99999999
            CLIENT KILL TYPE foo
            CLIENT KILL TYPE pubsub
            CLIENT KILL SKIPME maybe
            CLIENT KILL foo bar
            CLIENT KILL ADDR
            CLIENT NO-EVICT maybe
            CLIENT NO-EVICT on
            CLIENT NO-EVICT off
            CLIENT INFO extra
            CLIENT ID x
            CLIENT NOSUCH
            CLIENT GETREDIR
            CLIENT TRACKINGINFO
            CLIENT CACHING yes
            CLIENT TRACKING off
            CLIENT TRACKING off bcast noloop prefix a
            CLIENT TRACKING maybe
            CLIENT TRACKING on redirect abc
            CLIENT UNBLOCK 99999
            CLIENT UNBLOCK abc
            CLIENT UNBLOCK 1 maybe
            CLIENT UNBLOCK 1 error
            CLIENT UNBLOCK 1 error x
            CLIENT UNPAUSE
            ! HELLO 3
            CLIENT TRACKINGINFO
            """);
    }

    @Test
    void commandAndServerCommands() throws Exception {
        assertSameReplies(redis, rkv, """
            COMMAND GETKEYS get a b
            COMMAND GETKEYS ping x
            COMMAND GETKEYS nosuch a
            COMMAND GETKEYS get
            """);
        assertSameReplies(redis, rkv, """
            COMMAND INFO get
            COMMAND INFO nosuch
            COMMAND INFO config|get
            COMMAND COUNT x
            COMMAND GETKEYS
            COMMAND GETKEYS nosuch a
            COMMAND GETKEYS get
            COMMAND GETKEYS ping
            COMMAND GETKEYS get k
            COMMAND GETKEYS mset a 1 b 2
            COMMAND LIST FILTERBY foo bar
            COMMAND LIST FILTERBY
            COMMAND LIST FILTERBY aclcat nosuch
            COMMAND LIST x
            COMMAND HELP
            COMMAND NOSUCH
            TIME x
            LASTSAVE x
            INFO nosuch
            SHUTDOWN foo
            SHUTDOWN ABORT
            SHUTDOWN NOSAVE SAVE
            SHUTDOWN ABORT NOW
            DEBUG
            """);
    }

    @Test
    void getkeysandflagsGivesEachKeyTheFlagsOfItsKeySpec() throws Exception {
        assertSameReplies(redis, rkv, """
            COMMAND GETKEYSANDFLAGS set k v
            COMMAND GETKEYSANDFLAGS set k v get
            COMMAND GETKEYSANDFLAGS set k v nx GET ex 10
            COMMAND GETKEYSANDFLAGS copy a b
            COMMAND GETKEYSANDFLAGS rename a b
            COMMAND GETKEYSANDFLAGS renamenx a b
            COMMAND GETKEYSANDFLAGS mset a 1 b 2
            COMMAND GETKEYSANDFLAGS msetnx a 1 b 2
            COMMAND GETKEYSANDFLAGS del a b
            COMMAND GETKEYSANDFLAGS exists a b
            COMMAND GETKEYSANDFLAGS getex k
            COMMAND GETKEYSANDFLAGS object encoding k
            COMMAND GETKEYSANDFLAGS watch a b
            COMMAND GETKEYSANDFLAGS spublish ch msg
            COMMAND GETKEYS copy a b db 1
            COMMAND GETKEYS mset a
            """);
    }

    @Test
    void errorstatsCountErrorRepliesByCode() throws Exception {
        assertSameReplies(redis, rkv, """
            CONFIG RESETSTAT
            SET s abc
            GET
            INCR s
            NOSUCH
            MULTI
            INCR s
            SET t 1
            EXEC
            MULTI
            GET
            EXEC
            INFO errorstats
            """);
    }

    @Test
    void resp3TransactionsAndCommandInfo() throws Exception {
        assertSameReplies(redis, rkv, """
            ! HELLO 3
            WATCH w
            SET w 1
            MULTI
            EXEC
            COMMAND INFO get config|get
            CONFIG GET hz
            UNSUBSCRIBE
            SUBSCRIBE ch
            GET k
            UNSUBSCRIBE
            """);
    }

    @Test
    void clientReplyOffAndSkipSuppressRepliesAsRedis() throws Exception {
        String[][] commands = {{"CLIENT", "REPLY", "OFF"}, {"SET", "a", "1"}, {"GET", "a"}, {"NOSUCH"},
            {"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "ON"}, {"GET", "a"}, {"CLIENT", "REPLY", "SKIP"},
            {"GET", "a"}, {"CLIENT", "REPLY", "FOO"}, {"PING"}};
        assertEquals(pipeline(redis.port(), commands, 4), pipeline(rkv.port(), commands, 4));
    }

    /** Sends every command at once and reads {@code replies} replies. */
    private static List<String> pipeline(int port, String[][] commands, int replies) throws IOException {
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            for (String[] cmd : commands) {
                c.command(cmd);
            }
            for (int i = 0; i < replies; i++) {
                out.add(c.readReply());
            }
        }
        return out;
    }

    @Test
    void monitorShowsExecutedCommandsAsRedis() throws Exception {
        List<String> fromRkv = monitorFeed(rkv.port());
        assertEquals(monitorFeed(redis.port()), fromRkv);
        assertTrue(fromRkv.stream().noneMatch(line -> line.contains("secret")), fromRkv.toString());
    }

    /**
     * What a MONITOR client sees of another client's commands, with times and addresses masked;
     * passwords (AUTH, HELLO AUTH) must show as "(redacted)".
     */
    private static List<String> monitorFeed(int port) throws IOException {
        List<String> lines = new ArrayList<>();
        try (RawClient m = new RawClient(port); RawClient b = new RawClient(port)) {
            m.command("MONITOR");
            lines.add(m.readReply());
            String[][] commands = {{"SET", "k", "a \"b\"\n\u0001"}, {"GET", "k"}, {"MULTI"}, {"INCR", "n"},
                {"EXEC"}, {"SELECT", "2"}, {"PING"}, {"CONFIG", "GET", "hz"}, {"NOSUCH"}, {"GET"}, {"AUTH", "secret"}, {"AUTH", "user", "secret"},
                {"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "visible"}, {"ECHO", "last"}};
            for (String[] cmd : commands) {
                b.command(cmd);
                b.readReply();
            }
            String line;
            do {
                line = m.readReply().replaceAll("^\\+\\d+\\.\\d{6} \\[(\\d+) [^\\]]+]", "+T [$1 A]");
                lines.add(line);
            } while (!line.contains("\"last\"") && lines.size() < 20);
        }
        return lines;
    }

    @Test
    void twoClientsWatchAndPubSub() throws Exception {
        String script = """
            A WATCH k
            B SET k changed
            A MULTI
            A SET k mine
            A EXEC
            A WATCH k
            B SET other x
            A MULTI
            A GET k
            A EXEC
            A SUBSCRIBE news
            A PSUBSCRIBE n*
            B PUBLISH news hello
            A<
            A<
            B PUBLISH other hello
            B PUBLISH nobody hello
            A<
            B PUBSUB NUMSUB news
            B PUBSUB NUMPAT
            B PUBSUB CHANNELS
            A UNSUBSCRIBE
            A PUNSUBSCRIBE
            B PUBLISH news again
            A SSUBSCRIBE shard
            B SPUBLISH shard hi
            A<
            B PUBLISH shard not-shard
            B PUBSUB SHARDNUMSUB shard other
            B PUBSUB SHARDCHANNELS sh*
            A SUNSUBSCRIBE shard
            B ! HELLO 3
            B SUBSCRIBE news
            A PUBLISH news from-a
            B<
            B GET k
            B PUBLISH news to-self
            B<
            """;
        List<String> expected = runTwoClients(redis.port(), script);
        List<String> actual = runTwoClients(rkv.port(), script);
        String[] lines = script.strip().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].contains("!")) {
                assertEquals(expected.get(i), actual.get(i), "reply to: " + lines[i]);
            }
        }
    }

    /**
     * Runs a two-client script: "A cmd ..." / "B cmd ..." sends on that client and reads one reply,
     * "A&lt;" reads one more (a pushed message); {@code !} marks a reply not to compare.
     */
    private static List<String> runTwoClients(int port, String script) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            a.command("FLUSHALL");
            a.readReply();
            for (String line : script.strip().split("\n")) {
                line = line.strip();
                RawClient c = line.charAt(0) == 'A' ? a : b;
                if (line.charAt(1) == '<') {
                    replies.add(c.readReply());
                    continue;
                }
                String cmd = line.substring(2).replace("! ", "");
                c.command(Differential.words(cmd));
                replies.add(c.readReply());
            }
        }
        return replies;
    }
}
