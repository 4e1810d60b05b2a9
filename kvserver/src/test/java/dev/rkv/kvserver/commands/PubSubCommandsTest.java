package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, in RESP2 and RESP3. */
class PubSubCommandsTest {
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
    void resp2SubscriberGetsConfirmationsAndMessagesAsArrays() throws Exception {
        try (RawClient sub = new RawClient(server.port()); Jedis pub = server.jedis()) {
            sub.command("SUBSCRIBE", "a", "b");
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", sub.readReply());
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n", sub.readReply());
            sub.command("PSUBSCRIBE", "h?llo");
            assertEquals("*3\r\n$10\r\npsubscribe\r\n$5\r\nh?llo\r\n:3\r\n", sub.readReply());
            assertEquals(1, pub.publish("a", "m1"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nm1\r\n", sub.readReply());
            assertEquals(1, pub.publish("hello", "m2"));
            assertEquals("*4\r\n$8\r\npmessage\r\n$5\r\nh?llo\r\n$5\r\nhello\r\n$2\r\nm2\r\n", sub.readReply());
            assertEquals(0, pub.publish("nobody", "m3"));
        }
    }

    @Test
    void resp2SubscribedClientMayOnlyRunSubscriptionCommands() throws Exception {
        try (RawClient sub = new RawClient(server.port())) {
            sub.command("SUBSCRIBE", "x");
            sub.readReply();
            sub.command("GET", "k");
            assertEquals("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                + "are allowed in this context\r\n", sub.readReply());
            sub.command("PING");
            assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", sub.readReply());
            sub.command("UNSUBSCRIBE");
            assertEquals("*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:0\r\n", sub.readReply());
            sub.command("GET", "k");
            assertEquals("$-1\r\n", sub.readReply());
        }
    }

    @Test
    void resp3SubscriberGetsPushesAndMayRunAnyCommand() throws Exception {
        try (RawClient sub = new RawClient(server.port()); Jedis pub = server.jedis()) {
            sub.command("HELLO", "3");
            sub.readReply();
            sub.command("SUBSCRIBE", "news");
            assertEquals(">3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n", sub.readReply());
            sub.command("PSUBSCRIBE", "n*");
            assertEquals(">3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n", sub.readReply());
            assertEquals(2, pub.publish("news", "hi"), "one channel and one pattern subscription");
            assertEquals(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n", sub.readReply());
            assertEquals(">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n", sub.readReply());
            sub.command("GET", "missing");
            assertEquals("_\r\n", sub.readReply());
            sub.command("PUBLISH", "news", "self");
            assertEquals(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$4\r\nself\r\n", sub.readReply());
            assertEquals(">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$4\r\nself\r\n", sub.readReply());
            assertEquals(":2\r\n", sub.readReply());
            sub.command("PUNSUBSCRIBE");
            assertEquals(">3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:1\r\n", sub.readReply());
        }
    }

    @Test
    void shardChannelsAreANamespaceOfTheirOwn() throws Exception {
        try (RkvTestServer own = RkvTestServer.start(); RawClient sub = new RawClient(own.port());
             Jedis pub = own.jedis()) {
            sub.command("SSUBSCRIBE", "s1");
            assertEquals("*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n", sub.readReply());
            sub.command("SUBSCRIBE", "s1");
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$2\r\ns1\r\n:1\r\n", sub.readReply(), "counted apart");
            assertEquals(1L, pub.sendCommand(() -> Args.bytes("SPUBLISH"), "s1", "shard"));
            assertEquals("*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$5\r\nshard\r\n", sub.readReply());
            assertEquals(1, pub.publish("s1", "plain"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$2\r\ns1\r\n$5\r\nplain\r\n", sub.readReply());
            assertEquals(List.of("s1"), pub.pubsubShardChannels());
            assertEquals(Map.of("s1", 1L), pub.pubsubShardNumSub("s1"));
            assertTrue(pub.clientList().contains(" sub=1 psub=0 ssub=1 "));
            assertTrue(pub.info("stats").contains("pubsubshard_channels:1\r\n"));
            sub.command("UNSUBSCRIBE");
            sub.readReply();
            sub.command("GET", "k");
            assertTrue(sub.readReply().startsWith("-ERR Can't execute 'get'"), "still subscribed to a shard channel");
            sub.command("SUNSUBSCRIBE");
            assertEquals("*3\r\n$12\r\nsunsubscribe\r\n$2\r\ns1\r\n:0\r\n", sub.readReply());
            sub.command("GET", "k");
            assertEquals("$-1\r\n", sub.readReply());
        }
    }

    @Test
    void unsubscribeWithoutSubscriptionsRepliesWithNullChannel() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.command("UNSUBSCRIBE");
            assertEquals("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", c.readReply());
            c.command("PUNSUBSCRIBE", "nope");
            assertEquals("*3\r\n$12\r\npunsubscribe\r\n$4\r\nnope\r\n:0\r\n", c.readReply());
            c.command("HELLO", "3");
            c.readReply();
            c.command("UNSUBSCRIBE");
            assertEquals(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", c.readReply());
        }
    }

    @Test
    void pubsubIntrospectionCountsChannelsSubscribersAndPatterns() throws Exception {
        // A server of its own: subscriptions of the other tests' closing clients may linger a moment.
        try (RkvTestServer own = RkvTestServer.start(); RawClient s1 = new RawClient(own.port());
             RawClient s2 = new RawClient(own.port()); Jedis j = own.jedis()) {
            s1.command("SUBSCRIBE", "chan1", "chan2");
            s1.readReply();
            s1.readReply();
            s2.command("SUBSCRIBE", "chan1");
            s2.readReply();
            s2.command("PSUBSCRIBE", "p*", "q*");
            s2.readReply();
            s2.readReply();
            assertEquals(List.of("chan1", "chan2"), j.pubsubChannels().stream().sorted().toList());
            assertEquals(List.of("chan2"), j.pubsubChannels("*2"));
            assertEquals(Map.of("chan1", 2L, "chan2", 1L, "other", 0L), j.pubsubNumSub("chan1", "chan2", "other"));
            assertEquals(2, j.pubsubNumPat());
        }
    }

    @Test
    void closedSubscriberIsForgotten() throws Exception {
        try (Jedis j = server.jedis()) {
            try (RawClient sub = new RawClient(server.port())) {
                sub.command("SUBSCRIBE", "gone");
                sub.readReply();
                assertEquals(1, j.publish("gone", "x"));
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (j.publish("gone", "y") != 0 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, j.publish("gone", "z"));
        }
    }

    @Test
    void publishGoesToReplicasWithoutCountingAsAChange() throws Exception {
        try (RkvTestServer own = RkvTestServer.start(); Jedis j = own.jedis()) {
            List<String> effects = Collections.synchronizedList(new ArrayList<>());
            own.server().call(() -> {
                own.server().context().propagator((db, effect) -> effects.add(db + " "
                    + new String(effect[0], StandardCharsets.UTF_8) + " " + new String(effect[1], StandardCharsets.UTF_8)
                    + " " + new String(effect[2], StandardCharsets.UTF_8)));
                return null;
            });
            j.select(2);
            assertEquals(0, j.publish("ch", "msg"));
            assertEquals(List.of("2 PUBLISH ch msg"), effects);
            assertTrue(j.info("persistence").contains("rdb_changes_since_last_save:0\r\n"));
        }
    }
}
