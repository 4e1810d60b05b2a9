package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLIENT ID / SETNAME / GETNAME / LIST / INFO / KILL / NO-EVICT / SETINFO. */
class ClientCommandTest {
    private static RkvTestServer server;

    @BeforeAll
    static void start() {
        server = RkvTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The fields of one CLIENT LIST / CLIENT INFO line. */
    private static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        for (String kv : line.trim().split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    @Test
    void nameIsSetReadAndValidated() throws Exception {
        try (Jedis j = server.jedis(); RawClient c = new RawClient(server.port())) {
            assertNull(j.clientGetname());
            assertEquals("OK", j.clientSetname("worker-1"));
            assertEquals("worker-1", j.clientGetname());
            c.command("CLIENT", "SETNAME", "a b");
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", c.readReply());
            c.command("CLIENT", "GETNAME");
            assertEquals("$-1\r\n", c.readReply());
        }
    }

    @Test
    void infoDescribesTheCurrentConnectionInRedisFormat() {
        try (Jedis j = server.jedis()) {
            j.clientSetname("me");
            j.select(3);
            long id = j.clientId();
            String line = j.clientInfo();
            assertTrue(line.endsWith("\n"), line);
            Map<String, String> f = fields(line);
            assertEquals(Long.toString(id), f.get("id"));
            assertEquals("me", f.get("name"));
            assertEquals("3", f.get("db"));
            assertEquals("N", f.get("flags"));
            assertEquals("client|info", f.get("cmd"));
            assertEquals("-1", f.get("multi"));
            assertEquals("2", f.get("resp"));
            assertEquals("default", f.get("user"));
            for (String k : new String[] {"addr", "laddr", "fd", "age", "idle", "sub", "psub", "ssub", "qbuf",
                "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events", "redir"}) {
                assertTrue(f.containsKey(k), k + " missing in " + line);
            }
        }
    }

    @Test
    void listShowsEveryClientAndFiltersByTypeAndId() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = new RawClient(server.port())) {
            sub.command("CLIENT", "ID");
            long subId = Long.parseLong(sub.readReply().substring(1).trim());
            sub.command("SUBSCRIBE", "ch");
            sub.readReply();
            String all = j.clientList();
            assertTrue(all.contains("id=" + subId + " "), all);
            String pubsub = j.clientList(ClientType.PUBSUB);
            Map<String, String> f = fields(pubsub);
            assertEquals(Long.toString(subId), f.get("id"));
            assertEquals("P", f.get("flags"));
            assertEquals("1", f.get("sub"));
            assertEquals(subId + "", fields(j.clientList(subId)).get("id"));
        }
    }

    @Test
    void listAndKillErrorsUseRedisTexts() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("CLIENT", "LIST", "TYPE", "foo");
            assertEquals("-ERR Unknown client type 'foo'\r\n", c.readReply());
            c.command("CLIENT", "LIST", "ID", "abc");
            assertEquals("-ERR Invalid client ID\r\n", c.readReply());
            c.command("CLIENT", "LIST", "foo");
            assertEquals("-ERR syntax error\r\n", c.readReply());
            c.command("CLIENT", "KILL", "1.2.3.4:5");
            assertEquals("-ERR No such client\r\n", c.readReply());
            c.command("CLIENT", "KILL", "ID", "abc");
            assertEquals("-ERR client-id should be greater than 0\r\n", c.readReply());
            c.command("CLIENT", "KILL", "ID", "999999");
            assertEquals(":0\r\n", c.readReply());
            c.command("CLIENT", "KILL", "SKIPME", "maybe");
            assertEquals("-ERR syntax error\r\n", c.readReply());
            c.command("CLIENT", "NO-EVICT", "maybe");
            assertEquals("-ERR syntax error\r\n", c.readReply());
        }
    }

    @Test
    void killByIdClosesTheVictim() throws Exception {
        try (Jedis j = server.jedis(); RawClient victim = new RawClient(server.port())) {
            victim.command("CLIENT", "ID");
            String id = victim.readReply().substring(1).trim();
            assertEquals(1L, j.clientKill(new ClientKillParams().id(id)));
            assertTrue(victim.closedByServer());
        }
    }

    @Test
    void killByAddressOldFormClosesTheVictimAndSkipmeProtectsTheCaller() throws Exception {
        try (Jedis j = server.jedis(); RawClient victim = new RawClient(server.port())) {
            victim.command("CLIENT", "INFO");
            String addr = fields(victim.readReply().split("\r\n")[1]).get("addr");
            assertEquals("OK", j.clientKill(addr));
            assertTrue(victim.closedByServer());
            String mine = fields(j.clientInfo()).get("addr");
            assertEquals(0L, j.clientKill(new ClientKillParams().addr(mine)));
            assertEquals("PONG", j.ping());
        }
    }

    @Test
    void setinfoIsAcceptedAsJedisSendsIt() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("CLIENT", "SETINFO", "LIB-NAME", "mylib");
            assertEquals("+OK\r\n", c.readReply());
            c.command("CLIENT", "SETINFO", "LIB-VER", "1.2");
            assertEquals("+OK\r\n", c.readReply());
            c.command("CLIENT", "SETINFO", "COLOR", "red");
            assertEquals("-ERR Unrecognized option 'COLOR'\r\n", c.readReply());
        }
    }

    @Test
    void multiAndDirtyFlagsShowInTheList() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis j = server.jedis()) {
            c.command("WATCH", "w");
            c.readReply();
            j.set("w", "1");
            c.command("MULTI");
            c.readReply();
            c.command("SET", "x", "y");
            c.readReply();
            c.command("CLIENT", "ID");
            c.readReply();
            String list = j.clientList();
            String line = list.lines().filter(l -> l.contains("multi=2")).findFirst().orElseThrow();
            assertEquals("xd", fields(line).get("flags"), line);
        }
    }

    @Test
    void replyOffSilencesRepliesButNotPubSubMessages() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis j = server.jedis()) {
            c.command("HELLO", "3");
            c.readReply();
            c.command("SUBSCRIBE", "quiet");
            c.readReply();
            c.command("CLIENT", "REPLY", "OFF");
            c.command("SET", "r", "1");
            assertEquals(1, j.publish("quiet", "still delivered"));
            assertEquals(">3\r\n$7\r\nmessage\r\n$5\r\nquiet\r\n$15\r\nstill delivered\r\n", c.readReply());
            c.command("CLIENT", "REPLY", "ON");
            assertEquals("+OK\r\n", c.readReply());
            assertEquals("1", j.get("r"), "commands still run while replies are off");
        }
    }
}
