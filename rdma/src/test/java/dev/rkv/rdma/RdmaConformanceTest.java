package dev.rkv.rdma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every provider passes: one subclass per provider opens its devices. Two
 * devices stand for two hosts: {@code server} owns the memory, {@code client} accesses it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class RdmaConformanceTest {
    protected static final Duration WAIT = Duration.ofSeconds(20);

    protected RdmaDevice server;
    protected RdmaDevice client;
    protected ConnectionListener listener;
    protected CompletionQueue serverCq;
    protected CompletionQueue clientCq;

    /** Opens a fresh device of the provider under test. */
    protected abstract RdmaDevice openDevice();

    /** The provider name as given to {@link Providers}. */
    protected abstract String providerName();

    /** Size of the big-region test; providers too slow for 1 GiB in a unit run use less. */
    protected long bigRegionBytes() {
        return 1L << 30;
    }

    @BeforeEach
    void openDevices() {
        server = openDevice();
        client = openDevice();
        listener = server.listen("127.0.0.1", 0);
        serverCq = server.createCompletionQueue(8192);
        clientCq = client.createCompletionQueue(8192);
    }

    @AfterEach
    void closeDevices() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A connected pair: [0] on the client device, [1] on the server device. */
    protected Endpoint[] connect(EndpointOptions clientOpts, EndpointOptions serverOpts) throws Exception {
        CompletableFuture<Endpoint> c = CompletableFuture.supplyAsync(
                () -> client.connect("127.0.0.1", listener.localAddress().getPort(), clientOpts));
        Endpoint s = listener.accept(serverOpts, WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(s, "no connection to accept");
        return new Endpoint[] {c.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), s};
    }

    protected Endpoint[] connect() throws Exception {
        return connect(EndpointOptions.of(clientCq).withDepths(256, 256),
                EndpointOptions.of(serverCq).withDepths(256, 256));
    }

    /** Polls exactly {@code n} completions or fails after {@link #WAIT}. */
    protected static List<Completion> drain(CompletionQueue cq, int n) throws InterruptedException {
        List<Completion> out = new ArrayList<>();
        Completion[] buf = new Completion[64];
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "only " + out.size() + " of " + n + " completions arrived: " + out);
            int k = cq.await(buf, Math.min(buf.length, n - out.size()), left, TimeUnit.NANOSECONDS);
            for (int i = 0; i < k; i++) {
                out.add(buf[i]);
            }
        }
        return out;
    }

    protected static Completion one(CompletionQueue cq) throws InterruptedException {
        return drain(cq, 1).get(0);
    }

    protected static void fill(ByteBuffer b, long seed) {
        ByteBuffer d = b.duplicate().clear();
        long x = seed;
        while (d.remaining() >= 8) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            d.putLong(x);
        }
        while (d.hasRemaining()) {
            d.put((byte) x);
        }
    }

    protected static ByteBuffer range(MemoryRegion r, long offset, int len) {
        return r.buffer().slice((int) offset, len);
    }

    protected static void assertBytes(byte value, ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining()) {
            assertEquals(value, d.get(), "byte at " + (d.position() - 1));
        }
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void readCopiesRemoteBytes() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 42);
        MemoryRegion local = client.allocate(8192, Access.LOCAL_WRITE);
        assertTrue(ep[0].postSend(WorkRequest.read(7, local.sge(100, 4096), remote.address() + 5000, remote.rkey())));
        Completion c = one(clientCq);
        assertEquals(7, c.wrId());
        assertEquals(CompletionStatus.SUCCESS, c.status());
        assertEquals(CompletionOpcode.RDMA_READ, c.opcode());
        assertEquals(ep[0], c.endpoint());
        assertEquals(range(remote, 5000, 4096), range(local, 100, 4096));
        assertBytes((byte) 0, range(local, 0, 100));
    }

    @Test
    void writePlacesBytesInRemoteRegion() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion local = client.allocate(1 << 16, Access.LOCAL_WRITE);
        fill(local.buffer(), 7);
        assertTrue(ep[0].postSend(WorkRequest.write(1, local.sge(0, 1000), remote.address() + 300, remote.rkey())));
        Completion c = one(clientCq);
        assertEquals(CompletionStatus.SUCCESS, c.status());
        assertEquals(CompletionOpcode.RDMA_WRITE, c.opcode());
        assertEquals(range(local, 0, 1000), range(remote, 300, 1000));
        assertBytes((byte) 0, range(remote, 0, 300));
        assertBytes((byte) 0, range(remote, 1300, 1000));
        assertNull(serverCq.poll(), "a plain WRITE must not complete on the responder");
    }

    @Test
    void writeWithImmConsumesReceiveAndCarriesImmediateAndByteCount() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion rx = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion tx = client.allocate(1 << 16, Access.LOCAL_WRITE);
        fill(tx.buffer(), 9);
        assertTrue(ep[1].postRecv(RecvRequest.immOnly(55)));
        // Two plain WRITEs followed by one WRITE_WITH_IMM carrying the total (RESP over RDMA).
        List<WorkRequest> batch = List.of(
                WorkRequest.write(1, tx.sge(0, 100), rx.address(), rx.rkey()).withSignaled(false),
                WorkRequest.write(2, tx.sge(100, 100), rx.address() + 100, rx.rkey()).withSignaled(false),
                WorkRequest.writeWithImm(3, tx.sge(200, 56), rx.address() + 200, rx.rkey(), 256));
        assertEquals(3, ep[0].postSend(batch));
        Completion r = one(serverCq);
        assertEquals(CompletionStatus.SUCCESS, r.status());
        assertEquals(CompletionOpcode.RECV_RDMA_WITH_IMM, r.opcode());
        assertTrue(r.hasImmediate());
        assertEquals(55, r.wrId());
        assertEquals(256, r.immediate());
        assertEquals(56, r.byteLength());
        assertEquals(ep[1], r.endpoint());
        assertEquals(range(tx, 0, 256), range(rx, 0, 256));
        Completion s = one(clientCq);
        assertEquals(3, s.wrId(), "unsignaled writes produce no completion");
        assertEquals(CompletionStatus.SUCCESS, s.status());
        assertNull(clientCq.poll());
    }

    @Test
    void sendDeliversControlMessagesBothWays() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion srvBuf = server.allocate(4096, Access.LOCAL_WRITE);
        MemoryRegion cliBuf = client.allocate(4096, Access.LOCAL_WRITE);
        for (int i = 0; i < 4; i++) {
            assertTrue(ep[1].postRecv(RecvRequest.of(100 + i, srvBuf.sge(1024 + 32L * i, 32))));
        }
        assertTrue(ep[0].postRecv(RecvRequest.of(200, cliBuf.sge(1024, 32))));
        ByteBuffer msg = cliBuf.buffer();
        for (int i = 0; i < 32; i++) {
            msg.put(i, (byte) (i + 1));
        }
        assertTrue(ep[0].postSend(WorkRequest.send(1, cliBuf.sge(0, 32))));
        Completion r = one(serverCq);
        assertEquals(CompletionOpcode.RECV, r.opcode());
        assertEquals(100, r.wrId());
        assertEquals(32, r.byteLength());
        assertEquals(range(cliBuf, 0, 32), range(srvBuf, 1024, 32));
        Completion s = one(clientCq);
        assertEquals(CompletionOpcode.SEND, s.opcode());
        assertEquals(CompletionStatus.SUCCESS, s.status());

        srvBuf.buffer().put(0, (byte) 0x77);
        assertTrue(ep[1].postSend(WorkRequest.send(2, srvBuf.sge(0, 32))));
        Completion back = one(clientCq);
        assertEquals(200, back.wrId());
        assertEquals(CompletionOpcode.RECV, back.opcode());
        assertEquals((byte) 0x77, cliBuf.buffer().get(1024));
        assertEquals(CompletionStatus.SUCCESS, one(serverCq).status());
    }

    /**
     * An interrupt of the posting thread is for its own later waits (a CQ await), as it would
     * be with a NIC: the SEND and WRITE_WITH_IMM it posts go out, the connection they travel on
     * (soft's socket, shm's doorbell) stays open, and the thread is still interrupted afterwards.
     */
    @Test
    void anInterruptedThreadsSendsAndWritesWithImmGoOutAndItStaysInterrupted() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion rx = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion tx = client.allocate(4096, Access.LOCAL_WRITE);
        fill(tx.buffer(), 21);
        assertTrue(ep[1].postRecv(RecvRequest.of(100, rx.sge(0, 64))));
        assertTrue(ep[1].postRecv(RecvRequest.immOnly(101)));
        boolean interruptedAfterSend;
        boolean interruptedAfterWrite;
        Thread.currentThread().interrupt();
        try {
            assertTrue(ep[0].postSend(WorkRequest.send(1, tx.sge(0, 64))));
            interruptedAfterSend = Thread.currentThread().isInterrupted();
            assertTrue(ep[0].postSend(WorkRequest.writeWithImm(2, tx.sge(1024, 512), rx.address() + 1024, rx.rkey(), 7)));
            interruptedAfterWrite = Thread.currentThread().isInterrupted();
        } finally {
            Thread.interrupted();
        }
        assertTrue(interruptedAfterSend, "postSend kept the interrupt of a SEND's thread");
        assertTrue(interruptedAfterWrite, "postSend kept the interrupt of a WRITE_WITH_IMM's thread");
        List<Completion> sent = drain(clientCq, 2);
        assertEquals(CompletionStatus.SUCCESS, sent.get(0).status(), "SEND of an interrupted thread");
        assertEquals(CompletionStatus.SUCCESS, sent.get(1).status(), "WRITE_WITH_IMM of an interrupted thread");
        List<Completion> received = drain(serverCq, 2);
        assertEquals(100, received.get(0).wrId());
        assertEquals(101, received.get(1).wrId());
        assertEquals(7, received.get(1).immediate());
        assertEquals(range(tx, 0, 64), range(rx, 0, 64));
        assertEquals(range(tx, 1024, 512), range(rx, 1024, 512));
        assertEquals(EndpointState.CONNECTED, ep[0].state());
        assertEquals(EndpointState.CONNECTED, ep[1].state());
    }

    /**
     * Interrupts at random moments, some while a frame is being written to the connection: no
     * message of the interrupted thread fails, and the endpoint stays connected.
     */
    @Test
    void aThreadInterruptedAgainAndAgainFailsNoneOfItsSendsOrWritesWithImm() throws Exception {
        int messages = 200;
        Endpoint[] ep = connect();
        MemoryRegion rx = server.allocate(messages * 256L, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion tx = client.allocate(messages * 256L, Access.LOCAL_WRITE);
        fill(tx.buffer(), 33);
        for (int i = 0; i < messages; i++) {
            assertTrue(ep[1].postRecv(i % 2 == 0 ? RecvRequest.of(i, rx.sge(i * 256L, 256)) : RecvRequest.immOnly(i)));
        }
        CompletionDrainer completions = new CompletionDrainer(clientCq);
        AtomicReference<String> problem = new AtomicReference<>();
        Thread victim = new Thread(() -> {
            for (int i = 0; i < messages && problem.get() == null; i++) {
                CompletableFuture<Completion> done = completions.of(i);
                WorkRequest wr = i % 2 == 0 ? WorkRequest.send(i, tx.sge(i * 256L, 256))
                        : WorkRequest.writeWithImm(i, tx.sge(i * 256L, 256), rx.address() + i * 256L, rx.rkey(), i);
                ep[0].postSend(wr);
                // join() waits whatever the thread's interrupt status.
                Completion c = done.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
                if (c.status() != CompletionStatus.SUCCESS) {
                    problem.set("message " + i + " completed with " + c.status());
                }
            }
        }, "interrupted-poster");
        RepeatedInterrupts interrupts = new RepeatedInterrupts(victim);
        victim.start();
        interrupts.start();
        victim.join(TimeUnit.SECONDS.toMillis(40));
        interrupts.close();
        completions.close();
        assertNull(problem.get());
        assertFalse(victim.isAlive(), "the poster did not finish");
        for (Completion r : drain(serverCq, messages)) {
            assertEquals(CompletionStatus.SUCCESS, r.status(), "receive " + r.wrId());
        }
        assertEquals(range(tx, 0, messages * 256), range(rx, 0, messages * 256));
        assertEquals(EndpointState.CONNECTED, ep[0].state());
    }

    /** Endpoints that exchanged messages and were closed hold no socket, selector or file any more. */
    @Test
    void closedEndpointsLetGoOfTheirFileDescriptors() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "no /proc/self/fd to count open files");
        MemoryRegion srvBuf = server.allocate(4096, Access.LOCAL_WRITE);
        MemoryRegion cliBuf = client.allocate(4096, Access.LOCAL_WRITE);
        long before = 0;
        // Round 0 warms up: what opens once per process (a class's jar, a provider's directory) is counted in "before".
        for (int round = 0; round < 3; round++) {
            if (round == 1) {
                before = settledOpenFiles(fds);
            }
            List<Endpoint[]> pairs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Endpoint[] ep = connect();
                pairs.add(ep);
                assertTrue(ep[1].postRecv(RecvRequest.of(i, srvBuf.sge(64L * i, 64))));
                assertTrue(ep[0].postSend(WorkRequest.send(i, cliBuf.sge(0, 32))));
            }
            for (Completion c : drain(serverCq, pairs.size())) {
                assertEquals(CompletionStatus.SUCCESS, c.status());
            }
            for (Completion c : drain(clientCq, pairs.size())) {
                assertEquals(CompletionStatus.SUCCESS, c.status());
            }
            for (Endpoint[] ep : pairs) {
                ep[0].close();
                ep[1].close();
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        long now = openFiles(fds);
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = openFiles(fds);
        }
        assertTrue(now <= before, "open files: " + before + " before the endpoints, " + now + " after closing them");
    }

    /** The count of open files once it stopped falling (closes still completing on other threads). */
    private static long settledOpenFiles(Path fds) throws Exception {
        long last = Long.MAX_VALUE;
        long now = openFiles(fds);
        while (now < last) {
            last = now;
            Thread.sleep(200);
            now = openFiles(fds);
        }
        return Math.min(now, last);
    }

    private static long openFiles(Path fds) throws java.io.IOException {
        try (var list = Files.list(fds)) {
            return list.count();
        }
    }

    @Test
    void respOverRdmaStyleStreamOfWritesWithImmediateArrivesInOrder() throws Exception {
        // The RESP-over-RDMA data plane: the sender WRITE_WITH_IMMs into the peer's RX buffer at
        // its TX offset with the byte count as immediate; the receiver reposts receives and
        // advances its fill offset by each immediate.
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(16, 16), EndpointOptions.of(serverCq).withDepths(16, 64));
        MemoryRegion rx = server.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion tx = client.allocate(1 << 20, Access.LOCAL_WRITE);
        fill(tx.buffer(), 2024);
        for (int i = 0; i < 64; i++) {
            assertTrue(ep[1].postRecv(RecvRequest.immOnly(i)));
        }
        int messages = 2000;
        CompletableFuture<Long> receiver = CompletableFuture.supplyAsync(() -> {
            long fill = 0;
            try {
                for (int got = 0; got < messages; got++) {
                    Completion c = serverCq.take(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    assertNotNull(c, "receiver stalled after " + got + " messages");
                    assertEquals(CompletionStatus.SUCCESS, c.status(), c.toString());
                    assertEquals(CompletionOpcode.RECV_RDMA_WITH_IMM, c.opcode());
                    assertEquals(c.immediate(), c.byteLength());
                    fill += c.immediate();
                    assertTrue(ep[1].postRecv(RecvRequest.immOnly(c.wrId())));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return fill;
        });
        long txOffset = 0;
        int inFlight = 0;
        for (int m = 0; m < messages; m++) {
            int len = 1 + (m * 37) % 500;
            while (inFlight == 16) {
                inFlight -= drain(clientCq, 1).size();
            }
            WorkRequest wr = WorkRequest.writeWithImm(m, tx.sge(txOffset, len), rx.address() + txOffset, rx.rkey(), len);
            assertTrue(ep[0].postSend(wr));
            inFlight++;
            txOffset += len;
        }
        for (Completion c : drain(clientCq, inFlight)) {
            assertEquals(CompletionStatus.SUCCESS, c.status());
        }
        assertEquals(txOffset, receiver.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(range(tx, 0, (int) txOffset), range(rx, 0, (int) txOffset));
    }

    @Test
    void completionsOfOneEndpointArriveInPostingOrder() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ | Access.REMOTE_WRITE);
        MemoryRegion local = client.allocate(1 << 20, Access.LOCAL_WRITE);
        MemoryRegion rx = server.allocate(4096, Access.LOCAL_WRITE);
        for (int i = 0; i < 10; i++) {
            ep[1].postRecv(RecvRequest.of(i, rx.sge(0, 64)));
        }
        List<WorkRequest> batch = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            switch (i % 3) {
                case 0:
                    batch.add(WorkRequest.read(i, local.sge(i * 4096L, 4096), remote.address() + i * 4096L, remote.rkey()));
                    break;
                case 1:
                    batch.add(WorkRequest.write(i, local.sge(i * 4096L, 512), remote.address() + i * 4096L, remote.rkey()));
                    break;
                default:
                    batch.add(i % 2 == 0 && i < 40 ? WorkRequest.send(i, local.sge(0, 16))
                            : WorkRequest.read(i, local.sge(i * 4096L, 64), remote.address(), remote.rkey()));
                    break;
            }
        }
        assertEquals(60, ep[0].postSend(batch));
        List<Completion> cs = drain(clientCq, 60);
        for (int i = 0; i < 60; i++) {
            assertEquals(i, cs.get(i).wrId());
            assertEquals(CompletionStatus.SUCCESS, cs.get(i).status());
        }
    }

    // ------------------------------------------------------------------ volume

    @Test
    void bigRegionReadInChunksWithManyOutstandingIsExact() throws Exception {
        long size = bigRegionBytes();
        int chunk = 1 << 20;
        int outstanding = 32;
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(outstanding, 16),
                EndpointOptions.of(serverCq).withDepths(16, 16));
        MemoryRegion remote = server.allocate(size, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 1234);
        MemoryRegion local = client.allocate(size, Access.LOCAL_WRITE);
        long chunks = size / chunk;
        long posted = 0;
        long done = 0;
        Completion[] buf = new Completion[outstanding];
        while (done < chunks) {
            while (posted < chunks && ep[0].sendQueueFree() > 0) {
                long off = posted * chunk;
                assertTrue(ep[0].postSend(WorkRequest.read(posted, local.sge(off, chunk), remote.address() + off,
                        remote.rkey())));
                posted++;
            }
            int n = clientCq.await(buf, buf.length, WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(n > 0, "stalled after " + done + " of " + chunks + " chunks");
            for (int i = 0; i < n; i++) {
                assertEquals(CompletionStatus.SUCCESS, buf[i].status());
            }
            done += n;
        }
        assertEquals(-1, remote.buffer().mismatch(local.buffer()), "copied region differs");
    }

    @Test
    void manyEndpointsAtOnce() throws Exception {
        int count = 16;
        MemoryRegion remote = server.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 5);
        MemoryRegion local = client.allocate((long) count << 16, Access.LOCAL_WRITE);
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            eps.add(connect(EndpointOptions.of(clientCq).withDepths(64, 8), EndpointOptions.of(serverCq).withDepths(8, 8))[0]);
        }
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < 16; k++) {
                long off = ((long) i << 16) + k * 4096L;
                assertTrue(eps.get(i).postSend(WorkRequest.read(i * 100L + k, local.sge(off, 4096),
                        remote.address() + ((i * 16L + k) * 4096) % (1 << 20), remote.rkey())));
            }
        }
        List<Completion> cs = drain(clientCq, count * 16);
        Set<Long> ids = new HashSet<>();
        for (Completion c : cs) {
            assertEquals(CompletionStatus.SUCCESS, c.status());
            ids.add(c.wrId());
        }
        assertEquals(count * 16, ids.size());
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < 16; k++) {
                long off = ((long) i << 16) + k * 4096L;
                assertEquals(range(remote, ((i * 16L + k) * 4096) % (1 << 20), 4096), range(local, off, 4096));
            }
        }
    }

    @Test
    void concurrentPostingFromSeveralThreads() throws Exception {
        int threads = 4;
        int perThread = 400;
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(4096, 16), EndpointOptions.of(serverCq));
        MemoryRegion remote = server.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 77);
        MemoryRegion local = client.allocate((long) threads * perThread * 64, Access.LOCAL_WRITE);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            fs.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long slot = (long) tt * perThread + i;
                    assertTrue(ep[0].postSend(WorkRequest.read(slot, local.sge(slot * 64, 64),
                            remote.address() + (slot * 64) % (1 << 20), remote.rkey())));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        pool.shutdown();
        List<Completion> cs = drain(clientCq, threads * perThread);
        Set<Long> ids = new HashSet<>();
        for (Completion c : cs) {
            assertEquals(CompletionStatus.SUCCESS, c.status());
            ids.add(c.wrId());
        }
        assertEquals(threads * perThread, ids.size());
        for (long slot = 0; slot < (long) threads * perThread; slot++) {
            assertEquals(range(remote, (slot * 64) % (1 << 20), 64), range(local, slot * 64, 64));
        }
    }

    // ------------------------------------------------------------------ protection

    private void assertRemoteAccessError(Endpoint ep, MemoryRegion local, WorkRequest wr) throws Exception {
        fill(local.buffer(), 99);
        ByteBuffer before = ByteBuffer.allocate((int) local.length()).put(local.buffer()).flip();
        assertTrue(ep.postSend(wr));
        Completion c = one(clientCq);
        assertEquals(CompletionStatus.REM_ACCESS_ERR, c.status(), c.toString());
        assertEquals(-1, before.mismatch(local.buffer()), "no byte may be returned on a remote access error");
        // As on a verbs RC QP, the endpoint is now in error and later requests are flushed.
        assertTrue(ep.postSend(WorkRequest.read(99, local.sge(0, 8), 0, 0)));
        assertEquals(CompletionStatus.WR_FLUSH_ERR, one(clientCq).status());
        assertEquals(EndpointState.ERROR, ep.state());
    }

    @Test
    void readWithWrongRkeyFailsWithRemoteAccessError() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 3);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertRemoteAccessError(ep[0], local, WorkRequest.read(1, local.sge(0, 4096), remote.address(), remote.rkey() ^ 0x5a5a));
    }

    @Test
    void readPastTheEndOfTheRegionFailsWithRemoteAccessError() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion other = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(other.buffer(), 4);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertRemoteAccessError(ep[0], local,
                WorkRequest.read(1, local.sge(0, 4096), remote.address() + (1 << 16) - 100, remote.rkey()));
    }

    @Test
    void readBelowTheRegionAndAtAnotherRegionsAddressFail() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion other = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(other.buffer(), 4);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertRemoteAccessError(ep[0], local, WorkRequest.read(1, local.sge(0, 16), other.address(), remote.rkey()));
        Endpoint[] ep2 = connect();
        assertRemoteAccessError(ep2[0], local, WorkRequest.read(2, local.sge(0, 16), remote.address() - 1, remote.rkey()));
    }

    @Test
    void readWithoutRemoteReadFlagFails() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        fill(remote.buffer(), 5);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertRemoteAccessError(ep[0], local, WorkRequest.read(1, local.sge(0, 4096), remote.address(), remote.rkey()));
    }

    @Test
    void writeWithoutRemoteWriteFlagFailsAndLeavesRegionUntouched() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        fill(local.buffer(), 5);
        assertTrue(ep[0].postSend(WorkRequest.write(1, local.sge(0, 4096), remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.REM_ACCESS_ERR, one(clientCq).status());
        assertBytes((byte) 0, remote.buffer());
    }

    @Test
    void largeReadSeesTheOwnersLatestBytesAndNothingOnceDeregistered() throws Exception {
        // Large READs may take another path than small ones (shm reads the region's file); the rules are the same.
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 8);
        MemoryRegion local = client.allocate(1 << 20, Access.LOCAL_WRITE);
        int n = 256 << 10;
        assertTrue(ep[0].postSend(WorkRequest.read(1, local.sge(4096, n), remote.address() + 65_536, remote.rkey())));
        assertEquals(CompletionStatus.SUCCESS, one(clientCq).status());
        assertEquals(range(remote, 65_536, n), range(local, 4096, n));
        assertBytes((byte) 0, range(local, 0, 4096));
        fill(remote.buffer(), 9);
        assertTrue(ep[0].postSend(WorkRequest.read(2, local.sge(0, n), remote.address() + 65_536, remote.rkey())));
        assertEquals(CompletionStatus.SUCCESS, one(clientCq).status());
        assertEquals(range(remote, 65_536, n), range(local, 0, n), "a READ returns what the owner wrote last");
        remote.deregister();
        local.buffer().put(0, (byte) 0x11);
        assertTrue(ep[0].postSend(WorkRequest.read(3, local.sge(0, n), remote.address() + 65_536, remote.rkey())));
        assertEquals(CompletionStatus.REM_ACCESS_ERR, one(clientCq).status());
        assertEquals((byte) 0x11, local.buffer().get(0));
    }

    @Test
    void deregisteredRegionCannotBeReadAnyMore() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(1 << 16, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 6);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertTrue(ep[0].postSend(WorkRequest.read(1, local.sge(0, 4096), remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.SUCCESS, one(clientCq).status());
        remote.deregister();
        remote.deregister();
        assertFalse(remote.isRegistered());
        assertThrows(ResourceClosedException.class, remote::buffer);
        local.buffer().put(0, (byte) 0x11);
        assertTrue(ep[0].postSend(WorkRequest.read(2, local.sge(0, 4096), remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.REM_ACCESS_ERR, one(clientCq).status());
        assertEquals((byte) 0x11, local.buffer().get(0));
    }

    @Test
    void unknownLkeyCompletesWithLocalProtectionError() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        ScatterGatherEntry bad = new ScatterGatherEntry(local.address(), 64, local.lkey() + 1000);
        assertTrue(ep[0].postSend(WorkRequest.read(1, bad, remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.LOC_PROT_ERR, one(clientCq).status());
        Endpoint[] ep2 = connect();
        ScatterGatherEntry outside = new ScatterGatherEntry(local.address() + 4000, 200, local.lkey());
        assertTrue(ep2[0].postSend(WorkRequest.read(2, outside, remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.LOC_PROT_ERR, one(clientCq).status());
    }

    @Test
    void sendLargerThanTheReceiveBufferFailsOnBothSides() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion rx = server.allocate(4096, Access.LOCAL_WRITE);
        MemoryRegion tx = client.allocate(4096, Access.LOCAL_WRITE);
        assertTrue(ep[1].postRecv(RecvRequest.of(1, rx.sge(0, 32))));
        assertTrue(ep[0].postSend(WorkRequest.send(2, tx.sge(0, 64))));
        assertEquals(CompletionStatus.REM_INV_REQ_ERR, one(clientCq).status());
        Completion r = one(serverCq);
        assertEquals(1, r.wrId());
        assertEquals(CompletionStatus.LOC_LEN_ERR, r.status());
    }

    @Test
    void sendWithoutPostedReceiveFailsAfterTheRnrTimeout() throws Exception {
        EndpointOptions so = EndpointOptions.of(serverCq).withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(200),
                Duration.ofSeconds(10));
        Endpoint[] ep = connect(EndpointOptions.of(clientCq), so);
        MemoryRegion tx = client.allocate(4096, Access.LOCAL_WRITE);
        assertTrue(ep[0].postSend(WorkRequest.send(1, tx.sge(0, 32))));
        assertEquals(CompletionStatus.RNR_RETRY_EXC_ERR, one(clientCq).status());
    }

    // ------------------------------------------------------------------ limits and life cycle

    @Test
    void sendQueueDepthIsEnforcedAndSlotsReturnOnPoll() throws Exception {
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(4, 2), EndpointOptions.of(serverCq));
        MemoryRegion remote = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        List<WorkRequest> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(WorkRequest.read(i, local.sge(0, 64), remote.address(), remote.rkey()));
        }
        assertEquals(4, ep[0].postSend(ten));
        assertEquals(0, ep[0].sendQueueFree());
        assertFalse(ep[0].postSend(ten.get(4)));
        drain(clientCq, 4);
        assertEquals(4, ep[0].sendQueueFree());
        assertEquals(2, ep[0].postRecv(List.of(RecvRequest.immOnly(1), RecvRequest.immOnly(2), RecvRequest.immOnly(3))));
        assertEquals(0, ep[0].recvQueueFree());
        assertThrows(InvalidRequestException.class, () -> ep[0].postSend(new WorkRequest(1, Opcode.READ,
                List.of(local.sge(0, 1), local.sge(1, 1), local.sge(2, 1), local.sge(3, 1), local.sge(4, 1)),
                remote.address(), remote.rkey(), 0, true)));
    }

    @Test
    void unsignaledSuccessesReturnTheirSlotsWithoutALaterSignaledRequest() throws Exception {
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(16, 16), EndpointOptions.of(serverCq));
        MemoryRegion rx = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion tx = client.allocate(4096, Access.LOCAL_WRITE);
        fill(tx.buffer(), 3);
        assertEquals(3, ep[1].postRecv(List.of(RecvRequest.immOnly(1), RecvRequest.immOnly(2), RecvRequest.immOnly(3))));
        List<WorkRequest> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(i % 2 == 0
                    ? WorkRequest.writeWithImm(i, tx.sge(i * 100, 100), rx.address() + i * 100, rx.rkey(), 100)
                            .withSignaled(false)
                    : WorkRequest.write(i, tx.sge(i * 100, 100), rx.address() + i * 100, rx.rkey()).withSignaled(false));
        }
        assertEquals(5, ep[0].postSend(batch));
        assertEquals(3, drain(serverCq, 3).size());
        // Acknowledged later (soft, shm) but acknowledged: the slots come back with nothing else posted.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ep[0].sendQueueFree() < 16) {
            assertTrue(System.nanoTime() < deadline, "slots still taken: " + (16 - ep[0].sendQueueFree()));
            Thread.sleep(5);
        }
        assertNull(clientCq.poll(), "unsignaled successes produce no completion");
        assertEquals(range(tx, 0, 500), range(rx, 0, 500));
    }

    @Test
    void aQueueKeptFullOfUnsignaledWritesDrainsAndKeepsOrderWithSignaledReads() throws Exception {
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(8, 8), EndpointOptions.of(serverCq));
        MemoryRegion remote = server.allocate(8192, Access.LOCAL_WRITE | Access.REMOTE_WRITE | Access.REMOTE_READ);
        MemoryRegion tx = client.allocate(8192, Access.LOCAL_WRITE);
        MemoryRegion rd = client.allocate(8192, Access.LOCAL_WRITE);
        int writes = 0;
        int reads = 0;
        List<Integer> expected = new ArrayList<>();
        List<Completion> done = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (writes < 2000) {
            assertTrue(System.nanoTime() < deadline, "the send queue stopped draining after " + writes + " writes");
            if (ep[0].sendQueueFree() == 0) {
                // a READ's slot comes back when its completion is polled, the writes' when acknowledged
                Completion c = clientCq.poll();
                if (c != null) {
                    done.add(c);
                }
                Thread.onSpinWait();
                continue;
            }
            int slot = writes % 8;
            tx.buffer().putInt(slot * 4, writes);
            WorkRequest wr;
            if (writes % 100 == 99) {
                // reads what the write 8 posts earlier put in this slot
                expected.add(writes - 8);
                wr = WorkRequest.read(1_000_000 + reads, rd.sge(reads * 4, 4), remote.address() + slot * 4, remote.rkey());
                reads++;
            } else {
                wr = WorkRequest.write(writes, tx.sge(slot * 4, 4), remote.address() + slot * 4, remote.rkey())
                            .withSignaled(false);
            }
            assertTrue(ep[0].postSend(wr));
            writes++;
        }
        // Only the signaled READs complete, in posting order, each after the writes posted before it.
        done.addAll(drain(clientCq, reads - done.size()));
        for (int i = 0; i < reads; i++) {
            assertEquals(1_000_000 + i, done.get(i).wrId());
            assertEquals(CompletionStatus.SUCCESS, done.get(i).status());
            assertEquals(expected.get(i), rd.buffer().getInt(i * 4));
        }
        assertNull(clientCq.poll());
    }

    @Test
    void completionQueueCapacityBoundsTheEndpointsAttached() {
        CompletionQueue small = client.createCompletionQueue(16);
        RdmaException e = assertThrows(RdmaException.class, () -> client.connect("127.0.0.1",
                listener.localAddress().getPort(), EndpointOptions.of(small).withDepths(16, 16)));
        assertTrue(e.getMessage().contains("capacity 16"), e.getMessage());
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAnError() throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertTrue(ep[0].postRecv(RecvRequest.of(9, local.sge(0, 64))));
        ep[0].close();
        ep[0].close();
        assertEquals(EndpointState.CLOSED, ep[0].state());
        Completion flushed = one(clientCq);
        assertEquals(9, flushed.wrId());
        assertEquals(CompletionStatus.WR_FLUSH_ERR, flushed.status());
        assertThrows(ResourceClosedException.class, () -> ep[0].postSend(WorkRequest.send(1, local.sge(0, 8))));
        assertThrows(ResourceClosedException.class, () -> ep[0].postRecv(RecvRequest.immOnly(1)));
        local.close();
        local.close();
        CompletionQueue cq = client.createCompletionQueue(4);
        cq.close();
        cq.close();
        assertThrows(ResourceClosedException.class, cq::poll);
        listener.close();
        listener.close();
        assertThrows(ResourceClosedException.class,
                () -> listener.accept(EndpointOptions.of(serverCq), 10, TimeUnit.MILLISECONDS));
        // the peer notices: its posted receive is flushed, not left hanging
        MemoryRegion srv = server.allocate(4096, Access.LOCAL_WRITE);
        ep[1].postRecv(RecvRequest.of(3, srv.sge(0, 64)));
        Completion peer = one(serverCq);
        assertEquals(CompletionStatus.WR_FLUSH_ERR, peer.status());
        client.close();
        client.close();
        assertThrows(ResourceClosedException.class, () -> client.allocate(16, Access.LOCAL_WRITE));
    }

    @Test
    void listenerCallbackRunsWhenCompletionsArrive() throws Exception {
        Endpoint[] ep = connect();
        CountDownLatch woken = new CountDownLatch(1);
        clientCq.setListener(woken::countDown);
        MemoryRegion remote = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
        assertTrue(ep[0].postSend(WorkRequest.read(1, local.sge(0, 64), remote.address(), remote.rkey())));
        assertTrue(woken.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNotNull(clientCq.poll());
    }

    @Test
    void acceptListenerWakesAnEventLoopThatAcceptsWithoutBlocking() throws Exception {
        CountDownLatch pending = new CountDownLatch(1);
        listener.setListener(pending::countDown);
        assertNull(listener.accept(EndpointOptions.of(serverCq), 0, TimeUnit.MILLISECONDS));
        CompletableFuture<Endpoint> c = CompletableFuture.supplyAsync(
                () -> client.connect("127.0.0.1", listener.localAddress().getPort(), EndpointOptions.of(clientCq)));
        assertTrue(pending.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Endpoint s = listener.accept(EndpointOptions.of(serverCq), 0, TimeUnit.MILLISECONDS);
        assertNotNull(s);
        assertEquals(EndpointState.CONNECTED, c.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).state());
    }

    @Test
    void connectToNothingFailsWithConnectException() {
        int port = listener.localAddress().getPort();
        listener.close();
        assertThrows(RdmaConnectException.class, () -> client.connect("127.0.0.1", port, EndpointOptions.of(clientCq)));
    }

    @Test
    void regionAddressesAreDistinctAndKeysDiffer() {
        MemoryRegion a = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion b = server.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_READ);
        assertNotEquals(0, a.address());
        assertTrue(a.address() + a.length() <= b.address() || b.address() + b.length() <= a.address());
        assertNotEquals(a.rkey(), b.rkey());
        assertEquals(4096, a.length());
        assertEquals(Access.LOCAL_WRITE | Access.REMOTE_READ, a.access());
        assertThrows(IllegalArgumentException.class, () -> server.allocate(16, Access.REMOTE_WRITE));
    }

    @Test
    void fileBackedRegionCanBeRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Endpoint[] ep = connect();
        MemoryRegion remote = server.register(dir.resolve("table.bin"), 0, 1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        fill(remote.buffer(), 31);
        MemoryRegion local = client.allocate(1 << 20, Access.LOCAL_WRITE);
        assertTrue(ep[0].postSend(WorkRequest.read(1, local.sge(0, 1 << 20), remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.SUCCESS, one(clientCq).status());
        assertEquals(-1, remote.buffer().mismatch(local.buffer()));
    }

    // ------------------------------------------------------------------ failures

    @Test
    void peerDeviceClosedMidTransferFlushesEverythingWithoutHanging() throws Exception {
        Endpoint[] ep = connect(EndpointOptions.of(clientCq).withDepths(64, 4), EndpointOptions.of(serverCq));
        MemoryRegion remote = server.allocate(64L << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        MemoryRegion local = client.allocate(64L << 20, Access.LOCAL_WRITE);
        List<WorkRequest> batch = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            batch.add(WorkRequest.read(i, local.sge((long) i << 20, 1 << 20), remote.address() + ((long) i << 20),
                    remote.rkey()));
        }
        assertEquals(64, ep[0].postSend(batch));
        server.close();
        List<Completion> cs = drain(clientCq, 64);
        int errors = 0;
        for (Completion c : cs) {
            if (!c.ok()) {
                errors++;
                assertTrue(c.status() == CompletionStatus.WR_FLUSH_ERR || c.status() == CompletionStatus.RETRY_EXC_ERR,
                        c.toString());
            }
        }
        awaitState(ep[0], EndpointState.ERROR);
        assertTrue(ep[0].postSend(WorkRequest.read(100, local.sge(0, 64), remote.address(), remote.rkey())));
        assertEquals(CompletionStatus.WR_FLUSH_ERR, one(clientCq).status());
        assertTrue(errors >= 0);
    }

    @Test
    void peerProcessKilledMidTransferFlushesWithoutHanging() throws Exception {
        String cp = System.getProperty("java.class.path");
        Process peer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                PeerMain.class.getName(), providerName(), String.valueOf(64 << 20)).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "peer process printed nothing");
            String[] f = line.split(" ");
            assertEquals("READY", f[0], line);
            int port = Integer.parseInt(f[1]);
            long address = Long.parseLong(f[2]);
            int rkey = Integer.parseInt(f[3]);
            Endpoint ep = client.connect("127.0.0.1", port, EndpointOptions.of(clientCq).withDepths(32, 4));
            MemoryRegion local = client.allocate(64L << 20, Access.LOCAL_WRITE);
            AtomicInteger posted = new AtomicInteger();
            int ok = 0;
            int failed = 0;
            boolean killed = false;
            Completion[] buf = new Completion[32];
            long deadline = System.nanoTime() + WAIT.toNanos();
            // Keep 32 READs of 1 MiB in flight; kill the peer after the first 64 complete. Stop
            // once the endpoint failed and nothing is outstanding: shm completes READs at post
            // time, so the death may be noticed between posts and flush no request at all.
            while ((failed == 0 && ep.state() == EndpointState.CONNECTED) || posted.get() > ok + failed) {
                assertTrue(System.nanoTime() < deadline, "hung: posted " + posted + ", ok " + ok + ", failed " + failed);
                while (failed == 0 && ep.sendQueueFree() > 0 && ep.state() == EndpointState.CONNECTED) {
                    long i = posted.getAndIncrement() % 64;
                    ep.postSend(WorkRequest.read(i, local.sge(i << 20, 1 << 20), address + (i << 20), rkey));
                }
                if (!killed && ok >= 64) {
                    peer.destroyForcibly();
                    killed = true;
                }
                int n = clientCq.await(buf, buf.length, 1, TimeUnit.SECONDS);
                for (int i = 0; i < n; i++) {
                    if (buf[i].ok()) {
                        ok++;
                    } else {
                        failed++;
                        assertTrue(buf[i].status() == CompletionStatus.WR_FLUSH_ERR
                                || buf[i].status() == CompletionStatus.RETRY_EXC_ERR, buf[i].toString());
                    }
                }
            }
            assertTrue(killed);
            assertTrue(ok >= 64);
            awaitState(ep, EndpointState.ERROR);
            assertTrue(ep.postSend(WorkRequest.read(1, local.sge(0, 64), address, rkey)));
            assertEquals(CompletionStatus.WR_FLUSH_ERR, one(clientCq).status());
        } finally {
            peer.destroyForcibly();
            peer.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void frozenPeerFailsOutstandingWorkAfterTheTransportTimeout() throws Exception {
        String cp = System.getProperty("java.class.path");
        Process peer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                PeerMain.class.getName(), providerName(), String.valueOf(1 << 20)).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String[] f = out.readLine().split(" ");
            assertEquals("READY", f[0]);
            EndpointOptions opts = EndpointOptions.of(clientCq).withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2),
                    Duration.ofSeconds(1));
            Endpoint ep = client.connect("127.0.0.1", Integer.parseInt(f[1]), opts);
            MemoryRegion local = client.allocate(4096, Access.LOCAL_WRITE);
            // SIGSTOP: the process keeps its sockets open but never answers again.
            assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(peer.pid())).start().waitFor());
            assertTrue(ep.postSend(WorkRequest.send(1, local.sge(0, 32))));
            assertTrue(ep.postSend(WorkRequest.send(2, local.sge(0, 32))));
            List<Completion> cs = drain(clientCq, 2);
            assertEquals(CompletionStatus.RETRY_EXC_ERR, cs.get(0).status(), cs.toString());
            assertEquals(CompletionStatus.WR_FLUSH_ERR, cs.get(1).status(), cs.toString());
            assertEquals(EndpointState.ERROR, ep.state());
        } finally {
            peer.destroyForcibly();
            new ProcessBuilder("kill", "-CONT", String.valueOf(peer.pid())).start().waitFor();
            peer.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void awaitState(Endpoint ep, EndpointState want) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ep.state() != want) {
            assertTrue(System.nanoTime() < deadline, "endpoint stayed " + ep.state());
            Thread.sleep(5);
        }
    }
}
