package dev.rkv.cli.testing;

import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes keys {@code w:<i>} to a primary one at a time, each followed by {@code WAIT 1 <ms>}, and
 * remembers the ones WAIT acknowledged (a replica had them): those are the writes that must
 * never be lost, whatever happens to the primary afterwards. Stops at the first error (the
 * primary was killed) or when asked.
 */
public final class AckedWriter implements AutoCloseable {
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> acked = new ArrayList<>();
    private volatile String ended = "running";

    private AckedWriter(RkvNode primary, int gen, long waitMillis) {
        thread = new Thread(() -> {
            try (Jedis j = primary.jedis()) {
                for (long i = 0; !stop.get(); i++) {
                    String key = "w:" + i;
                    j.set(key, Generation.value(gen, i, 32));
                    if (j.waitReplicas(1, waitMillis) >= 1) {
                        synchronized (acked) {
                            acked.add(key);
                        }
                    }
                }
                ended = "stopped";
            } catch (RuntimeException e) {
                ended = e.toString();
            }
        }, "acked-writer");
        thread.setDaemon(true);
    }

    public static AckedWriter start(RkvNode primary, int gen, long waitMillis) {
        AckedWriter w = new AckedWriter(primary, gen, waitMillis);
        w.thread.start();
        return w;
    }

    public int ackedCount() {
        synchronized (acked) {
            return acked.size();
        }
    }

    /** Waits until at least {@code n} writes were acknowledged. */
    public void awaitAcked(int n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ackedCount() < n) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                throw new AssertionError("only " + ackedCount() + " of " + n + " writes acknowledged by WAIT; writer: " + ended);
            }
            Thread.sleep(5);
        }
    }

    /** Keys acknowledged so far. */
    public List<String> acked() {
        synchronized (acked) {
            return List.copyOf(acked);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }
}
