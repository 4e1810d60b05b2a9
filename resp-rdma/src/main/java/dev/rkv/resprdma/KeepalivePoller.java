package dev.rkv.resprdma;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Polls channels of blocking users in the background, so that a connection nobody reads from
 * (an idle pooled client) still sends keepalives and notices a dead peer. One daemon thread
 * for the process; each channel is polled every {@code keepalive / 3}.
 */
final class KeepalivePoller {
    private static final ScheduledExecutorService TIMER = create();

    private KeepalivePoller() {
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "resp-rdma-keepalive");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Starts polling {@code channel}; cancel the result when the channel is closed. */
    static ScheduledFuture<?> start(RespRdmaChannel channel) {
        long period = Math.max(1, channel.options().keepalive().toMillis() / 3);
        return TIMER.scheduleAtFixedRate(() -> {
            // poll() never throws for what the peer did; a bug must not kill the shared thread either
            try {
                channel.poll();
            } catch (RuntimeException e) {
                System.getLogger(KeepalivePoller.class.getName()).log(System.Logger.Level.ERROR,
                        "polling " + channel + " failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }
}
