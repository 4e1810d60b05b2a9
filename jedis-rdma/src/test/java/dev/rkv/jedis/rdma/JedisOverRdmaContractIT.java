package dev.rkv.jedis.rdma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RdmaClients;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.resprdma.RespRdmaOptions;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Unchanged Jedis code over {@link RdmaJedisSocketFactory} against a real rkv server with an RDMA
 * listener, once per provider (one subclass each). Server and client use 64 KiB receive buffers, the
 * smallest allowed, so values and pipelines larger than a buffer make the protocol recycle it.
 */
abstract class JedisOverRdmaContractIT {
    private static final int RX = RespRdmaOptions.MIN_RX_SIZE;
    /** Hang guard for the tests whose failure mode is waiting forever. */
    private static final Duration GUARD = Duration.ofSeconds(60);

    private RkvTestServer server;
    private RdmaJedisSocketFactory factory;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    /** "soft" or "shm". */
    protected abstract String provider();

    private RkvTestServer startServer(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--rdma-port", Integer.toString(RdmaClients.freePort()),
                "--rdma-provider", provider(), "--rdma-rx-size", Integer.toString(RX)));
        args.addAll(List.of(extra));
        return RkvTestServer.start(args.toArray(new String[0]));
    }

    private RdmaJedisSocketFactory factory(RkvTestServer s, JedisClientConfig config) {
        RdmaJedisSocketFactory f = RdmaJedisSocketFactory.open(provider(),
                new HostAndPort("127.0.0.1", s.server().rdmaPort()), config, RespRdmaOptions.defaults().withRxSize(RX));
        closeAfter.add(f);
        return f;
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeAfter.add(0, c);
        return c;
    }

    @BeforeEach
    void start() throws IOException {
        server = startServer();
        factory = factory(server, DefaultJedisClientConfig.builder().timeoutMillis(10_000).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        server.close();
    }

    @Test
    void plainJedisRunsCommandsOverRdma() {
        Jedis jedis = closing(new Jedis(factory));
        assertEquals("PONG", jedis.ping());
        assertEquals("OK", jedis.set("k", "v"));
        assertEquals("v", jedis.get("k"));
        assertEquals(3, jedis.incrBy("n", 3));
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        jedis.set("bin".getBytes(StandardCharsets.US_ASCII), binary);
        assertArrayEquals(binary, jedis.get("bin".getBytes(StandardCharsets.US_ASCII)));
        // the server sees an RDMA client
        assertTrue(jedis.clientList().contains("transport=rdma"), jedis.clientList());
    }

    @Test
    void valuesLargerThanTheReceiveBufferGoBothWays() {
        Jedis jedis = closing(new Jedis(factory));
        byte[] big = new byte[5 * RX + 123];
        new Random(7).nextBytes(big);
        byte[] key = "big".getBytes(StandardCharsets.US_ASCII);
        assertEquals("OK", jedis.set(key, big));
        assertArrayEquals(big, jedis.get(key));
        assertEquals(big.length, jedis.strlen(key));
    }

    @Test
    void pipelineLargerThanTheReceiveBufferKeepsOrder() {
        Jedis jedis = closing(new Jedis(factory));
        Pipeline p = jedis.pipelined();
        int n = 5000;
        List<Response<String>> gets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.set("p" + i, "value-" + i);
            gets.add(p.get("p" + i));
        }
        p.sync();
        for (int i = 0; i < n; i++) {
            assertEquals("value-" + i, gets.get(i).get());
        }
    }

    @Test
    void transactionsExecAndWatchAborts() {
        Jedis jedis = closing(new Jedis(factory));
        Transaction t = jedis.multi();
        t.set("a", "1");
        Response<Long> incr = t.incr("a");
        List<Object> results = t.exec();
        assertEquals(2, results.size());
        assertEquals(2L, incr.get());

        Jedis other = closing(new Jedis(factory));
        jedis.watch("a");
        Transaction aborted = jedis.multi();
        other.set("a", "changed");
        aborted.set("a", "mine");
        assertNull(aborted.exec());
        assertEquals("changed", jedis.get("a"));
    }

    @Test
    void pubSubDeliversMessagesToASubscriber() throws Exception {
        Jedis subscriber = closing(new Jedis(factory));
        Jedis publisher = closing(new Jedis(factory));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + ":" + message);
                if (message.equals("last")) {
                    unsubscribe();
                }
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> loop = pool.submit(() -> subscriber.subscribe(listener, "news"));
            assertTrue(subscribed.await(GUARD.toSeconds(), TimeUnit.SECONDS));
            assertEquals(1, publisher.publish("news", "first"));
            assertEquals(1, publisher.publish("news", "last"));
            loop.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("news:first", "news:last"), new ArrayList<>(received));
        // after unsubscribing the connection is a normal one again
        assertEquals("PONG", subscriber.ping());
    }

    @Test
    void blockingCommandWaitsLongerThanTheSocketTimeout() throws Exception {
        // Jedis lifts the socket timeout for blocking commands (setSoTimeout(0) on our socket): a
        // BLPOP waiting past the 300 ms read timeout must still get its answer, not a timeout.
        RdmaJedisSocketFactory shortTimeout = factory(server, DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(300).build());
        Jedis blocked = closing(new Jedis(shortTimeout));
        Jedis pusher = closing(new Jedis(factory));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> pop = pool.submit(() -> blocked.blpop(30, "queue"));
            // wait until the server has the client blocked, then push
            while (!pusher.clientList().contains("cmd=blpop")) {
                Thread.sleep(20);
            }
            Thread.sleep(600);
            pusher.rpush("queue", "item");
            assertEquals(List.of("queue", "item"), pop.get(GUARD.toSeconds(), TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        // and the read timeout is back for the next plain command
        assertEquals(300, socketOf(blocked).getSoTimeout());
        assertNull(blocked.blpop(1, "empty"));
    }

    @Test
    void readTimeoutIsASocketTimeoutAndTheConnectionIsReplacedByAPool() {
        RdmaJedisSocketFactory shortTimeout = factory(server, DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(200).build());
        Jedis jedis = closing(new Jedis(shortTimeout));
        // DEBUG SLEEP is not ours to rely on; a blocking command sent raw, outside Jedis's
        // blocking-timeout handling, makes the server stay silent past the read timeout.
        JedisConnectionException e = assertThrows(JedisConnectionException.class,
                () -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.BLPOP, "nothing", "0"));
        assertTrue(e.getCause() instanceof java.net.SocketTimeoutException, String.valueOf(e.getCause()));
    }

    @Test
    void pooledClientsShareTheFactoryAcrossThreads() throws Exception {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(4);
        JedisClientConfig config = DefaultJedisClientConfig.builder().timeoutMillis(10_000).build();
        JedisPooled jedis = closing(new JedisPooled(pool, factory, config));
        int threads = 6;
        int each = 300;
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(exec.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        jedis.incr("counter");
                        jedis.set("t" + id + ":" + i, Integer.toString(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(GUARD.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            exec.shutdownNow();
        }
        assertEquals(Integer.toString(threads * each), jedis.get("counter"));
        assertEquals("299", jedis.get("t5:299"));
        assertTrue(jedis.getPool().getCreatedCount() <= 4, "pool made " + jedis.getPool().getCreatedCount());
    }

    @Test
    void passwordAndDatabaseFromTheClientConfigApply() throws Exception {
        try (RkvTestServer secured = startServer("--requirepass", "s3cret")) {
            RdmaJedisSocketFactory f = factory(secured, DefaultJedisClientConfig.builder().build());
            Jedis anonymous = closing(new Jedis(f));
            JedisDataException noauth = assertThrows(JedisDataException.class, () -> anonymous.get("x"));
            assertTrue(noauth.getMessage().startsWith("NOAUTH"), noauth.getMessage());
            JedisClientConfig config = DefaultJedisClientConfig.builder().password("s3cret").database(2).build();
            Jedis authed = closing(new Jedis(f, config));
            authed.set("x", "in db 2");
            authed.select(0);
            assertNull(authed.get("x"));
            authed.select(2);
            assertEquals("in db 2", authed.get("x"));
        }
    }

    @Test
    void serverGoneMidCommandIsAConnectionExceptionNotAHang() throws Exception {
        Jedis jedis = closing(new Jedis(factory));
        jedis.set("k", "v");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // BLPOP 0 lifts the read timeout: only the lost connection can end it.
            Future<List<String>> pop = pool.submit(() -> jedis.blpop(0, "never"));
            Jedis admin = closing(new Jedis(factory));
            while (!admin.clientList().contains("cmd=blpop")) {
                Thread.sleep(20);
            }
            server.close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pop.get(GUARD.toSeconds(), TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof JedisConnectionException, String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        assertTrue(jedis.getConnection().isBroken());
        // a new connection to the server that is gone is refused, not hung
        assertTimeoutPreemptively(GUARD, () -> assertThrows(JedisConnectionException.class,
                () -> new Jedis(factory).ping()));
    }

    @Test
    void serverProcessKilledMidCommandIsAConnectionExceptionNotAHang(@TempDir java.nio.file.Path dir) throws Exception {
        Process peer = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RdmaServerMain.class.getName(), provider(), dir.toString())
                .redirectErrorStream(true).start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(peer.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("READY "), String.valueOf(line));
            int port = Integer.parseInt(line.substring(6).trim());
            RdmaJedisSocketFactory f = RdmaJedisSocketFactory.open(provider(), new HostAndPort("127.0.0.1", port));
            closeAfter.add(f);
            Jedis jedis = closing(new Jedis(f));
            assertEquals("PONG", jedis.ping());
            Future<List<String>> pop = pool.submit(() -> jedis.blpop(0, "never"));
            Jedis admin = closing(new Jedis(f));
            while (!admin.clientList().contains("cmd=blpop")) {
                Thread.sleep(20);
            }
            peer.destroyForcibly().waitFor();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pop.get(GUARD.toSeconds(), TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof JedisConnectionException, String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
            peer.destroyForcibly();
        }
    }

    @Test
    void wrongPortIsAClearConnectError() throws IOException {
        int nobody = RdmaClients.freePort();
        RdmaJedisSocketFactory f = RdmaJedisSocketFactory.open(provider(), new HostAndPort("127.0.0.1", nobody),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(3000).build(), RespRdmaOptions.defaults());
        closeAfter.add(f);
        JedisConnectionException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(JedisConnectionException.class,
                () -> new Jedis(f).ping()));
        String message = e.getMessage() + " / " + e.getCause();
        assertTrue(message.contains("127.0.0.1:" + nobody) && message.contains("RDMA"), message);
    }

    @Test
    void socketRecordsTcpOptionsAndClosesTheChannel() throws Exception {
        Socket s = factory.createSocket();
        try {
            assertTrue(s.isConnected() && s.isBound() && !s.isClosed());
            assertEquals(10_000, s.getSoTimeout());
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoLinger(true, 0);
            assertTrue(s.getTcpNoDelay() && s.getKeepAlive());
            assertEquals(0, s.getSoLinger());
            assertEquals(server.server().rdmaPort(), s.getPort());
            assertThrows(SocketException.class, s::shutdownOutput);
            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] reply = new byte[7];
            int n = 0;
            while (n < reply.length) {
                n += s.getInputStream().read(reply, n, reply.length - n);
            }
            assertEquals("+PONG\r\n", new String(reply, StandardCharsets.US_ASCII));
        } finally {
            s.close();
        }
        assertTrue(s.isClosed());
        assertThrows(SocketException.class, s::getInputStream);
        assertFalse(((RdmaSocket) s).streams().channel().isOpen());
    }

    private static Socket socketOf(Jedis jedis) throws ReflectiveOperationException {
        // Jedis keeps its socket private; the socket timeout it restored after a blocking command is what we check
        java.lang.reflect.Field f = Connection.class.getDeclaredField("socket");
        f.setAccessible(true);
        return (Socket) f.get(jedis.getConnection());
    }
}
