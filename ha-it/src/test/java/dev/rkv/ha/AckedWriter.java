package dev.rkv.ha;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write load through a {@link JedisSentinelPool}, as an application under Sentinel runs it: SET
 * {@code key:i}, then {@code WAIT 1 2000}; a write counts as acknowledged only when WAIT reports at
 * least one replica. Failures (the primary is gone, a replica answers READONLY) are counted and
 * the next key is tried, until {@link #close()}.
 */
final class AckedWriter implements AutoCloseable {
    private final JedisSentinelPool pool;
    private final Thread thread;
    private final List<Integer> acked = new CopyOnWriteArrayList<>();
    /** System.nanoTime() of each acknowledgement, parallel to {@link #acked}. */
    private final List<Long> ackedAt = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean stop;

    AckedWriter(JedisSentinelPool pool) {
        this.pool = pool;
        this.thread = new Thread(this::run, "acked-writer");
        thread.setDaemon(true);
        thread.start();
    }

    static String key(int i) {
        return "key:" + i;
    }

    static String value(int i) {
        return "value-" + i;
    }

    private void run() {
        for (int i = 0; !stop; i++) {
            attempts.set(i + 1);
            try (Jedis j = pool.getResource()) {
                j.set(key(i), value(i));
                if (j.waitReplicas(1, 2_000) >= 1) {
                    ackedAt.add(System.nanoTime());
                    acked.add(i);
                }
            } catch (JedisException e) {
                failures.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Indexes of the acknowledged writes so far, in order. */
    List<Integer> acked() {
        return List.copyOf(acked);
    }

    /** When the first write with an index above {@code index} was acknowledged (System.nanoTime), -1 if none was. */
    long firstAckAfter(int index) {
        for (int k = 0; k < acked.size(); k++) {
            if (acked.get(k) > index) {
                return ackedAt.get(k);
            }
        }
        return -1;
    }

    /** Writes tried so far (their indexes are 0 .. attempts-1). */
    int attempts() {
        return attempts.get();
    }

    int failures() {
        return failures.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("the writer did not stop within 30 s");
        }
    }
}
