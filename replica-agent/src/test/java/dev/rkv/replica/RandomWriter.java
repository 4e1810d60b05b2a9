package dev.rkv.replica;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client thread issuing random writes (strings of sizes that move keys between slot
 * classes, counters, deletes, expiry, MSET, RENAME, two databases) until stopped.
 */
final class RandomWriter extends Thread {
    private final int port;
    private final long seed;
    private final AtomicBoolean stop;
    private final AtomicLong ops;
    private volatile Throwable failure;

    RandomWriter(int port, long seed, AtomicBoolean stop, AtomicLong ops) {
        super("random-writer-" + seed);
        this.port = port;
        this.seed = seed;
        this.stop = stop;
        this.ops = ops;
        setDaemon(true);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        Random rnd = new Random(seed);
        try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
            while (!stop.get()) {
                if (rnd.nextInt(50) == 0) {
                    j.select(rnd.nextInt(2));
                }
                String k = "k" + rnd.nextInt(500);
                try {
                    switch (rnd.nextInt(15)) {
                        case 13 -> {
                            redis.clients.jedis.Transaction t = j.multi();
                            t.incr("n" + rnd.nextInt(20));
                            t.append(k, "t");
                            t.exec();
                        }
                        case 0, 1, 2 -> j.set(k, "v" + rnd.nextInt(1_000_000) + "x".repeat(rnd.nextInt(rnd.nextInt(8) == 0 ? 3000 : 60)));
                        case 3 -> j.incr("n" + rnd.nextInt(20));
                        case 4 -> j.del(k, "k" + rnd.nextInt(500));
                        case 5 -> j.append(k, "+" + "a".repeat(rnd.nextInt(200)));
                        case 6 -> j.psetex(k, 5 + rnd.nextInt(200), "short");
                        case 7 -> j.expire(k, 100 + rnd.nextInt(1000));
                        case 8 -> j.mset(k, "m", "k" + rnd.nextInt(500), "m2");
                        case 9 -> j.incrByFloat("f" + rnd.nextInt(5), 0.5);
                        case 10 -> j.setrange(k, rnd.nextInt(10), "r");
                        case 11 -> {
                            if (rnd.nextInt(10) == 0) {
                                j.rename(k, "k" + rnd.nextInt(500));
                            } else {
                                j.set(k, "plain");
                            }
                        }
                        default -> j.persist(k);
                    }
                } catch (JedisDataException expected) {
                    // no such key for RENAME, not an integer: still a valid workload
                }
                ops.incrementAndGet();
            }
        } catch (Throwable t) {
            failure = t;
        }
    }
}
