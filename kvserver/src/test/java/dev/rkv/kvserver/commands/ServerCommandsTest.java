package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INFO TIME LASTSAVE SHUTDOWN DEBUG and INFO sections contributed by other components. */
class ServerCommandsTest {
    private static RkvTestServer server;

    @BeforeAll
    static void start() {
        server = RkvTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Parses INFO text strictly: "# Title" headers, "name:value" lines, blank lines between sections. */
    private static Map<String, Map<String, String>> parseInfo(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : text.split("\r\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# ")) {
                current = new LinkedHashMap<>();
                sections.put(line.substring(2), current);
                continue;
            }
            int colon = line.indexOf(':');
            assertTrue(current != null && colon > 0, "not a field line: " + line);
            current.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return sections;
    }

    @Test
    void defaultInfoHasRedisSectionsAndFieldsToolsParse() {
        try (Jedis j = server.jedis()) {
            j.set("k1", "v");
            j.psetex("k2", 100_000, "v");
            j.get("k1");
            j.get("missing");
            String text = j.info();
            assertTrue(text.endsWith("\r\n") && !text.endsWith("\r\n\r\n"), "trailing line ends");
            Map<String, Map<String, String>> info = parseInfo(text);
            assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                "Errorstats", "Cluster", "Keyspace"), new ArrayList<>(info.keySet()));
            Map<String, String> srv = info.get("Server");
            assertEquals(ConnectionCommands.REDIS_VERSION, srv.get("redis_version"));
            assertEquals("standalone", srv.get("redis_mode"));
            assertEquals(Integer.toString(server.port()), srv.get("tcp_port"));
            assertEquals(Long.toString(ProcessHandle.current().pid()), srv.get("process_id"));
            assertEquals(40, srv.get("run_id").length());
            for (String f : List.of("rkv_version", "os", "arch_bits", "uptime_in_seconds", "uptime_in_days", "hz")) {
                assertTrue(srv.containsKey(f), f);
            }
            assertTrue(Long.parseLong(info.get("Clients").get("connected_clients")) >= 1);
            assertEquals("10000", info.get("Clients").get("maxclients"));
            Map<String, String> mem = info.get("Memory");
            assertTrue(Long.parseLong(mem.get("used_memory")) > 0);
            assertTrue(mem.get("used_memory_human").matches("[0-9.]+[BKMGTP]"), mem.get("used_memory_human"));
            assertEquals("0", mem.get("maxmemory"));
            Double.parseDouble(mem.get("mem_fragmentation_ratio"));
            assertEquals("0", info.get("Persistence").get("loading"));
            assertEquals("0", info.get("Persistence").get("aof_enabled"));
            assertTrue(Long.parseLong(info.get("Persistence").get("rdb_changes_since_last_save")) >= 2);
            Map<String, String> stats = info.get("Stats");
            assertTrue(Long.parseLong(stats.get("keyspace_hits")) >= 1);
            assertTrue(Long.parseLong(stats.get("keyspace_misses")) >= 1);
            assertTrue(Long.parseLong(stats.get("total_commands_processed")) >= 4);
            assertEquals("master", info.get("Replication").get("role"));
            assertEquals("0", info.get("Replication").get("connected_slaves"));
            Double.parseDouble(info.get("CPU").get("used_cpu_user"));
            Double.parseDouble(info.get("CPU").get("used_cpu_sys"));
            assertEquals("keys=2,expires=1,avg_ttl=0", info.get("Keyspace").get("db0"));
        }
    }

    @Test
    void infoSelectsSectionsCaseInsensitivelyAndAllAddsCommandstats() throws Exception {
        try (Jedis j = server.jedis(); RawClient c = new RawClient(server.port())) {
            j.get("x");
            c.command("INFO", "keyspace", "SERVER", "nosuch");
            String reply = c.readReply();
            String text = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
            assertEquals(List.of("Server", "Keyspace"), new ArrayList<>(parseInfo(text).keySet()),
                "Redis's order, whatever the order asked");
            Map<String, Map<String, String>> all = parseInfo(j.info("all"));
            assertTrue(all.containsKey("Commandstats"));
            assertTrue(all.get("Commandstats").get("cmdstat_get").matches(
                "calls=\\d+,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0"),
                all.get("Commandstats").toString());
            assertEquals("", j.info("nosuch"));
            assertEquals(parseInfo(j.info("everything")).keySet(), all.keySet());
        }
    }

    @Test
    void commandstatsCountRejectedAndFailedCallsAsRedis() throws Exception {
        try (RkvTestServer own = RkvTestServer.start(); RawClient c = new RawClient(own.port()); Jedis j = own.jedis()) {
            for (String[] cmd : new String[][] {{"SET", "s", "abc"}, {"GET"}, {"INCR", "s"}, {"MULTI"}, {"INCR", "s"},
                {"EXEC"}, {"MULTI"}, {"GET"}, {"EXEC"}}) {
                c.command(cmd);
                c.readReply();
            }
            Map<String, String> stats = parseInfo(j.info("commandstats")).get("Commandstats");
            assertTrue(stats.get("cmdstat_get").endsWith("rejected_calls=2,failed_calls=0"), stats.toString());
            assertTrue(stats.get("cmdstat_incr").endsWith("rejected_calls=0,failed_calls=2"), stats.toString());
            assertTrue(stats.get("cmdstat_exec").startsWith("calls=2,"), stats.toString());
            assertTrue(stats.get("cmdstat_exec").endsWith("rejected_calls=0,failed_calls=1"), stats.toString());
            Map<String, String> errors = parseInfo(j.info("errorstats")).get("Errorstats");
            assertEquals(Map.of("errorstat_ERR", "count=4", "errorstat_EXECABORT", "count=1"), errors);
            assertTrue(j.info("stats").contains("total_error_replies:5\r\n"));
        }
    }

    @Test
    void infoIsAVerbatimStringInResp3() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("HELLO", "3");
            c.readReply();
            c.command("INFO", "cluster");
            assertEquals("=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n", c.readReply());
        }
    }

    @Test
    void contributedSectionsExtendAndRefineTheStandardOnes() throws Exception {
        try (RkvTestServer own = RkvTestServer.start(); Jedis j = own.jedis()) {
            own.server().call(() -> {
                own.server().context().info().contribute("replication", f -> f.put("master_repl_offset", 42));
                own.server().context().info().contribute("accelerator", f -> f.put("rdma_provider", "soft"));
                return null;
            });
            Map<String, Map<String, String>> info = parseInfo(j.info("replication"));
            info.putAll(parseInfo(j.info("accelerator")));
            assertEquals("42", info.get("Replication").get("master_repl_offset"));
            assertEquals("master", info.get("Replication").get("role"));
            assertEquals("soft", info.get("Accelerator").get("rdma_provider"));
            assertTrue(!parseInfo(j.info()).containsKey("Accelerator"), "contributed sections are not in the default set");
        }
    }

    @Test
    void humanSizesFollowRedis() {
        assertEquals("0B", InfoFields.human(0));
        assertEquals("1023B", InfoFields.human(1023));
        assertEquals("1.00K", InfoFields.human(1024));
        assertEquals("895.35K", InfoFields.human(916840));
        assertEquals("1.50M", InfoFields.human(1572864));
    }

    @Test
    void timeIsSecondsAndMicrosecondsAsBulkStrings() {
        try (Jedis j = server.jedis()) {
            List<String> t = j.time();
            long now = System.currentTimeMillis() / 1000;
            assertTrue(Math.abs(Long.parseLong(t.get(0)) - now) <= 2, t.toString());
            long micros = Long.parseLong(t.get(1));
            assertTrue(micros >= 0 && micros < 1_000_000, t.toString());
            assertTrue(Math.abs(j.lastsave() - now) < 3600);
        }
    }

    @Test
    void shutdownArgumentErrors() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("SHUTDOWN", "foo");
            assertEquals("-ERR syntax error\r\n", c.readReply());
            c.command("SHUTDOWN", "NOSAVE", "SAVE");
            assertEquals("-ERR syntax error\r\n", c.readReply());
            c.command("SHUTDOWN", "ABORT", "NOW");
            assertEquals("-ERR syntax error\r\n", c.readReply());
            c.command("SHUTDOWN", "ABORT");
            assertEquals("-ERR No shutdown in progress.\r\n", c.readReply());
            c.command("MULTI");
            c.readReply();
            c.command("SHUTDOWN");
            assertEquals("-ERR Command not allowed inside a transaction\r\n", c.readReply());
        }
    }

    @Test
    void shutdownNosaveStopsTheServerAndClosesConnections() throws Exception {
        RkvTestServer own = RkvTestServer.start();
        try (RawClient c = new RawClient(own.port())) {
            c.command("SHUTDOWN", "NOSAVE");
            assertTrue(c.closedByServer());
            own.server().awaitTermination();
        } finally {
            own.close();
        }
    }

    @Test
    void monitorSeesOtherClientsCommandsButNotAdminOnes() throws Exception {
        try (RkvTestServer own = RkvTestServer.start(); RawClient m = new RawClient(own.port()); Jedis j = own.jedis()) {
            m.command("MONITOR");
            assertEquals("+OK\r\n", m.readReply());
            assertTrue(j.clientList().contains(" flags=O "), "a monitor is listed with flag O");
            j.configGet("hz");
            j.set("key", "va\"lue");
            String line = m.readReply();
            while (line.contains("\"CLIENT\"") || line.contains("\"HELLO\"")) {
                line = m.readReply(); // Jedis's connection set-up, if it sends any
            }
            assertTrue(line.matches("\\+\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+] \"SET\" \"key\" \"va\\\\\"lue\"\r\n"),
                line);
        }
    }

    @Test
    void debugIsRefusedWhenDisabled() throws Exception {
        try (RkvTestServer own = RkvTestServer.start("--enable-debug-command", "no");
             RawClient c = new RawClient(own.port())) {
            c.command("DEBUG", "SLEEP", "0");
            assertTrue(c.readReply().startsWith("-ERR DEBUG command not allowed. If the enable-debug-command option"));
        }
    }

    @Test
    void debugSleepAndUnknownSubcommand() throws Exception {
        try (RkvTestServer own = RkvTestServer.start("--enable-debug-command", "local");
             RawClient c = new RawClient(own.port())) {
            c.command("DEBUG", "SLEEP", "0.01");
            assertEquals("+OK\r\n", c.readReply());
            c.command("DEBUG", "NOPE");
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP.\r\n",
                c.readReply());
        }
    }
}
