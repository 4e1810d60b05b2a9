package dev.rkv.resprdma;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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

    /**
     * Starts polling {@code channel} until it is no longer open (then the task ends itself, so a
     * channel closed directly leaves nothing behind); cancelling the result stops it sooner.
     */
    static ScheduledFuture<?> start(RespRdmaChannel channel) {
        long period = Math.max(1, channel.options().keepalive().toMillis() / 3);
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        ScheduledFuture<?> f = TIMER.scheduleAtFixedRate(() -> {
            if (!channel.isOpen()) {
                ScheduledFuture<?> me = self.get();
                if (me != null) {
                    me.cancel(false);
                }
                return;
            }
            // poll() never throws for what the peer did; a bug must not kill the shared thread either
            try {
                channel.poll();
            } catch (RuntimeException e) {
                System.getLogger(KeepalivePoller.class.getName()).log(System.Logger.Level.ERROR,
                        "polling " + channel + " failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        self.set(f);
        return f;
    }
}
