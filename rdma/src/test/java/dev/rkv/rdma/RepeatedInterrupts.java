package dev.rkv.rdma;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts a thread again and again at random moments, 1-50 us apart, until it ends or this is
 * closed: some interrupts land while the thread is inside a provider's blocking call.
 */
public final class RepeatedInterrupts implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    public RepeatedInterrupts(Thread victim) {
        thread = new Thread(() -> {
            while (!stop.get() && victim.isAlive()) {
                victim.interrupt();
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000, 50_000));
            }
        }, "interrupter");
    }

    /** Starts interrupting; the victim should be started first (an unstarted thread is not alive). */
    public void start() {
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
    }
}
