package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.SharedServerTest;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of OBJECT over a real socket with Jedis. */
class ObjectCommandsTest extends SharedServerTest {

    @Test
    void encodingOfOtherTypesFallsBackToTheirGeneralEncoding() {
        KeyCommandsTest.putList(server, "l");
        assertEquals("quicklist", jedis.objectEncoding("l"));
    }

    @Test
    void objectReportsEncodingRefcountAndRefusesFreqWithoutLfu() {
        jedis.set("int", "123");
        jedis.set("emb", "hello");
        jedis.set("raw", "x".repeat(45));
        assertEquals("int", jedis.objectEncoding("int"));
        assertEquals("embstr", jedis.objectEncoding("emb"));
        assertEquals("raw", jedis.objectEncoding("raw"));
        assertNull(jedis.objectEncoding("missing"));
        assertEquals(Integer.MAX_VALUE, jedis.objectRefcount("int"));
        assertEquals(1L, jedis.objectRefcount("emb"));
        assertError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
            + "when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            () -> jedis.objectFreq("int"));
        assertTrue(jedis.objectHelp().get(0).startsWith("OBJECT <subcommand>"));
    }

    @Test
    void objectFreqCountsAccessesUnderAnLfuPolicy() {
        setPolicy("allkeys-lfu");
        try {
            jedis.set("k", "v");
            assertEquals(5L, jedis.objectFreq("k"));
            for (int i = 0; i < 100; i++) {
                jedis.get("k");
            }
            assertTrue(jedis.objectFreq("k") > 5L);
            assertThrows(JedisDataException.class, () -> jedis.objectIdletime("k"));
        } finally {
            setPolicy("noeviction");
        }
    }

    private static void setPolicy(String policy) {
        try {
            server.server().call(() -> {
                server.server().config().set("maxmemory-policy", policy);
                return null;
            });
        } catch (Exception e) {
            throw new AssertionError("could not set maxmemory-policy", e);
        }
    }

    @Test
    void lfuCounterGrowsLogarithmicallyWithAccesses() {
        assertEquals(5, ObjectCommands.lfuCounter(0));
        assertEquals(6, ObjectCommands.lfuCounter(1));
        assertEquals(7, ObjectCommands.lfuCounter(12));
        assertEquals(255, ObjectCommands.lfuCounter(Long.MAX_VALUE));
    }

    @Test
    void objectWithoutSubcommandOrKeyAnswersArityErrors() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.command("OBJECT");
            assertEquals("-ERR wrong number of arguments for 'object' command\r\n", raw.readReply());
            raw.command("OBJECT", "ENCODING");
            assertEquals("-ERR wrong number of arguments for 'object|encoding' command\r\n", raw.readReply());
            raw.command("OBJECT", "NOPE", "k");
            assertEquals("-ERR unknown subcommand 'NOPE'. Try OBJECT HELP.\r\n", raw.readReply());
        }
    }
}
