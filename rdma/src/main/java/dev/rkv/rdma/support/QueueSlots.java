package dev.rkv.rdma.support;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slots of one send or receive queue. A slot is taken when a request is posted and given
 * back when its completion is polled (or when an unsignaled request finishes), which is how
 * verbs bounds both the queue and the completion queue behind it.
 */
public final class QueueSlots {
    private final int depth;
    private final AtomicInteger used = new AtomicInteger();

    public QueueSlots(int depth) {
        this.depth = depth;
    }

    public int depth() {
        return depth;
    }

    /** Takes up to {@code wanted} slots; returns how many were taken. */
    public int acquire(int wanted) {
        while (true) {
            int u = used.get();
            int n = Math.min(wanted, depth - u);
            if (n <= 0) {
                return 0;
            }
            if (used.compareAndSet(u, u + n)) {
                return n;
            }
        }
    }

    /** Gives back one slot. */
    public void release() {
        used.decrementAndGet();
    }

    /** Gives back {@code n} slots. */
    public void release(int n) {
        used.addAndGet(-n);
    }

    public int free() {
        return depth - used.get();
    }
}
