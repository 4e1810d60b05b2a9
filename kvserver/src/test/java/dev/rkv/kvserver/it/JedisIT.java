package dev.rkv.kvserver.it;

import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.SetParams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typical application usage through Jedis's typed API, in RESP2 and RESP3. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JedisIT {
    private RkvTestServer rkv;

    @BeforeAll
    void start() {
        rkv = RkvTestServer.start();
    }

    @AfterAll
    void stop() {
        if (rkv != null) {
            rkv.close();
        }
    }

    @BeforeEach
    void flush() {
        Implemented.require("flushall");
        try (Jedis j = rkv.jedis()) {
            j.flushAll();
        }
    }

    private JedisPooled pooled(RedisProtocol protocol) {
        JedisClientConfig config = DefaultJedisClientConfig.builder().protocol(protocol).build();
        return new JedisPooled(new HostAndPort("127.0.0.1", rkv.port()), config);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pooledClientsOnManyThreadsSeeTheirOwnWrites(RedisProtocol protocol) throws Exception {
        Implemented.require("set", "get", "incr", "mget", "del", "exists");
        try (JedisPooled jedis = pooled(protocol)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            String key = "t" + thread + ":" + i;
                            jedis.set(key, "v" + i);
                            assertEquals("v" + i, jedis.get(key));
                            jedis.incr("counter");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals("1600", jedis.get("counter"));
            assertEquals(List.of("v0", "v199"), jedis.mget("t0:0", "t7:199"));
            assertEquals(2L, jedis.del("t0:0", "t7:199", "missing"));
            assertEquals(false, jedis.exists("t0:0"));
            assertArrayEquals(new byte[] {0, (byte) 0xff, '\r', '\n'}, roundTrip(jedis, new byte[] {0, (byte) 0xff, '\r', '\n'}));
        }
    }

    private static byte[] roundTrip(JedisPooled jedis, byte[] value) {
        jedis.set("binary".getBytes(), value);
        return jedis.get("binary".getBytes());
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pipelineAnswersEveryResponseInOrder(RedisProtocol protocol) {
        Implemented.require("set", "get", "incr", "incrbyfloat", "append", "strlen", "ttl", "expire");
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", rkv.port()),
            DefaultJedisClientConfig.builder().protocol(protocol).build())) {
            Pipeline p = j.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                p.set("p:" + i, Integer.toString(i));
                incrs.add(p.incr("p:counter"));
            }
            Response<String> get = p.get("p:500");
            Response<Double> f = p.incrByFloat("p:f", 1.5);
            Response<Long> appended = p.append("p:500", "x");
            Response<Long> len = p.strlen("p:500");
            Response<Long> expire = p.expire("p:1", 100);
            Response<Long> ttl = p.ttl("p:1");
            Response<String> wrong = p.get("p:none");
            p.sync();
            assertEquals(1000L, incrs.get(999).get());
            assertEquals("500", get.get());
            assertEquals(1.5, f.get());
            assertEquals(4L, appended.get());
            assertEquals(4L, len.get());
            assertEquals(1L, expire.get());
            assertTrue(ttl.get() > 90 && ttl.get() <= 100, "ttl " + ttl.get());
            assertNull(wrong.get());
        }
    }

    @Test
    void expiryThroughTypedParameters() throws Exception {
        Implemented.require("set", "get", "setex", "psetex", "getex", "ttl", "pttl", "persist", "expire", "pexpire",
            "exists", "expiretime");
        try (Jedis j = rkv.jedis()) {
            assertEquals("OK", j.set("e:a", "v", SetParams.setParams().ex(100)));
            assertTrue(j.ttl("e:a") > 90);
            assertEquals("OK", j.setex("e:b", 100, "v"));
            assertEquals("OK", j.psetex("e:c", 150_000, "v"));
            assertTrue(j.pttl("e:c") > 100_000);
            assertEquals("v", j.getEx("e:c", GetExParams.getExParams().persist()));
            assertEquals(-1L, j.ttl("e:c"));
            assertNull(j.set("e:a", "w", SetParams.setParams().nx()));
            assertEquals("v", j.setGet("e:a", "w", SetParams.setParams().keepttl()));
            assertTrue(j.ttl("e:a") > 90);
            assertEquals(1L, j.persist("e:a"));
            assertEquals(-2L, j.ttl("e:missing"));
            assertTrue(j.expireTime("e:b") > System.currentTimeMillis() / 1000);
            // A key that expires is gone for GET, EXISTS and the keyspace count.
            assertEquals("OK", j.set("e:short", "v", SetParams.setParams().px(50)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (j.exists("e:short") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertNull(j.get("e:short"));
            JedisDataException bad = assertThrows(JedisDataException.class, () -> j.setex("e:x", -1, "v"));
            assertEquals("ERR invalid expire time in 'setex' command", bad.getMessage());
        }
    }

    @Test
    void selectedDatabaseFromClientConfigIsUsed() {
        Implemented.require("set", "get", "select", "dbsize");
        JedisClientConfig db2 = DefaultJedisClientConfig.builder().database(2).build();
        try (JedisPooled jedis = new JedisPooled(new HostAndPort("127.0.0.1", rkv.port()), db2)) {
            jedis.set("in-db-2", "yes");
            assertEquals("yes", jedis.get("in-db-2"));
        }
        try (Jedis j = rkv.jedis()) {
            assertNull(j.get("in-db-2"));
            j.select(2);
            assertEquals("yes", j.get("in-db-2"));
            assertEquals(1L, j.dbSize());
            assertThrows(JedisDataException.class, () -> j.select(16));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void passwordProtectedServerAcceptsConfiguredClients(RedisProtocol protocol) {
        Implemented.require("set", "get");
        try (RkvTestServer secured = RkvTestServer.start("--requirepass", "s3cret")) {
            HostAndPort at = new HostAndPort("127.0.0.1", secured.port());
            JedisClientConfig good = DefaultJedisClientConfig.builder().protocol(protocol).password("s3cret").build();
            try (JedisPooled jedis = new JedisPooled(at, good)) {
                jedis.set("secret", "value");
                assertEquals("value", jedis.get("secret"));
            }
            JedisClientConfig userAndPass = DefaultJedisClientConfig.builder().protocol(protocol).user("default")
                .password("s3cret").build();
            try (Jedis j = new Jedis(at, userAndPass)) {
                assertEquals("value", j.get("secret"));
            }
            try (Jedis anonymous = new Jedis(at, DefaultJedisClientConfig.builder().build())) {
                JedisDataException e = assertThrows(JedisDataException.class, () -> anonymous.get("secret"));
                assertEquals("NOAUTH Authentication required.", e.getMessage());
                assertEquals("OK", anonymous.auth("s3cret"));
                assertEquals("value", anonymous.get("secret"));
            }
            JedisClientConfig wrong = DefaultJedisClientConfig.builder().protocol(protocol).password("nope").build();
            assertThrows(RuntimeException.class, () -> {
                try (Jedis j = new Jedis(at, wrong)) {
                    j.get("secret");
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void transactionsExecuteAtomicallyAndWatchAborts(RedisProtocol protocol) {
        Implemented.require("multi", "exec", "discard", "watch", "set", "get", "incr");
        HostAndPort at = new HostAndPort("127.0.0.1", rkv.port());
        JedisClientConfig config = DefaultJedisClientConfig.builder().protocol(protocol).build();
        try (Jedis j = new Jedis(at, config); Jedis other = new Jedis(at, config)) {
            Transaction t = j.multi();
            Response<String> set = t.set("tx:a", "1");
            Response<Long> incr = t.incr("tx:a");
            Response<String> get = t.get("tx:a");
            List<Object> results = t.exec();
            assertEquals(3, results.size());
            assertEquals("OK", set.get());
            assertEquals(2L, incr.get());
            assertEquals("2", get.get());

            j.watch("tx:a");
            other.set("tx:a", "changed");
            Transaction aborted = j.multi();
            aborted.incr("tx:a");
            assertNull(aborted.exec(), "a watched key changed: EXEC returns nil");
            assertEquals("changed", j.get("tx:a"));

            Transaction discarded = j.multi();
            discarded.set("tx:b", "never");
            assertEquals("OK", discarded.discard());
            assertNull(j.get("tx:b"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pubSubListenerReceivesMessagesAndPatternMessages(RedisProtocol protocol) throws Exception {
        Implemented.require("subscribe", "psubscribe", "publish", "unsubscribe", "punsubscribe");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + "=" + message);
                if (message.equals("bye")) {
                    unsubscribe();
                    punsubscribe();
                }
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(pattern + ":" + channel + "=" + message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                subscribed.countDown();
            }
        };
        ExecutorService thread = Executors.newSingleThreadExecutor();
        HostAndPort at = new HostAndPort("127.0.0.1", rkv.port());
        try (Jedis subscriber = new Jedis(at, DefaultJedisClientConfig.builder().protocol(protocol).build());
             Jedis publisher = new Jedis(at, DefaultJedisClientConfig.builder().protocol(protocol).build())) {
            Future<?> loop = thread.submit(() -> {
                subscriber.subscribe(listener, "news");
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listener.isSubscribed() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            listener.psubscribe("ne*");
            assertTrue(subscribed.await(10, TimeUnit.SECONDS), "subscriptions confirmed");
            assertEquals(2L, publisher.publish("news", "hello"));
            assertEquals(1L, publisher.publish("nest", "pattern only"));
            assertEquals(0L, publisher.publish("other", "nobody"));
            assertEquals(2L, publisher.publish("news", "bye"));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(received.poll(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of("news=hello", "ne*:news=hello", "ne*:nest=pattern only", "news=bye",
                "ne*:news=bye"), got);
            loop.get(10, TimeUnit.SECONDS);
            assertEquals("PONG", subscriber.ping(), "back to normal after unsubscribing");
        } finally {
            thread.shutdownNow();
        }
    }
}
