package dev.rkv.kvserver.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The RDMA connections of one event loop, served once a second even when no completion wakes
 * them: that is when their keepalives go out and their silence timeouts are checked (a silent
 * peer produces no completion to wake anyone). Loop thread only.
 */
public final class RdmaTimers {
    /** How often every RDMA connection is polled; at most a third of the 3 s keepalive interval. */
    public static final long PERIOD_MS = 1000;

    private final Set<EventLoop.Signaled> members = new LinkedHashSet<>();

    public RdmaTimers(EventLoop loop) {
        loop.every(PERIOD_MS, this::tick);
    }

    void add(EventLoop.Signaled s) {
        members.add(s);
    }

    void remove(EventLoop.Signaled s) {
        members.remove(s);
    }

    /** How many are tracked (for tests and INFO). */
    public int size() {
        return members.size();
    }

    private void tick() {
        for (EventLoop.Signaled s : new ArrayList<>(members)) {
            s.onSignal();
        }
    }
}
