package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MULTI EXEC DISCARD WATCH UNWATCH over real sockets. */
class TransactionCommandsTest {
    private static RkvTestServer server;

    @BeforeAll
    static void start() {
        server = RkvTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = server.jedis()) {
            j.flushAll();
        }
    }

    @Test
    void execRunsQueuedCommandsInOrderAndRepliesWithEachResult() {
        try (Jedis j = server.jedis()) {
            Transaction t = j.multi();
            t.set("k", "1");
            t.incr("k");
            t.get("k");
            assertEquals(List.of("OK", 2L, "2"), t.exec());
        }
    }

    @Test
    void commandsAreQueuedNotRunUntilExec() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis other = server.jedis()) {
            c.command("MULTI");
            assertEquals("+OK\r\n", c.readReply());
            c.command("SET", "k", "v");
            assertEquals("+QUEUED\r\n", c.readReply());
            assertNull(other.get("k"));
            c.command("EXEC");
            assertEquals("*1\r\n+OK\r\n", c.readReply());
            assertEquals("v", other.get("k"));
        }
    }

    @Test
    void touchedWatchedKeyMakesExecReturnNullArray() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis other = server.jedis()) {
            c.command("WATCH", "k");
            assertEquals("+OK\r\n", c.readReply());
            other.set("k", "changed");
            c.command("MULTI");
            c.readReply();
            c.command("SET", "k", "mine");
            c.readReply();
            c.command("EXEC");
            assertEquals("*-1\r\n", c.readReply());
            assertEquals("changed", other.get("k"));
        }
    }

    @Test
    void touchAfterMultiAlsoAbortsAndUntouchedWatchSucceeds() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis other = server.jedis()) {
            c.command("WATCH", "k");
            c.readReply();
            c.command("MULTI");
            c.readReply();
            other.set("k", "changed");
            c.command("EXEC");
            assertEquals("*-1\r\n", c.readReply());
            c.command("WATCH", "k");
            c.readReply();
            other.set("unrelated", "x");
            c.command("MULTI");
            c.readReply();
            c.command("GET", "k");
            c.readReply();
            c.command("EXEC");
            assertEquals("*1\r\n$7\r\nchanged\r\n", c.readReply());
        }
    }

    @Test
    void unwatchAndDiscardForgetTheTouch() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis other = server.jedis()) {
            c.command("WATCH", "k");
            c.readReply();
            other.set("k", "x");
            c.command("UNWATCH");
            assertEquals("+OK\r\n", c.readReply());
            c.command("MULTI");
            c.readReply();
            c.command("EXEC");
            assertEquals("*0\r\n", c.readReply());
            c.command("WATCH", "k");
            c.readReply();
            other.set("k", "y");
            c.command("MULTI");
            c.readReply();
            c.command("DISCARD");
            assertEquals("+OK\r\n", c.readReply());
            c.command("MULTI");
            c.readReply();
            c.command("EXEC");
            assertEquals("*0\r\n", c.readReply());
        }
    }

    @Test
    void watchedKeyThatExpiresBeforeExecAbortsIt() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis other = server.jedis()) {
            other.psetex("k", 50, "v");
            c.command("WATCH", "k");
            c.readReply();
            long deadline = System.currentTimeMillis() + 5000;
            while (other.pttl("k") > 0 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            c.command("MULTI");
            c.readReply();
            c.command("PING");
            c.readReply();
            c.command("EXEC");
            assertEquals("*-1\r\n", c.readReply());
        }
    }

    @Test
    void queueingErrorAbortsExecWithExecabort() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("MULTI");
            c.readReply();
            c.command("SET", "k", "v");
            c.readReply();
            c.command("NOSUCHCOMMAND");
            assertEquals("-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: \r\n", c.readReply());
            c.command("GET");
            assertEquals("-ERR wrong number of arguments for 'get' command\r\n", c.readReply());
            c.command("EXEC");
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", c.readReply());
            c.command("EXISTS", "k");
            assertEquals(":0\r\n", c.readReply());
        }
    }

    @Test
    void controlErrorsUseRedisTexts() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("EXEC");
            assertEquals("-ERR EXEC without MULTI\r\n", c.readReply());
            c.command("DISCARD");
            assertEquals("-ERR DISCARD without MULTI\r\n", c.readReply());
            c.command("MULTI");
            c.readReply();
            c.command("MULTI");
            assertEquals("-ERR MULTI calls can not be nested\r\n", c.readReply());
            c.command("WATCH", "x");
            assertEquals("-ERR WATCH inside MULTI is not allowed\r\n", c.readReply());
            c.command("EXEC");
            assertEquals("*0\r\n", c.readReply(), "neither error aborts the transaction");
        }
    }

    @Test
    void runtimeErrorInsideExecDoesNotStopTheOtherCommands() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("SET", "s", "abc");
            c.readReply();
            c.command("MULTI");
            c.readReply();
            c.command("INCR", "s");
            c.readReply();
            c.command("SET", "t", "1");
            c.readReply();
            c.command("EXEC");
            assertEquals("*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n", c.readReply());
        }
    }

    @Test
    void execAbortedByWatchIsNullInResp3() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis other = server.jedis()) {
            c.command("HELLO", "3");
            c.readReply();
            c.command("WATCH", "k");
            c.readReply();
            other.set("k", "1");
            c.command("MULTI");
            c.readReply();
            c.command("EXEC");
            assertEquals("_\r\n", c.readReply());
        }
    }

    @Test
    void execPropagatesItsWritesWrappedInMultiExec() throws Exception {
        try (RkvTestServer own = RkvTestServer.start(); Jedis j = own.jedis()) {
            List<String> effects = Collections.synchronizedList(new ArrayList<>());
            own.server().call(() -> {
                own.server().context().propagator((db, effect) -> effects.add(db + " " + words(effect)));
                return null;
            });
            Transaction t = j.multi();
            t.set("a", "1");
            t.get("a");
            t.set("b", "2");
            t.exec();
            assertEquals(4, effects.size(), effects.toString());
            assertEquals("0 MULTI", effects.get(0));
            assertTrue(effects.get(1).startsWith("0 SET a 1"), effects.toString());
            assertTrue(effects.get(2).startsWith("0 SET b 2"), effects.toString());
            assertEquals("0 EXEC", effects.get(3));
            effects.clear();
            t = j.multi();
            t.set("c", "3");
            t.get("c");
            t.exec();
            assertEquals(1, effects.size(), "a single write goes out alone: " + effects);
            effects.clear();
            j.multi().exec();
            assertEquals(List.of(), effects);
        }
    }

    private static String words(byte[][] effect) {
        StringBuilder b = new StringBuilder();
        for (byte[] w : effect) {
            b.append(b.length() == 0 ? "" : " ").append(new String(w, StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
