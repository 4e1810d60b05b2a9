package dev.rkv.resprdma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.RdmaDevice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channel's contract, run on every provider that runs here (one subclass each): data both
 * ways through buffers far smaller than the stream, keepalive, a peer that closes or dies, and
 * hostile peers written with the raw SPI, each of which must close only its channel, with a
 * reason, and never hang or throw into the caller.
 */
abstract class RespRdmaChannelContractTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int SMALL_RX = RespRdmaOptions.MIN_RX_SIZE;

    RdmaDevice serverDevice;
    RdmaDevice clientDevice;
    RespRdmaListener listener;
    ExecutorService pool;

    protected abstract RdmaDevice openDevice();

    protected abstract String providerName();

    @BeforeEach
    void open() {
        serverDevice = openDevice();
        clientDevice = openDevice();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        if (listener != null) {
            listener.close();
        }
        clientDevice.close();
        serverDevice.close();
    }

    /** [0] client, [1] server. */
    RespRdmaChannel[] pair(RespRdmaOptions clientOpts, RespRdmaOptions serverOpts) throws Exception {
        listener = RespRdmaListener.listen(serverDevice, "127.0.0.1", 0, serverOpts);
        int port = listener.localAddress().getPort();
        Future<RespRdmaChannel> client = pool.submit(
                () -> RespRdmaChannel.connect(clientDevice, "127.0.0.1", port, clientOpts));
        RespRdmaChannel server = listener.accept(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(server, "no connection to accept");
        return new RespRdmaChannel[] {client.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), server};
    }

    /** Echoes everything the channel receives until it ends. */
    Future<Long> echo(RespRdmaStreams s) {
        return pool.submit(() -> {
            byte[] buf = new byte[50_000];
            long total = 0;
            InputStream in = s.input();
            OutputStream out = s.output();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
                total += n;
            }
            return total;
        });
    }

    /** Sends {@code total} random bytes in random pieces and checks that the same come back. */
    void roundTrip(RespRdmaStreams client, long total, long seed) throws Exception {
        Random r = new Random(seed);
        byte[] data = new byte[(int) total];
        r.nextBytes(data);
        Future<?> writer = pool.submit(() -> {
            Random pieces = new Random(seed + 1);
            int off = 0;
            while (off < data.length) {
                int n = Math.min(data.length - off, 1 + pieces.nextInt(pieces.nextBoolean() ? 100 : 200_000));
                client.output().write(data, off, n);
                if (pieces.nextInt(4) == 0) {
                    client.output().flush();
                }
                off += n;
            }
            client.output().flush();
            return null;
        });
        byte[] back = new byte[data.length];
        int got = 0;
        client.setReadTimeout((int) WAIT.toMillis());
        while (got < back.length) {
            int n = client.input().read(back, got, back.length - got);
            assertTrue(n > 0, "stream ended after " + got + " of " + back.length + " bytes: "
                    + client.channel().closeReason());
            got += n;
        }
        writer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertArrayEquals(data, back);
    }

    // ------------------------------------------------------------------ data

    @Test
    void echoesARandomStreamManyTimesTheSmallRxSizeBothWays() throws Exception {
        RespRdmaOptions small = RespRdmaOptions.defaults().withRxSize(SMALL_RX);
        RespRdmaChannel[] ch = pair(small, small);
        RespRdmaStreams server = RespRdmaStreams.of(ch[1]);
        Future<Long> echoed = echo(server);
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        roundTrip(client, 40L * SMALL_RX, 1);
        // 40 buffers' worth each way: each side must have recycled its RX buffer many times
        assertTrue(ch[0].reregistrations() >= 39, "client re-registered " + ch[0].reregistrations());
        assertTrue(ch[1].reregistrations() >= 39, "server re-registered " + ch[1].reregistrations());
        client.close();
        assertEquals(40L * SMALL_RX, echoed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void echoesWithDefaultRxAndDifferentSizesOnEachSide() throws Exception {
        RespRdmaChannel[] ch = pair(RespRdmaOptions.defaults(), RespRdmaOptions.defaults().withRxSize(3 * SMALL_RX));
        Future<Long> echoed = echo(RespRdmaStreams.of(ch[1]));
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        roundTrip(client, 9L << 20, 2);
        roundTrip(client, 12345, 3);
        client.close();
        assertEquals((9L << 20) + 12345, echoed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void writeFillsThePeersBufferExactlyToItsEndAndThenAcceptsNothing() throws Exception {
        RespRdmaOptions small = RespRdmaOptions.defaults().withRxSize(SMALL_RX);
        RespRdmaChannel[] ch = pair(small, small);
        awaitWritable(ch[1]);
        ByteBuffer src = ByteBuffer.allocate(SMALL_RX + 1000);
        int written = 0;
        while (written < SMALL_RX) {
            int n = ch[1].write(src);
            written += n;
            if (n == 0) {
                ch[1].poll();
            }
        }
        assertEquals(SMALL_RX, written);
        assertEquals(0, ch[1].write(src), "the peer's buffer is full until it is consumed");
        // the client consumes all of it: its buffer is announced again and the server writes on
        ByteBuffer dst = ByteBuffer.allocate(SMALL_RX);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (dst.hasRemaining()) {
            if (ch[0].read(dst) == 0) {
                ch[0].poll();
                ch[0].awaitCompletions(50, TimeUnit.MILLISECONDS);
            }
            assertTrue(System.nanoTime() < deadline, "client read stalled at " + dst.position());
        }
        while (ch[1].write(src) == 0) {
            ch[1].poll();
            ch[1].awaitCompletions(50, TimeUnit.MILLISECONDS);
            assertTrue(System.nanoTime() < deadline, "server never saw the buffer announced again");
        }
        ch[0].close();
        ch[1].close();
    }

    @Test
    void moreSmallWritesThanPostedReceivesWaitForAPeerThatDoesNotPollForSeconds() throws Exception {
        RespRdmaChannel[] ch = pair(RespRdmaOptions.defaults(), RespRdmaOptions.defaults().withDepths(64, 64, 16));
        // the server side posts 64 receives and is not polled for 3 s; the client writes 500 separate messages
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        int messages = 500;
        Future<?> writer = pool.submit(() -> {
            for (int i = 0; i < messages; i++) {
                client.output().write(("m" + (i % 10)).getBytes(StandardCharsets.US_ASCII));
                client.output().flush();
            }
            return null;
        });
        Thread.sleep(3000);
        RespRdmaStreams server = RespRdmaStreams.of(ch[1]);
        server.setReadTimeout((int) WAIT.toMillis());
        byte[] got = server.input().readNBytes(2 * messages);
        assertEquals(2 * messages, got.length, "the stream ended early: " + ch[1].closeReason());
        writer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            expected.append('m').append(i % 10);
        }
        assertEquals(expected.toString(), new String(got, StandardCharsets.US_ASCII));
        assertTrue(ch[0].isOpen() && ch[1].isOpen(), ch[0].closeReason() + " / " + ch[1].closeReason());
        client.close();
        server.close();
    }

    // ------------------------------------------------------------------ liveness

    @Test
    void keepalivesHoldAnIdleConnectionOpenPastTheSilenceTimeout() throws Exception {
        RespRdmaOptions quick = RespRdmaOptions.defaults()
                .withKeepalive(Duration.ofMillis(100), Duration.ofMillis(1000));
        RespRdmaChannel[] ch = pair(quick, quick);
        RespRdmaStreams server = RespRdmaStreams.of(ch[1]);
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        Thread.sleep(3000);
        assertTrue(ch[0].isOpen(), ch[0].closeReason());
        assertTrue(ch[1].isOpen(), ch[1].closeReason());
        assertTrue(ch[0].keepalivesReceived() > 0 && ch[1].keepalivesReceived() > 0,
                ch[0].keepalivesReceived() + " / " + ch[1].keepalivesReceived());
        Future<Long> echoed = echo(server);
        roundTrip(client, 1000, 4);
        client.close();
        assertEquals(1000, echoed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void readReturnsMinusOneAfterThePeerClosesAndDeliversWhatCameBefore() throws Exception {
        RespRdmaChannel[] ch = pair(RespRdmaOptions.defaults(), RespRdmaOptions.defaults());
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        client.output().write("+last words\r\n".getBytes(StandardCharsets.US_ASCII));
        client.output().flush();
        client.close();
        RespRdmaStreams server = RespRdmaStreams.of(ch[1]);
        server.setReadTimeout((int) WAIT.toMillis());
        byte[] got = server.input().readAllBytes();
        assertEquals("+last words\r\n", new String(got, StandardCharsets.US_ASCII));
        assertFalse(ch[1].isOpen());
        assertNotNull(ch[1].closeReason());
        IOException e = assertThrows(IOException.class, () -> ch[1].write(ByteBuffer.allocate(1)));
        assertTrue(e.getMessage().contains(ch[1].closeReason()), e.getMessage());
        server.close();
    }

    @Test
    void closeWhenFlushedDeliversWhatWasWrittenBeforeClosing() throws Exception {
        RespRdmaChannel[] ch = pair(RespRdmaOptions.defaults(), RespRdmaOptions.defaults());
        awaitWritable(ch[1]);
        byte[] last = new byte[200_000];
        new Random(9).nextBytes(last);
        ByteBuffer src = ByteBuffer.wrap(last);
        while (src.hasRemaining()) {
            if (ch[1].write(src) == 0) {
                ch[1].poll();
            }
        }
        ch[1].closeWhenFlushed();
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> ch[1].write(ByteBuffer.allocate(1)));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ch[1].isOpen()) {
            ch[1].poll();
            ch[1].awaitCompletions(20, TimeUnit.MILLISECONDS);
            assertTrue(System.nanoTime() < deadline, "never drained");
        }
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        client.setReadTimeout((int) WAIT.toMillis());
        assertArrayEquals(last, client.input().readAllBytes(), "every byte written before the close, then the end");
        client.close();
    }

    @Test
    void readTimeoutThrowsSocketTimeoutAndTheStreamStaysUsable() throws Exception {
        RespRdmaChannel[] ch = pair(RespRdmaOptions.defaults(), RespRdmaOptions.defaults());
        RespRdmaStreams client = RespRdmaStreams.of(ch[0]);
        RespRdmaStreams server = RespRdmaStreams.of(ch[1]);
        client.setReadTimeout(200);
        assertThrows(SocketTimeoutException.class, () -> client.input().read());
        server.output().write('x');
        server.output().flush();
        client.setReadTimeout((int) WAIT.toMillis());
        assertEquals('x', client.input().read());
        client.close();
        server.close();
    }

    @Test
    void aPeerProcessKilledEndsTheStreamWithoutHanging() throws Exception {
        String cp = System.getProperty("java.class.path");
        Process peer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                EchoPeerMain.class.getName(), providerName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "peer process printed nothing");
            assertTrue(line.startsWith("READY "), line);
            int port = Integer.parseInt(line.substring(6).trim());
            RespRdmaOptions opts = RespRdmaOptions.defaults().withKeepalive(Duration.ofMillis(300), Duration.ofSeconds(3));
            RespRdmaStreams client = RespRdmaStreams.of(RespRdmaChannel.connect(clientDevice, "127.0.0.1", port, opts));
            roundTrip(client, 100_000, 5);
            peer.destroyForcibly().waitFor();
            client.setReadTimeout((int) WAIT.toMillis());
            assertEquals(-1, client.input().read(), "a dead peer ends the stream");
            assertNotNull(client.channel().closeReason());
            assertThrows(IOException.class, () -> {
                client.output().write(1);
                client.output().flush();
            });
            client.close();
        } finally {
            peer.destroyForcibly();
        }
    }

    @Test
    void connectToAServerThatNeverAnnouncesItsBufferTimesOut() throws Exception {
        try (ConnectionListener raw = serverDevice.listen("127.0.0.1", 0)) {
            CompletionQueue cq = serverDevice.createCompletionQueue(64);
            int port = raw.localAddress().getPort();
            Future<?> acceptor = pool.submit(() -> raw.accept(EndpointOptions.of(cq).withDepths(16, 16)));
            RespRdmaOptions opts = RespRdmaOptions.defaults().withConnectTimeout(Duration.ofMillis(1500));
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> RespRdmaChannel.connect(clientDevice, "127.0.0.1", port, opts));
            assertTrue(e.getMessage().contains("did not announce"), e.getMessage());
            acceptor.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void connectToNothingIsAConnectException() throws Exception {
        int port;
        try (ConnectionListener l = serverDevice.listen("127.0.0.1", 0)) {
            port = l.localAddress().getPort();
        }
        assertThrows(java.net.ConnectException.class, () -> RespRdmaChannel.connect(clientDevice, "127.0.0.1", port,
                RespRdmaOptions.defaults().withConnectTimeout(Duration.ofSeconds(2))));
    }

    // ------------------------------------------------------------------ hostile peers

    /** A raw-SPI client connected to a fresh listener, and the server channel it got. */
    HostilePeer hostile(RespRdmaOptions serverOpts) throws Exception {
        listener = RespRdmaListener.listen(serverDevice, "127.0.0.1", 0, serverOpts);
        int port = listener.localAddress().getPort();
        Future<HostilePeer> peer = pool.submit(() -> new HostilePeer(clientDevice, port));
        RespRdmaChannel server = listener.accept(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(server);
        HostilePeer p = peer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        p.server = server;
        return p;
    }

    /** Drives the channel as an event loop would until it breaks; returns the reason. */
    static String awaitBroken(RespRdmaChannel ch) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ch.isOpen()) {
            ch.poll();
            ch.awaitCompletions(20, TimeUnit.MILLISECONDS);
            if (System.nanoTime() > deadline) {
                fail("channel still open after " + WAIT + ": " + ch);
            }
        }
        // bytes that arrived before the violation are still handed out, then the end of stream
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        int n;
        while ((n = ch.read(sink.clear())) > 0) {
            assertTrue(n <= sink.capacity());
        }
        assertEquals(-1, n, "a broken channel reads -1 once drained, never 0");
        String reason = ch.closeReason();
        assertNotNull(reason);
        ch.close();
        return reason;
    }

    static void awaitWritable(RespRdmaChannel ch) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ch.writableBytes() == 0) {
            ch.poll();
            ch.awaitCompletions(20, TimeUnit.MILLISECONDS);
            assertTrue(ch.isOpen(), ch.closeReason());
            assertTrue(System.nanoTime() < deadline, "the peer never announced its buffer");
        }
    }

    static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), "expected \"" + expected + "\" in: " + actual);
    }

    @Test
    void controlMessageShorterThan32BytesClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults())) {
            p.sendRaw(new byte[16]);
            assertContains("control message of 16 bytes", awaitBroken(p.server));
        }
    }

    @Test
    void controlMessageLongerThan32BytesClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults())) {
            p.sendRaw(new byte[48]);
            assertContains("longer than 32 bytes", awaitBroken(p.server));
        }
    }

    @Test
    void unknownOpcodeClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults())) {
            byte[] m = new byte[32];
            m[1] = 9;
            p.sendRaw(m);
            assertContains("unknown opcode 9", awaitBroken(p.server));
        }
    }

    @Test
    void setClientFeatureWithFeaturesClosesTheChannelButZeroIsFine() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults())) {
            p.send(ControlMessage.setClientFeature(0));
            p.send(ControlMessage.getServerFeature(0));
            ControlMessage answer = p.awaitControl(ControlMessage.Type.GET_SERVER_FEATURE, p.server);
            assertEquals(0, answer.features(), "no features are defined");
            assertTrue(p.server.isOpen(), p.server.closeReason());
            p.send(ControlMessage.setClientFeature(4));
            assertContains("SetClientFeature asks for features 0x4", awaitBroken(p.server));
        }
    }

    @Test
    void registerXferMemoryOfAnAbsurdLengthClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults())) {
            p.send(ControlMessage.registerXferMemory(4096, 0xffff_ffffL, 1));
            assertContains("RegisterXferMemory announces 4294967295 bytes", awaitBroken(p.server));
        }
    }

    @Test
    void dataBeforeThePeersRegisterXferMemoryClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults())) {
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, p.server);
            p.writeWithImm(rx, 0, 10, 10);
            assertContains("before the peer's RegisterXferMemory", awaitBroken(p.server));
        }
    }

    @Test
    void fillOffsetPastTheBufferClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults().withRxSize(SMALL_RX))) {
            p.announceOwnRx();
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, p.server);
            p.writeWithImm(rx, 0, 100, 100);
            // 100 real bytes, then a notification claiming the rest of the buffer plus one
            p.writeWithImm(rx, 100, 8, SMALL_RX - 100 + 1);
            assertContains("fill offset " + (SMALL_RX + 1) + " past the RX buffer of " + SMALL_RX, awaitBroken(p.server));
        }
    }

    @Test
    void writeIntoTheBufferWhileItIsNotAnnouncedClosesTheChannel() throws Exception {
        try (HostilePeer p = hostile(RespRdmaOptions.defaults().withRxSize(SMALL_RX))) {
            p.announceOwnRx();
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, p.server);
            p.writeWithImm(rx, 0, SMALL_RX, SMALL_RX);
            // the server has not consumed (nor announced again) its full buffer; writing from 0 again is a violation
            p.writeWithImm(rx, 0, 1, 1);
            assertContains("while it was not announced", awaitBroken(p.server));
        }
    }

    @Test
    void silencePastTheTimeoutClosesTheChannel() throws Exception {
        RespRdmaOptions quick = RespRdmaOptions.defaults().withKeepalive(Duration.ofMillis(100), Duration.ofMillis(600));
        try (HostilePeer p = hostile(quick)) {
            p.announceOwnRx();
            assertContains("silence timeout 600 ms", awaitBroken(p.server));
        }
    }

    @Test
    void aPeerThatDisconnectsClosesTheChannel() throws Exception {
        HostilePeer p = hostile(RespRdmaOptions.defaults());
        p.announceOwnRx();
        p.close();
        assertContains("connection lost", awaitBroken(p.server));
    }

    @Test
    void aHostilePeerDisturbsNoOtherChannel() throws Exception {
        RespRdmaOptions opts = RespRdmaOptions.defaults().withRxSize(SMALL_RX);
        RespRdmaChannel[] good = pair(opts, opts);
        Future<Long> echoed = echo(RespRdmaStreams.of(good[1]));
        RespRdmaStreams client = RespRdmaStreams.of(good[0]);
        roundTrip(client, 3 * SMALL_RX, 6);
        // a second connection on the same listener and devices misbehaves
        int port = listener.localAddress().getPort();
        Future<HostilePeer> peer = pool.submit(() -> new HostilePeer(clientDevice, port));
        RespRdmaChannel bad = listener.accept(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        try (HostilePeer p = peer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.sendRaw(new byte[5]);
            assertContains("control message of 5 bytes", awaitBroken(bad));
        }
        roundTrip(client, 3 * SMALL_RX, 7);
        assertTrue(good[0].isOpen() && good[1].isOpen());
        client.close();
        assertEquals(6L * SMALL_RX, echoed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void aWellFormedRawWriteIsDelivered() throws Exception {
        // The hostile tests' peer is right when it follows the protocol: the violations above are what close.
        try (HostilePeer p = hostile(RespRdmaOptions.defaults().withRxSize(SMALL_RX))) {
            p.announceOwnRx();
            ControlMessage rx = p.awaitControl(ControlMessage.Type.REGISTER_XFER_MEMORY, p.server);
            assertEquals(SMALL_RX, rx.length());
            p.fillStaging("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
            p.writeWithImm(rx, 0, 5, 5);
            ByteBuffer dst = ByteBuffer.allocate(16);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (dst.position() < 5) {
                if (p.server.read(dst) == 0) {
                    p.server.poll();
                    p.server.awaitCompletions(20, TimeUnit.MILLISECONDS);
                }
                assertTrue(p.server.isOpen() && System.nanoTime() < deadline, String.valueOf(p.server.closeReason()));
            }
            assertEquals("+OK\r\n", new String(dst.array(), 0, 5, StandardCharsets.US_ASCII));
            p.server.close();
        }
    }
}
