package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static redis.clients.jedis.params.CommandListFilterByParams.commandListFilterByParams;

/** COMMAND COUNT / INFO / DOCS / LIST / GETKEYS, fed by the command table. */
class CommandCommandTest {
    private static RkvTestServer server;

    @BeforeAll
    static void start() {
        server = RkvTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void infoOfGetIsRedis7Format() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("COMMAND", "INFO", "get", "nosuch");
            assertEquals("*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
                + "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
                + "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n"
                + "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n"
                + "$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n$-1\r\n", c.readReply());
        }
    }

    @Test
    void infoOfASubcommandUsesItsFullNameAndDerivedCategories() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("HELLO", "3");
            c.readReply();
            c.command("COMMAND", "INFO", "CONFIG|GET");
            assertEquals("*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n"
                + ":0\r\n:0\r\n:0\r\n~3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n~0\r\n~0\r\n~0\r\n", c.readReply());
        }
    }

    @Test
    void countListAndDocsCoverTheTable() {
        try (Jedis j = server.jedis()) {
            long count = j.commandCount();
            assertEquals(server.server().context().commands().size(), count);
            List<String> names = j.commandList();
            assertTrue(names.containsAll(List.of("get", "multi", "config", "config|get", "client|kill")), names.toString());
            assertEquals(List.of("config|get"), j.commandListFilterBy(
                commandListFilterByParams().filterByPattern("conf*get")));
            List<String> pubsub = j.commandListFilterBy(
                commandListFilterByParams().filterByAclCat("pubsub"));
            assertTrue(pubsub.contains("publish") && !pubsub.contains("get"), pubsub.toString());
            assertEquals("Get the value of a key", j.commandDocs("get").get("get").getSummary());
        }
    }

    @Test
    void getkeysUsesKeyPositions() throws Exception {
        try (Jedis j = server.jedis(); RawClient c = new RawClient(server.port())) {
            assertEquals(List.of("a", "c"), j.commandGetKeys("mset", "a", "b", "c", "d"));
            assertEquals(List.of("k"), j.commandGetKeys("set", "k", "v", "EX", "10"));
            c.command("COMMAND", "GETKEYS", "nosuch", "a");
            assertEquals("-ERR Invalid command specified\r\n", c.readReply());
            c.command("COMMAND", "GETKEYS", "get", "a", "b");
            assertEquals("-ERR Invalid number of arguments specified for command\r\n", c.readReply());
            c.command("COMMAND", "GETKEYS", "ping", "x");
            assertEquals("-ERR The command has no key arguments\r\n", c.readReply());
            c.command("COMMAND", "LIST", "FILTERBY", "color", "red");
            assertEquals("-ERR syntax error\r\n", c.readReply());
        }
    }
}
