package dev.rkv.kvserver.repl;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client thread issuing random writes (strings, keys, expiry, two databases) until stopped or
 * a write budget is spent. Short expiries make the primary expire keys and propagate DELs.
 */
final class RandomWriter extends Thread {
    private final int port;
    private final long seed;
    private final int maxOps;
    private final AtomicBoolean stop;
    private final AtomicLong ops;
    private volatile Throwable failure;

    RandomWriter(int port, long seed, int maxOps, AtomicBoolean stop, AtomicLong ops) {
        super("random-writer-" + seed);
        this.port = port;
        this.seed = seed;
        this.maxOps = maxOps;
        this.stop = stop;
        this.ops = ops;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        Random rnd = new Random(seed);
        try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
            for (int i = 0; i < maxOps && !stop.get(); i++) {
                if (rnd.nextInt(50) == 0) {
                    j.select(rnd.nextInt(2));
                }
                String k = "k" + rnd.nextInt(300);
                try {
                    switch (rnd.nextInt(12)) {
                        case 0, 1, 2 -> j.set(k, "v" + rnd.nextInt(1_000_000) + "x".repeat(rnd.nextInt(40)));
                        case 3 -> j.incr("n" + rnd.nextInt(20));
                        case 4 -> j.del(k);
                        case 5 -> j.append(k, "+" + rnd.nextInt(100));
                        case 6 -> j.psetex(k, 5 + rnd.nextInt(200), "short");
                        case 7 -> j.expire(k, 100 + rnd.nextInt(1000));
                        case 8 -> j.mset(k, "m", "k" + rnd.nextInt(300), "m2");
                        case 9 -> j.incrByFloat("f" + rnd.nextInt(5), 0.5);
                        case 10 -> j.setrange(k, rnd.nextInt(10), "r");
                        default -> j.persist(k);
                    }
                } catch (JedisDataException expected) {
                    // WRONGTYPE or not-an-integer on a key another writer changed: still a valid workload
                }
                ops.incrementAndGet();
            }
        } catch (Throwable t) {
            failure = t;
        }
    }
}
