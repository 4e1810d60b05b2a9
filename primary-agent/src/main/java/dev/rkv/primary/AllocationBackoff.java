package dev.rkv.primary;

/**
 * When the mirror may try again to get a new region after one could not be allocated or
 * registered, and what went wrong. A failed allocation can be slow (the JVM collects and
 * waits before it gives up on direct memory) and runs on the event loop, so it is not tried
 * on every write: the wait doubles from {@value #FIRST_WAIT_MS} ms up to {@value #MAX_WAIT_MS} ms.
 *
 * <p>Owned by the event loop, like the mirror.
 */
final class AllocationBackoff {
    static final long FIRST_WAIT_MS = 100;
    static final long MAX_WAIT_MS = 10_000;

    private long failures;
    private int consecutive;
    private long nextAttemptMs;
    private String reason;

    /** Whether an allocation may be tried at {@code nowMs}. */
    boolean mayTry(long nowMs) {
        return consecutive == 0 || nowMs >= nextAttemptMs;
    }

    /**
     * Records a failed allocation.
     *
     * @return true when it starts a run of failures (the one to log)
     */
    boolean failed(String why, long nowMs) {
        failures++;
        consecutive++;
        reason = why;
        nextAttemptMs = nowMs + waitMs();
        return consecutive == 1;
    }

    /**
     * Records a successful allocation.
     *
     * @return true when it ends a run of failures
     */
    boolean succeeded() {
        boolean recovered = consecutive > 0;
        consecutive = 0;
        reason = null;
        return recovered;
    }

    /** The wait after the current run of failures. */
    long waitMs() {
        return consecutive == 0 ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS << Math.min(consecutive - 1, 20));
    }

    boolean failing() {
        return consecutive > 0;
    }

    /** What the last failure of the current run was, or null. */
    String reason() {
        return reason;
    }

    /** Failed allocations since the start. */
    long failures() {
        return failures;
    }
}
