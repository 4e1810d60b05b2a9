package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CONFIG GET / SET / RESETSTAT / REWRITE. */
class ConfigCommandTest {

    @Test
    void getAcceptsSeveralPatternsAndReportsEachOptionOnce() {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis()) {
            Map<String, String> got = j.configGet("maxmemory", "maxmemory*", "hz");
            assertEquals("0", got.get("maxmemory"));
            assertEquals("noeviction", got.get("maxmemory-policy"));
            assertEquals("10", got.get("hz"));
            assertEquals(Map.of(), j.configGet("no-such-option"));
        }
    }

    @Test
    void getRepliesWithAMapInResp3() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); RawClient c = new RawClient(s.port())) {
            c.command("HELLO", "3");
            c.readReply();
            c.command("CONFIG", "GET", "hz");
            assertEquals("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", c.readReply());
        }
    }

    @Test
    void setSeveralPairsAppliesAllOfThem() {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis()) {
            assertEquals("OK", j.configSet(Map.of("maxmemory", "10mb", "hz", "20")));
            assertEquals("10485760", j.configGet("maxmemory").get("maxmemory"));
            assertEquals("20", j.configGet("hz").get("hz"));
        }
    }

    @Test
    void setIsAtomicWhenOneValueIsBad() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); RawClient c = new RawClient(s.port()); Jedis j = s.jedis()) {
            c.command("CONFIG", "SET", "hz", "30", "maxmemory", "lots");
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
                + "memory value\r\n", c.readReply());
            assertEquals("10", j.configGet("hz").get("hz"), "the first pair was rolled back");
        }
    }

    @Test
    void rdmaOptionsAreShownAndFixedAtStart() throws Exception {
        try (RkvTestServer s = RkvTestServer.start("--rdma-rx-size", "128kb", "--rdma-provider", "shm");
             RawClient c = new RawClient(s.port()); Jedis j = s.jedis()) {
            Map<String, String> got = j.configGet("rdma-*");
            assertEquals(Map.of("rdma-port", "0", "rdma-bind", "", "rdma-rx-size", "131072", "rdma-provider", "shm"), got);
            assertEquals(0, s.server().rdmaPort(), "rdma-port 0 is off");
            for (String[] kv : new String[][] {{"rdma-port", "6380"}, {"rdma-rx-size", "1mb"}, {"rdma-provider", "soft"},
                {"rdma-bind", "127.0.0.1"}}) {
                c.command("CONFIG", "SET", kv[0], kv[1]);
                assertEquals("-ERR CONFIG SET failed (possibly related to argument '" + kv[0] + "') - can't set "
                    + "immutable config\r\n", c.readReply());
            }
        }
    }

    @Test
    void rdmaOptionsOutOfRangeStopTheStart() {
        IllegalArgumentException rx = assertThrows(IllegalArgumentException.class,
            () -> RkvTestServer.start("--rdma-rx-size", "32kb"));
        assertTrue(rx.getMessage().contains("rdma-rx-size"), rx.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
            () -> RkvTestServer.start("--rdma-provider", "infiniband"));
        assertTrue(p.getMessage().contains("rdma-provider"), p.getMessage());
    }

    @Test
    void setErrorsUseRedisTexts() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); RawClient c = new RawClient(s.port())) {
            c.command("CONFIG", "SET", "foo", "bar");
            assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n", c.readReply());
            c.command("CONFIG", "SET", "databases", "3");
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable "
                + "config\r\n", c.readReply());
            c.command("CONFIG", "SET", "maxmemory", "1", "maxmemory", "2");
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n",
                c.readReply());
            c.command("CONFIG", "SET", "maxmemory", "1", "hz");
            assertEquals("-ERR syntax error\r\n", c.readReply());
            c.command("CONFIG", "SET", "maxmemory");
            assertEquals("-ERR wrong number of arguments for 'config|set' command\r\n", c.readReply());
            c.command("CONFIG", "FOO");
            assertEquals("-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n", c.readReply());
        }
    }

    @Test
    void requirepassSetAtRuntimeAppliesToNewConnectionsOnly() {
        try (RkvTestServer s = RkvTestServer.start(); Jedis before = s.jedis()) {
            before.ping();
            assertEquals("OK", before.configSet("requirepass", "secret"));
            assertEquals("PONG", before.ping(), "an existing connection stays authenticated");
            try (Jedis after = s.jedis()) {
                JedisDataException e = assertThrows(JedisDataException.class, after::ping);
                assertEquals("NOAUTH Authentication required.", e.getMessage());
                assertEquals("OK", after.auth("secret"));
                assertEquals("PONG", after.ping());
            }
        }
    }

    @Test
    void resetstatClearsCommandCounters() {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis()) {
            j.set("a", "1");
            j.get("a");
            assertTrue(j.info("commandstats").contains("cmdstat_get:calls=1,"));
            assertEquals("OK", j.configResetStat());
            String stats = j.info("commandstats");
            assertTrue(!stats.contains("cmdstat_get:"), stats);
        }
    }

    @Test
    void rewriteWithoutAConfigFileFails() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); RawClient c = new RawClient(s.port())) {
            c.command("CONFIG", "REWRITE");
            assertEquals("-ERR The server is running without a config file\r\n", c.readReply());
        }
    }

    @Test
    void rewritePersistsChangedValuesToTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rkv.conf");
        Files.writeString(file, "# my settings\nport 0\nsave \"\"\nhz 10\nloglevel warning\n");
        ServerConfig config = new ServerConfig();
        config.loadFile(file);
        try (RkvServer server = new RkvServer(config).start(); Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.configSet(Map.of("hz", "25", "maxmemory", "1mb"));
            assertEquals("OK", j.configRewrite());
        }
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.contains("# my settings"), lines.toString());
        assertTrue(lines.contains("hz 25"), lines.toString());
        assertTrue(lines.contains("maxmemory 1048576"), lines.toString());
        ServerConfig reloaded = new ServerConfig();
        reloaded.loadFile(file);
        assertEquals(25, reloaded.getInt("hz"));
    }

    /** What CONFIG SET set is what a restart from the rewritten file reads, byte for byte. */
    @Test
    void rewriteQuotesValuesSoThatARestartReadsThemBackExactly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rkv.conf");
        Files.writeString(file, "port 0\nsave \"\"\nrequirepass old\nloglevel warning\n");
        ServerConfig config = new ServerConfig();
        config.loadFile(file);
        Map<String, String> set = new java.util.LinkedHashMap<>();
        set.put("requirepass", "two  spaces \"quoted\" 'single' back\\slash #hash\ttab");
        set.put("masterauth", " leading and trailing ");
        set.put("masteruser", "");
        set.put("save", "900 1 300 10");
        set.put("client-output-buffer-limit", "normal 0 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60");
        try (RkvServer server = new RkvServer(config).start(); Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.auth("old");
            for (Map.Entry<String, String> e : set.entrySet()) {
                assertEquals("OK", j.configSet(e.getKey(), e.getValue()), e.getKey());
            }
            assertEquals("OK", j.configRewrite());
        }
        ServerConfig reloaded = new ServerConfig();
        reloaded.loadFile(file);
        for (Map.Entry<String, String> e : set.entrySet()) {
            assertEquals(config.getString(e.getKey()), reloaded.getString(e.getKey()), e.getKey() + " in " + Files.readString(file));
        }
        assertEquals(set.get("requirepass"), reloaded.getString("requirepass"));
        assertTrue(Files.readAllLines(file).contains("save 900 1 300 10"), Files.readString(file));
    }
}
