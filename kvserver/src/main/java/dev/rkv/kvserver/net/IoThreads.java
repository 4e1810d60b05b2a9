package dev.rkv.kvserver.net;

import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Threads that share one phase of the event loop's work with it, as Redis 7.0's IO threads do:
 * the loop hands each a part of a list (reading and parsing, or writing, for a set of
 * connections), does its own part, and waits until every part is done. While they run the loop
 * runs no command, so the keyspace and every client's state keep a single owner at any time;
 * the handover (a queue's release and acquire, the pending count) orders their writes before
 * the loop's next reads.
 *
 * <p>Each thread takes its parts from a bounded single-producer single-consumer queue of
 * JCTools: lock-free, no allocation per item (unlike {@link java.util.concurrent.ConcurrentLinkedQueue}'s
 * node per offer), and a library kept by others rather than a ring buffer of our own. An idle
 * thread spins a little, then parks until the loop hands it work.
 */
public final class IoThreads implements AutoCloseable {
    /**
     * Spins before an idle thread parks. Short: on a machine without cores to spare a spinning
     * thread takes its time from the loop and the clients (20,000 spins made io-threads 2 serve
     * GET 0.22x as fast on 2 cores).
     */
    private static final int SPINS_BEFORE_PARK = 2_000;
    private static final int QUEUE_CAPACITY = 16 * 1024;

    private final Worker[] workers;
    /** Fewer items than this run on the caller alone. */
    private final int handOverFrom;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean running = true;
    /** The job of the phase in progress; written before its items are queued. */
    private volatile BiConsumer<Object, ByteBuffer> job;

    /**
     * {@code extra} threads besides the caller's (Redis's io-threads N runs N - 1 of them); a
     * list shorter than {@code handOverFrom} is not handed over (Redis: io_threads * 2 pending
     * clients, below which handing over costs more than the threads save).
     */
    public IoThreads(int extra, String name, int handOverFrom) {
        if (extra < 1) {
            throw new IllegalArgumentException("io threads: " + extra);
        }
        this.handOverFrom = Math.max(2, handOverFrom);
        workers = new Worker[extra];
        for (int i = 0; i < extra; i++) {
            workers[i] = new Worker(name + "-" + (i + 1));
            workers[i].thread.start();
        }
    }

    /** Threads in all, the caller's included. */
    public int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code work} on every item, item i on thread i mod {@link #threads()} (0: the caller,
     * with {@code callerBuffer}), and returns once all are done; a short list runs on the caller
     * alone. {@code work} must not throw.
     */
    @SuppressWarnings("unchecked")
    public <T> void runAll(List<T> items, BiConsumer<T, ByteBuffer> work, ByteBuffer callerBuffer) {
        int n = threads();
        if (items.size() < handOverFrom) {
            for (T item : items) {
                work.accept(item, callerBuffer);
            }
            return;
        }
        job = (BiConsumer<Object, ByteBuffer>) work;
        int handed = 0;
        for (int i = 0; i < items.size(); i++) {
            int t = i % n;
            if (t == 0) {
                continue;
            }
            Worker w = workers[t - 1];
            pending.incrementAndGet();
            if (!w.queue.offer(items.get(i))) {
                // Full (more ready connections than the queue holds): the caller does it.
                pending.decrementAndGet();
                work.accept(items.get(i), callerBuffer);
            } else {
                handed++;
            }
        }
        if (handed > 0) {
            for (Worker w : workers) {
                LockSupport.unpark(w.thread);
            }
        }
        for (int i = 0; i < items.size(); i += n) {
            work.accept(items.get(i), callerBuffer);
        }
        int spins = 0;
        while (pending.get() > 0) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                // A worker descheduled on a busy machine: give it the core.
                Thread.yield();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        for (Worker w : workers) {
            try {
                w.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker implements Runnable {
        final SpscVarHandleArrayQueue<Object> queue = new SpscVarHandleArrayQueue<>(QUEUE_CAPACITY);
        final Thread thread;
        /** Each thread reads into its own buffer, as the loop does into its own. */
        final ByteBuffer buffer = ByteBuffer.allocateDirect(EventLoop.READ_BUFFER_BYTES);

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            int idle = 0;
            while (running) {
                Object item = queue.poll();
                if (item == null) {
                    if (++idle < SPINS_BEFORE_PARK) {
                        Thread.onSpinWait();
                    } else {
                        idle = 0;
                        LockSupport.parkNanos(this, 100_000_000L);
                    }
                    continue;
                }
                idle = 0;
                try {
                    job.accept(item, buffer);
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
