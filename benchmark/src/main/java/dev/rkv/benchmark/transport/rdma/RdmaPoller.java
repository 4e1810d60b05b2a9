package dev.rkv.benchmark.transport.rdma;

import dev.rkv.benchmark.transport.Connection;
import dev.rkv.benchmark.transport.Poller;
import dev.rkv.benchmark.transport.ReadyHandler;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaOptions;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread's event loop over RDMA channels. There is no selector: each channel's
 * completion queue calls back (on a provider thread) when completions arrive, the callback marks
 * the connection and unparks the poller's thread, and a poll drains the marked channels and
 * reports those with input, or with room for pending output (RDMA has no writable event; room
 * appears when a completion re-announces the peer's buffer). With nothing marked the thread
 * parks until a callback or the timeout: no spinning while idle.
 *
 * <p>Every channel is also polled at least once a second whatever happened, for the protocol's
 * timers (keepalive every 3 s, the silence timeout).
 */
final class RdmaPoller implements Poller {
    private static final long TIMER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RdmaDevice device;
    private final RespRdmaOptions options;
    private final List<RdmaConnection> connections = new ArrayList<>();
    /** The thread parked in {@link #poll}, or null; read by callbacks to unpark it. */
    private volatile Thread waiter;
    /** A callback ran since the current scan started: do not park. */
    private volatile boolean wakePending;
    private long lastTimerPoll = System.nanoTime();

    RdmaPoller(RdmaDevice device, RespRdmaOptions options) {
        this.device = device;
        this.options = options;
    }

    @Override
    public Connection connect(String host, int port, int timeoutMillis, Object attachment) throws IOException {
        RespRdmaChannel channel = RespRdmaChannel.connect(device, host, port,
            options.withConnectTimeout(Duration.ofMillis(Math.max(1, timeoutMillis))));
        RdmaConnection c = new RdmaConnection(channel, host + ":" + port, attachment);
        channel.setWakeup(() -> wake(c));
        connections.add(c);
        // completions may have arrived before the wake-up was set
        c.signaled = true;
        return c;
    }

    private void wake(RdmaConnection c) {
        c.signaled = true;
        wakePending = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    @Override
    public int poll(long timeoutMillis, ReadyHandler handler) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        while (true) {
            wakePending = false;
            int ready = scan(handler);
            if (ready > 0) {
                return ready;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            waiter = Thread.currentThread();
            try {
                if (!wakePending) {
                    LockSupport.parkNanos(this, left);
                }
            } finally {
                waiter = null;
            }
        }
    }

    /**
     * Polls the channels that need it (completions arrived, output waiting, or the once-a-second
     * timers) and calls the handler for those ready. The others are skipped without taking their
     * lock: a scan costs one volatile read per idle connection.
     */
    private int scan(ReadyHandler handler) throws IOException {
        long now = System.nanoTime();
        boolean timers = now - lastTimerPoll >= TIMER_NANOS;
        if (timers) {
            lastTimerPoll = now;
        }
        int ready = 0;
        for (int i = 0; i < connections.size(); i++) {
            RdmaConnection c = connections.get(i);
            if (!(c.signaled || c.wantWrite || timers)) {
                continue;
            }
            c.signaled = false;
            RespRdmaChannel ch = c.channel;
            ch.poll();
            boolean open = ch.isOpen();
            // A broken channel reads as -1 and its write throws with the reason: report it, so the owner learns.
            boolean readable = !open || ch.hasInput();
            boolean writable = c.wantWrite && (!open || ch.writableBytes() > 0);
            if (readable || writable) {
                ready++;
                handler.ready(c, readable, writable);
                if (open && ch.hasInput()) {
                    // the handler left input behind (a small read buffer): look again next scan
                    c.signaled = true;
                }
            }
        }
        return ready;
    }

    @Override
    public void close() {
        for (RdmaConnection c : connections) {
            c.close();
        }
        connections.clear();
    }
}
