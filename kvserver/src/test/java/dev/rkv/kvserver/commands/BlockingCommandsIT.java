package dev.rkv.kvserver.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Blocking list commands with several clients, run the same way against redis-server 7.0 and
 * rkv, every reply compared: who is served first, what EXEC, CLIENT UNBLOCK, a type change or a
 * deletion do to a waiter, chains of BLMOVE, commands pipelined behind a blocked one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlockingCommandsIT {
    private RedisReference redis;
    private RkvTestServer rkv;

    @BeforeAll
    void start() throws Exception {
        redis = RedisReference.start();
        rkv = RkvTestServer.start();
    }

    @AfterAll
    void stop() {
        rkv.close();
        redis.close();
    }

    /** One scenario against one server, recording every reply it reads. */
    @FunctionalInterface
    private interface Scenario {
        void run(Session s) throws Exception;
    }

    private static final class Session implements AutoCloseable {
        final int port;
        final List<String> replies = new ArrayList<>();
        final List<RawClient> clients = new ArrayList<>();
        final RawClient control;

        Session(int port) throws IOException {
            this.port = port;
            this.control = new RawClient(port);
            control.call("FLUSHALL");
        }

        RawClient client() throws IOException {
            RawClient c = new RawClient(port);
            clients.add(c);
            return c;
        }

        /** Sends a command to {@code c} and records its reply. */
        void call(RawClient c, String... argv) throws IOException {
            c.command(argv);
            replies.add(c.readReply());
        }

        void read(RawClient c) throws IOException {
            replies.add(c.readReply());
        }

        /** Sends a blocking command and waits until the server counts {@code blocked} blocked clients. */
        void block(RawClient c, int blocked, String... argv) throws Exception {
            c.command(argv);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!control.call("INFO", "clients").contains("blocked_clients:" + blocked + "\r\n")) {
                assertTrue(System.nanoTime() < deadline, "client did not block: " + String.join(" ", argv));
                Thread.sleep(5);
            }
        }

        long id(RawClient c) throws IOException {
            String reply = c.call("CLIENT", "ID");
            return Long.parseLong(reply.substring(1).trim());
        }

        @Override
        public void close() throws IOException {
            for (RawClient c : clients) {
                c.close();
            }
            control.close();
        }
    }

    private void sameOnBoth(Scenario scenario) throws Exception {
        List<String> expected;
        try (Session s = new Session(redis.port())) {
            scenario.run(s);
            expected = s.replies;
        }
        try (Session s = new Session(rkv.port())) {
            scenario.run(s);
            assertEquals(expected, s.replies);
        }
    }

    @Test
    void waitersAreServedInTheOrderTheyBlocked() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            RawClient c = s.client();
            s.block(a, 1, "BLPOP", "k", "0");
            s.block(b, 2, "BRPOP", "other", "k", "0");
            s.block(c, 3, "BLPOP", "k", "0");
            s.call(s.control, "RPUSH", "k", "1", "2");
            s.read(a);
            s.read(b);
            s.call(s.control, "LLEN", "k");
            s.call(s.control, "RPUSH", "other", "x");
            s.call(s.control, "RPUSH", "k", "3");
            s.read(c);
        });
    }

    @Test
    void aTransactionWakesWaitersWithWhatIsLeftAfterExec() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            s.block(a, 1, "BLPOP", "k", "0");
            s.call(s.control, "MULTI");
            s.call(s.control, "RPUSH", "k", "x");
            s.call(s.control, "RPUSH", "k", "y");
            s.call(s.control, "LPOP", "k");
            s.call(s.control, "EXEC");
            s.read(a);
            s.call(s.control, "EXISTS", "k");
        });
    }

    @Test
    void clientUnblockAnswersTimeoutOrError() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            long id = s.id(a);
            s.block(a, 1, "BLPOP", "k", "0");
            s.call(s.control, "CLIENT", "UNBLOCK", Long.toString(id));
            s.read(a);
            s.block(a, 1, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
            s.call(s.control, "CLIENT", "UNBLOCK", Long.toString(id), "ERROR");
            s.read(a);
            s.call(s.control, "CLIENT", "UNBLOCK", Long.toString(id));
            s.call(s.control, "CLIENT", "UNBLOCK", "999999");
        });
    }

    @Test
    void aWaiterOutlivesTypeChangesAndDeletions() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            s.block(a, 1, "BLPOP", "k", "0");
            s.call(s.control, "SET", "k", "string");
            s.call(s.control, "DEL", "k");
            s.call(s.control, "SADD", "k", "member");
            s.call(s.control, "DEL", "k");
            s.call(s.control, "RPUSH", "k", "finally");
            s.read(a);
        });
    }

    @Test
    void aServedMoveWakesTheWaiterOfItsDestination() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            s.block(a, 1, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
            s.block(b, 2, "BLPOP", "dst", "0");
            s.call(s.control, "RPUSH", "src", "x", "y");
            s.read(a);
            s.read(b);
            s.call(s.control, "LRANGE", "src", "0", "-1");
            s.call(s.control, "EXISTS", "dst");
        });
    }

    @Test
    void commandsPipelinedBehindABlockedOneWaitTheirTurn() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            a.send("BLPOP k 0\r\nPING\r\nECHO after\r\n");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!s.control.call("INFO", "clients").contains("blocked_clients:1\r\n")) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(5);
            }
            assertTrue(a.silentFor(100), "nothing is answered while blocked");
            s.call(s.control, "RPUSH", "k", "v");
            s.read(a);
            s.read(a);
            s.read(a);
        });
    }

    @Test
    void timeoutsAndMultiPops() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            s.call(a, "BLPOP", "k", "0.05");
            s.call(a, "BLMPOP", "0.05", "1", "k", "LEFT");
            s.call(a, "BRPOPLPUSH", "k", "d", "0.05");
            s.block(a, 1, "BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2");
            s.call(s.control, "RPUSH", "k2", "a", "b", "c");
            s.read(a);
            s.call(s.control, "LRANGE", "k2", "0", "-1");
            s.call(a, "HELLO", "3");
            s.replies.remove(s.replies.size() - 1);
            s.call(a, "BLPOP", "k", "0.05");
            s.call(a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0.05");
        });
    }

    @Test
    void sortedSetWaitersGetTheLowestOrHighestMember() throws Exception {
        sameOnBoth(s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            s.block(a, 1, "BZPOPMIN", "z", "0");
            s.block(b, 2, "BZMPOP", "0", "2", "y", "z", "MAX", "COUNT", "5");
            s.call(s.control, "ZADD", "z", "3", "c", "1", "a", "2", "b");
            s.read(a);
            s.read(b);
            s.call(s.control, "EXISTS", "z");
            s.call(a, "BZPOPMAX", "z", "0.05");
        });
    }
}
