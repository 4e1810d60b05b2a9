package dev.rkv.replica;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client thread issuing random writes (strings of sizes that move keys between slot
 * classes, counters, deletes, expiry, MSET, RENAME, two databases; hashes, lists, sets and
 * sorted sets, small ones and a big hash and zset whose table records are rewritten in
 * batches, with the multi-key SMOVE, LMOVE and STORE forms) until stopped.
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
                    if (rnd.nextBoolean()) {
                        collectionWrite(j, rnd);
                        ops.incrementAndGet();
                        continue;
                    }
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

    /** Big enough that their records wait for several writes before the table has them again. */
    static final String BIG_HASH = "big:hash";
    static final String BIG_ZSET = "big:zset";

    private static void collectionWrite(Jedis j, Random rnd) {
        String h = "h" + rnd.nextInt(60);
        String l = "l" + rnd.nextInt(30);
        String s = "s" + rnd.nextInt(30);
        String z = "z" + rnd.nextInt(30);
        String member = "m" + rnd.nextInt(80);
        switch (rnd.nextInt(20)) {
            case 0 -> j.hset(h, "f" + rnd.nextInt(200), "v" + rnd.nextInt(1000) + "x".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 600 : 40)));
            case 1 -> j.hdel(h, "f" + rnd.nextInt(200));
            case 2 -> j.hincrBy(h, "n", rnd.nextInt(9) - 4);
            case 3 -> j.hset(BIG_HASH, "f" + rnd.nextInt(6000), Integer.toString(rnd.nextInt()));
            case 4 -> j.hdel(BIG_HASH, "f" + rnd.nextInt(6000));
            case 5 -> j.rpush(l, "e" + rnd.nextInt(100), "e" + rnd.nextInt(100));
            case 6 -> j.lpop(l, rnd.nextInt(3) + 1);
            case 7 -> j.lmove(l, "l" + rnd.nextInt(30), rnd.nextBoolean() ? ListDirection.LEFT : ListDirection.RIGHT, ListDirection.RIGHT);
            case 8 -> j.lrem(l, 0, "e" + rnd.nextInt(100));
            case 9 -> j.sadd(s, member, Integer.toString(rnd.nextInt(100)));
            case 10 -> j.srem(s, member);
            case 11 -> j.smove(s, "s" + rnd.nextInt(30), member);
            case 12 -> j.sinterstore("s" + rnd.nextInt(30), s, "s" + rnd.nextInt(30));
            case 13 -> j.spop(s);
            case 14 -> j.zadd(z, rnd.nextInt(1000) / 8.0, member);
            case 15 -> j.zincrby(z, rnd.nextDouble(), member);
            case 16 -> j.zpopmin(z);
            case 17 -> j.zunionstore("z" + rnd.nextInt(30), z, "z" + rnd.nextInt(30));
            case 18 -> j.zadd(BIG_ZSET, rnd.nextInt(100_000) / 4.0, "m" + rnd.nextInt(5000));
            default -> j.expire(rnd.nextBoolean() ? h : z, 100 + rnd.nextInt(1000));
        }
    }
}
