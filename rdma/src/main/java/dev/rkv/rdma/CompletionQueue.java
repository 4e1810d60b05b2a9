package dev.rkv.rdma;

import java.util.concurrent.TimeUnit;

/**
 * A completion queue ({@code ibv_cq}), shared by any number of endpoints of one device.
 *
 * <p>Two ways to consume it: busy polling with {@link #poll(Completion[], int)} (never
 * blocks), or {@link #await(Completion[], int, long, TimeUnit)}, which blocks until at least
 * one completion is there or the timeout passes. An event loop that must not block installs
 * a {@link #setListener listener} (the analogue of a completion channel event) that wakes it,
 * e.g. {@code selector::wakeup}, and then polls.
 *
 * <p>Send- and receive-queue slots are returned to their endpoint when their completion is
 * polled, so a CQ never overflows: a device refuses to attach endpoints whose queue depths
 * add up to more than {@link #capacity()}.
 *
 * <p>Polling from several threads at once is safe; completions of one endpoint's send queue
 * are delivered in posting order.
 */
public interface CompletionQueue extends AutoCloseable {

    /** Maximum number of completions the queue can hold. */
    int capacity();

    /**
     * Moves up to {@code max} completions into {@code out[0..n)} without blocking.
     *
     * @return n, possibly 0
     * @throws ResourceClosedException if the queue is closed
     */
    int poll(Completion[] out, int max);

    /** The next completion, or null if there is none. */
    Completion poll();

    /**
     * Like {@link #poll(Completion[], int)} but waits up to {@code timeout} for the first
     * completion.
     *
     * @return the number of completions moved, 0 if the timeout passed
     */
    int await(Completion[] out, int max, long timeout, TimeUnit unit) throws InterruptedException;

    /** The next completion, waiting up to {@code timeout}; null if none came. */
    Completion take(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Installs a callback run (on a provider thread) each time completions are added. It must
     * be quick and must not poll; typical use is waking an event loop. Null removes it.
     */
    void setListener(Runnable listener);

    /** Number of completions currently queued (a snapshot). */
    int size();

    /** Closes the queue; idempotent. Endpoints using it must be closed first. */
    @Override
    void close();
}
