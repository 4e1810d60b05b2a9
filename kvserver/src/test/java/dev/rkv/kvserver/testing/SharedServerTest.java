package dev.rkv.kvserver.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * For behaviour tests of a command family: one in-process server per test class, and for each
 * test a fresh Jedis connection to an empty dataset.
 */
public abstract class SharedServerTest {
    protected static RkvTestServer server;
    protected Jedis jedis;

    @BeforeAll
    static void startSharedServer() {
        server = RkvTestServer.start();
    }

    @AfterAll
    static void stopSharedServer() {
        server.close();
    }

    @BeforeEach
    void connectToAnEmptyDataset() {
        jedis = server.jedis();
        jedis.flushAll();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    /** The command fails with exactly this error text. */
    protected static void assertError(String expected, Runnable command) {
        JedisDataException e = assertThrows(JedisDataException.class, command::run);
        assertEquals(expected, e.getMessage());
    }
}
