package dev.rkv.rdma.soft;

import java.util.concurrent.TimeUnit;

/**
 * A warning that a flood of peers cannot turn into a flood of log lines: logged at most once
 * per interval, with how many like it were left out since. Used by one thread.
 */
final class ThrottledWarning {
    private static final System.Logger LOG = System.getLogger(SoftListener.class.getName());

    private final long intervalNanos;
    private long lastNanos;
    private boolean loggedOnce;
    private long suppressed;

    ThrottledWarning(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    void log(String message) {
        long now = System.nanoTime();
        if (loggedOnce && now - lastNanos < intervalNanos) {
            suppressed++;
            return;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " similar messages suppressed)";
        LOG.log(System.Logger.Level.WARNING, message + more);
        loggedOnce = true;
        lastNanos = now;
        suppressed = 0;
    }
}
