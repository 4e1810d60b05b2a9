package dev.rkv.kvserver.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The single thread that owns connections and the keyspace: waits on a selector, runs IO
 * handlers, tasks handed over by other threads, deferred flushes and periodic (cron) work.
 * Nothing run on it may block.
 */
public final class EventLoop implements Runnable {
    /** Something registered with the selector that reacts to readiness. */
    public interface Handler {
        void onReady(SelectionKey key) throws IOException;

        /** The handler failed: release its resources. */
        void onError(Exception e);
    }

    /**
     * Something made ready by another thread rather than by the selector (RDMA completions): it
     * calls {@link #signal} from that thread and is served on the loop.
     */
    public interface Signaled {
        void onSignal();
    }

    /**
     * Size of the read buffer the loop's connections share. One per loop, not per connection,
     * so it can be large: a 1 MB SET arrives in 4 reads instead of 16, where Redis reads a big
     * argument in as few reads as its length allows.
     */
    public static final int READ_BUFFER_BYTES = 256 * 1024;

    /**
     * Takes ready keys to serve together once the selected keys were gone through (IO threads):
     * {@link #take} says whether it took one, so that the loop does not run its handler.
     */
    public interface ReadyBatch {
        boolean take(SelectionKey key);

        void serve();
    }

    private ReadyBatch batch;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Queue<Signaled> signaled = new ConcurrentLinkedQueue<>();
    private final Set<Flushable> pendingFlush = new LinkedHashSet<>();
    private final List<CronTask> cron = new ArrayList<>();
    private final Consumer<Throwable> errorHandler;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private Thread thread;
    private long errors;

    /** Output that should be written at the end of this loop iteration. */
    public interface Flushable {
        void flush();
    }

    private static final class CronTask {
        final long periodMs;
        final Runnable task;
        long nextRunMs;

        CronTask(long periodMs, Runnable task, long now) {
            this.periodMs = periodMs;
            this.task = task;
            this.nextRunMs = now + periodMs;
        }
    }

    public EventLoop(Consumer<Throwable> errorHandler) throws IOException {
        this.selector = Selector.open();
        this.errorHandler = errorHandler;
    }

    public Selector selector() {
        return selector;
    }

    public void start(String name) {
        thread = new Thread(this, name);
        thread.start();
    }

    /**
     * The buffer connections read into, one for the loop (loop thread only): a connection's input
     * is parsed before another connection reads, and the parser keeps what it has not finished.
     */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Serves some ready keys through {@code b} (call before start). */
    public void batch(ReadyBatch b) {
        this.batch = b;
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs a task on the loop thread (from any thread). */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /**
     * Queues {@code s} to be served on the loop and wakes the selector (from any thread). The
     * caller avoids queueing itself twice (e.g. with a flag it clears in {@code onSignal}).
     */
    public void signal(Signaled s) {
        signaled.add(s);
        selector.wakeup();
    }

    /** Schedules a periodic task; call before start or from the loop. */
    public void every(long periodMs, Runnable task) {
        cron.add(new CronTask(periodMs, task, System.currentTimeMillis()));
    }

    /** Writes this output at the end of the current iteration (loop thread only). */
    public void flushLater(Flushable f) {
        pendingFlush.add(f);
    }

    public void stop() {
        running = false;
        selector.wakeup();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Waits at most {@code ms} for the loop to stop; false when it is still running (a long command). */
    public boolean awaitStop(long ms) throws InterruptedException {
        return stopped.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Errors reported by handlers and tasks since start. */
    public long errors() {
        return errors;
    }

    @Override
    public void run() {
        try {
            while (running) {
                long now = System.currentTimeMillis();
                long timeout = 100;
                for (CronTask c : cron) {
                    timeout = Math.min(timeout, Math.max(1, c.nextRunMs - now));
                }
                if (pendingFlush.isEmpty() && tasks.isEmpty() && signaled.isEmpty()) {
                    selector.select(timeout);
                } else {
                    selector.selectNow();
                }
                processSelected();
                serveBatch();
                processSignaled();
                runTasks();
                flushPending();
                runCron();
            }
        } catch (IOException | RuntimeException | Error e) {
            report(e);
        } finally {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof Handler h) {
                    h.onError(new IOException("server shutting down"));
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                report(e);
            }
            stopped.countDown();
        }
    }

    private void processSelected() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Handler h = (Handler) key.attachment();
            try {
                if (key.isValid() && (batch == null || !batch.take(key))) {
                    h.onReady(key);
                }
            } catch (IOException e) {
                h.onError(e);
            } catch (Throwable t) {
                // Any failure, Errors included, costs this handler only: the loop serves everyone.
                report(t);
                h.onError(t instanceof Exception e ? e : new IOException("handler failed: " + t, t));
            }
        }
    }

    private void serveBatch() {
        if (batch != null) {
            try {
                batch.serve();
            } catch (Throwable t) {
                report(t);
            }
        }
    }

    private void processSignaled() {
        // Only what was queued before this pass: one signaling itself again waits for the next iteration.
        for (int n = signaled.size(); n > 0; n--) {
            Signaled s = signaled.poll();
            if (s == null) {
                return;
            }
            try {
                s.onSignal();
            } catch (Throwable t) {
                report(t);
            }
        }
    }

    private void runTasks() {
        Runnable r;
        int budget = 1024;
        while (budget-- > 0 && (r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (Throwable t) {
                report(t);
            }
        }
    }

    private void flushPending() {
        if (pendingFlush.isEmpty()) {
            return;
        }
        List<Flushable> batch = new ArrayList<>(pendingFlush);
        pendingFlush.clear();
        for (Flushable f : batch) {
            try {
                f.flush();
            } catch (Throwable t) {
                report(t);
            }
        }
    }

    private void runCron() {
        long now = System.currentTimeMillis();
        for (CronTask c : cron) {
            if (now >= c.nextRunMs) {
                c.nextRunMs = now + c.periodMs;
                try {
                    c.task.run();
                } catch (Throwable t) {
                    report(t);
                }
            }
        }
    }

    private void report(Throwable t) {
        errors++;
        errorHandler.accept(t);
    }
}
