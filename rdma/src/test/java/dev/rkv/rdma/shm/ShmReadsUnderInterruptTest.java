package dev.rkv.rdma.shm;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionDrainer;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.EndpointState;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RepeatedInterrupts;
import dev.rkv.rdma.WorkRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * shm executes a READ on the posting thread, as a NIC would execute it for that thread: an
 * interrupt of that thread is for its own later waits, not for the READ. The READ completes
 * with the owner's bytes, the thread is still interrupted when {@code postSend} returns, and
 * nothing another thread reads on the same endpoint (the same region files, the same
 * channels) fails because of it: not a READ in flight, not a later one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShmReadsUnderInterruptTest {
    private static final int REGION_BYTES = 4 << 20;
    /** Large enough to be a pread of the region's file (at least {@link ShmPeer#PREAD_BYTES}). */
    private static final int LARGE = 256 << 10;
    private static final int SMALL = 4096;

    private RdmaDevice owner;
    private RdmaDevice reader;
    private CompletionQueue cq;
    private Endpoint endpoint;
    private MemoryRegion remote;

    @BeforeEach
    void connect() throws Exception {
        owner = new ShmProvider().open(DeviceOptions.defaults());
        reader = new ShmProvider().open(DeviceOptions.defaults());
        ConnectionListener listener = owner.listen("127.0.0.1", 0);
        cq = reader.createCompletionQueue(1024);
        CompletableFuture<Endpoint> c = CompletableFuture.supplyAsync(
            () -> reader.connect("127.0.0.1", listener.localAddress().getPort(), EndpointOptions.of(cq).withDepths(64, 16)));
        assertNotNull(listener.accept(EndpointOptions.of(owner.createCompletionQueue(1024)).withDepths(64, 16), 20, TimeUnit.SECONDS));
        endpoint = c.get(20, TimeUnit.SECONDS);
        remote = owner.allocate(REGION_BYTES, Access.LOCAL_WRITE | Access.REMOTE_READ);
        ByteBuffer b = remote.buffer().duplicate();
        for (long x = 17; b.remaining() >= 8; ) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b.putLong(x);
        }
    }

    @AfterEach
    void close() {
        // Whatever a failed assertion left behind, the next test's thread starts uninterrupted.
        Thread.interrupted();
        if (reader != null) {
            reader.close();
        }
        if (owner != null) {
            owner.close();
        }
    }

    @Test
    void anInterruptedThreadsReadsCompleteWithTheBytesAndItStaysInterrupted() throws Exception {
        MemoryRegion local = reader.allocate(LARGE + SMALL, Access.LOCAL_WRITE);
        boolean interruptedAfterSmall;
        boolean interruptedAfterLarge;
        Thread.currentThread().interrupt();
        try {
            // The first READ of a region maps it (FileChannel.size and map close the channel of an interrupted thread too).
            assertTrue(endpoint.postSend(WorkRequest.read(1, local.sge(0, SMALL), remote.address() + 100, remote.rkey())));
            interruptedAfterSmall = Thread.currentThread().isInterrupted();
            assertTrue(endpoint.postSend(WorkRequest.read(2, local.sge(SMALL, LARGE), remote.address() + 8192, remote.rkey())));
            interruptedAfterLarge = Thread.currentThread().isInterrupted();
        } finally {
            Thread.interrupted();
        }
        assertTrue(interruptedAfterSmall, "postSend kept the interrupt of a small READ's thread");
        assertTrue(interruptedAfterLarge, "postSend kept the interrupt of a large READ's thread");
        for (Completion c : List.of(take(1), take(2))) {
            assertEquals(CompletionStatus.SUCCESS, c.status(), "READ " + c.wrId() + " of an interrupted thread");
        }
        assertEquals(remote.buffer().slice(100, SMALL), local.buffer().slice(0, SMALL));
        assertEquals(remote.buffer().slice(8192, LARGE), local.buffer().slice(SMALL, LARGE));
        assertEquals(EndpointState.CONNECTED, endpoint.state());
    }

    @Test
    void aThreadInterruptedAgainAndAgainFailsNoReadOfItsOwnNorOfAnotherThread() throws Exception {
        int reads = 300;
        CompletionDrainer completions = new CompletionDrainer(cq);
        AtomicReference<Throwable> victimFailure = new AtomicReference<>();
        AtomicReference<Throwable> bystanderFailure = new AtomicReference<>();
        Thread victim = new Thread(() -> readAll(0, reads, true, completions, victimFailure), "interrupted-reader");
        Thread bystander = new Thread(() -> readAll(1, reads, false, completions, bystanderFailure), "bystander-reader");
        // Interrupts at random moments, so some land while a pread is in the kernel (the channel closes under it).
        RepeatedInterrupts interrupts = new RepeatedInterrupts(victim);
        victim.start();
        bystander.start();
        interrupts.start();
        victim.join(TimeUnit.SECONDS.toMillis(40));
        bystander.join(TimeUnit.SECONDS.toMillis(40));
        interrupts.close();
        completions.close();

        assertNull(bystanderFailure.get(), () -> "the other thread's READs: " + bystanderFailure.get());
        assertNull(victimFailure.get(), () -> "the interrupted thread's READs: " + victimFailure.get());
        assertEquals(EndpointState.CONNECTED, endpoint.state());
    }

    /** Posts {@code reads} large READs one after another, each checked for status and bytes; the first failure is kept. */
    private void readAll(int thread, int reads, boolean interruptEachTime, CompletionDrainer completions,
                         AtomicReference<Throwable> failure) {
        try {
            MemoryRegion local = reader.allocate(LARGE, Access.LOCAL_WRITE);
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < reads && problems.isEmpty(); i++) {
                long id = ((long) thread << 32) | i;
                int at = (int) ((i * 65_536L + thread * 4096L) % (REGION_BYTES - LARGE));
                if (interruptEachTime) {
                    Thread.currentThread().interrupt();
                }
                CompletableFuture<Completion> done = completions.of(id);
                assertTrue(endpoint.postSend(WorkRequest.read(id, local.sge(0, LARGE), remote.address() + at, remote.rkey())));
                if (interruptEachTime && !Thread.currentThread().isInterrupted()) {
                    problems.add("READ " + i + ": postSend cleared the thread's interrupt");
                }
                // join() waits whatever the thread's interrupt status, and leaves it as it was.
                Completion c = done.orTimeout(20, TimeUnit.SECONDS).join();
                if (c.status() != CompletionStatus.SUCCESS) {
                    problems.add("READ " + i + " completed with " + c.status());
                } else if (!remote.buffer().slice(at, LARGE).equals(local.buffer().slice(0, LARGE))) {
                    problems.add("READ " + i + " at " + at + " brought other bytes");
                }
            }
            if (!problems.isEmpty()) {
                failure.set(new AssertionError(problems.get(0)));
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private Completion take(long wrId) throws InterruptedException {
        Completion c = cq.take(20, TimeUnit.SECONDS);
        assertNotNull(c, "no completion for READ " + wrId);
        assertEquals(wrId, c.wrId());
        return c;
    }
}
