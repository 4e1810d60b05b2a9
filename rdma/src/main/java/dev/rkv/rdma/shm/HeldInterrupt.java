package dev.rkv.rdma.shm;

/**
 * The calling thread's interrupt, held back while shm executes a request on that thread and
 * set again when it is done. A FileChannel closes itself when the thread using it is
 * interrupted (before or during the call), which would fail the request and every other
 * request sharing the channel; the interrupt is meant for the thread's own later waits
 * (a completion queue's await), as it would be if a NIC executed the request.
 */
final class HeldInterrupt implements AutoCloseable {
    private boolean held;

    private HeldInterrupt() {
        held = Thread.interrupted();
    }

    /** Clears the calling thread's interrupt, to be set again by {@link #close()}. */
    static HeldInterrupt hold() {
        return new HeldInterrupt();
    }

    /** After a channel closed because an interrupt arrived meanwhile: takes that interrupt too, so a retry can run. */
    void takeAgain() {
        held |= Thread.interrupted();
    }

    /** Sets the interrupt again if the thread had one, on entry or since. */
    @Override
    public void close() {
        if (held) {
            Thread.currentThread().interrupt();
        }
    }
}
