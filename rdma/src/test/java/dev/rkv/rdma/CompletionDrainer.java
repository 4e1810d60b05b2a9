package dev.rkv.rdma;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A thread that takes every completion of a queue and hands each to whoever waits for its work
 * request id. Tests whose posting threads are interrupted wait with {@link CompletableFuture#join},
 * which an interrupt neither ends nor clears, instead of a queue's interruptible await.
 */
public final class CompletionDrainer implements AutoCloseable {
    private final Map<Long, CompletableFuture<Completion>> byWrId = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    public CompletionDrainer(CompletionQueue cq) {
        thread = new Thread(() -> {
            Completion[] batch = new Completion[64];
            try {
                while (!stop.get()) {
                    int n = cq.await(batch, batch.length, 50, TimeUnit.MILLISECONDS);
                    for (int i = 0; i < n; i++) {
                        of(batch[i].wrId()).complete(batch[i]);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "completion-drainer");
        thread.start();
    }

    /** The completion of work request {@code wrId}, arrived or still to come. */
    public CompletableFuture<Completion> of(long wrId) {
        return byWrId.computeIfAbsent(wrId, id -> new CompletableFuture<>());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
    }
}
