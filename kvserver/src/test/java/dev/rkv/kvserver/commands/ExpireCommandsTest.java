package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.SharedServerTest;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ExpiryOption;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of the expiry commands, and of expiry itself, over a real socket with Jedis. */
class ExpireCommandsTest extends SharedServerTest {

    /** Polls a condition (expiry is time-driven) for at most five seconds. */
    static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void ttlReportsMissingPersistentAndVolatileKeys() {
        assertEquals(-2, jedis.ttl("missing"));
        assertEquals(-2, jedis.pttl("missing"));
        jedis.set("k", "v");
        assertEquals(-1, jedis.ttl("k"));
        assertEquals(-1, jedis.pexpireTime("k"));
        assertEquals(1, jedis.expire("k", 100));
        long ttl = jedis.pttl("k");
        assertTrue(ttl > 99_000 && ttl <= 100_000, "pttl " + ttl);
        long seconds = jedis.ttl("k");
        assertTrue(seconds == 99 || seconds == 100, "ttl " + seconds);
    }

    @Test
    void expireFamilySetsAbsoluteTimes() {
        jedis.mset("a", "1", "b", "2", "c", "3", "d", "4");
        long nowS = System.currentTimeMillis() / 1000;
        jedis.expire("a", 100);
        jedis.pexpire("b", 100_000);
        jedis.expireAt("c", nowS + 100);
        jedis.pexpireAt("d", (nowS + 100) * 1000);
        assertEquals(nowS + 100, jedis.expireTime("c"));
        assertEquals((nowS + 100) * 1000, jedis.pexpireTime("d"));
        for (String k : new String[] {"a", "b", "c", "d"}) {
            long t = jedis.ttl(k);
            assertTrue(t >= 98 && t <= 100, k + " ttl " + t);
        }
        assertEquals(0, jedis.expire("missing", 10));
    }

    @Test
    void expireOptionsCompareWithTheCurrentExpiry() {
        jedis.set("k", "v");
        assertEquals(0, jedis.expire("k", 100, ExpiryOption.XX));
        assertEquals(0, jedis.expire("k", 100, ExpiryOption.GT));
        assertEquals(1, jedis.expire("k", 100, ExpiryOption.LT));
        assertEquals(0, jedis.expire("k", 50, ExpiryOption.NX));
        assertEquals(0, jedis.expire("k", 50, ExpiryOption.GT));
        assertEquals(1, jedis.expire("k", 200, ExpiryOption.GT));
        assertEquals(0, jedis.expire("k", 300, ExpiryOption.LT));
        assertEquals(1, jedis.expire("k", 150, ExpiryOption.LT));
        assertEquals(1, jedis.expire("k", 10, ExpiryOption.XX));
        assertTrue(jedis.ttl("k") <= 10);
    }

    @Test
    void expireRejectsIncompatibleOptionsAndOverflow() {
        jedis.set("k", "v");
        assertError("ERR NX and XX, GT or LT options at the same time are not compatible",
            () -> jedis.sendCommand(ExpireCmd.EXPIRE, "k", "10", "NX", "XX"));
        assertError("ERR GT and LT options at the same time are not compatible",
            () -> jedis.sendCommand(ExpireCmd.EXPIRE, "k", "10", "GT", "LT"));
        assertError("ERR Unsupported option FOO", () -> jedis.sendCommand(ExpireCmd.EXPIRE, "k", "10", "FOO"));
        assertError("ERR invalid expire time in 'expire' command",
            () -> jedis.sendCommand(ExpireCmd.EXPIRE, "k", "9223372036854775807"));
        assertError("ERR invalid expire time in 'pexpire' command",
            () -> jedis.sendCommand(ExpireCmd.PEXPIRE, "k", "9223372036854775807"));
        assertError("ERR value is not an integer or out of range", () -> jedis.sendCommand(ExpireCmd.EXPIRE, "k", "x"));
        assertEquals(-1, jedis.ttl("k"));
    }

    @Test
    void expiryInThePastDeletesTheKeyAtOnce() {
        jedis.mset("a", "1", "b", "2", "c", "3");
        assertEquals(1, jedis.expire("a", -1));
        assertEquals(1, jedis.pexpireAt("b", 1));
        assertEquals(1, jedis.expireAt("c", 0));
        assertEquals(0, jedis.dbSize());
    }

    @Test
    void persistRemovesOnlyAnExistingExpiry() {
        jedis.set("k", "v");
        assertEquals(0, jedis.persist("k"));
        jedis.expire("k", 100);
        assertEquals(1, jedis.persist("k"));
        assertEquals(-1, jedis.ttl("k"));
        assertEquals(0, jedis.persist("missing"));
    }

    @Test
    void expiredKeysVanishOnAccess() {
        jedis.psetex("k", 20, "v");
        eventually(() -> jedis.get("k") == null, "GET sees the key expired");
        assertEquals(-2, jedis.ttl("k"));
        assertFalse(jedis.exists("k"));
    }

    @Test
    void activeExpiryCollectsKeysNobodyReads() {
        for (int i = 0; i < 50; i++) {
            jedis.psetex("k" + i, 10, "v");
        }
        jedis.set("keep", "v");
        eventually(() -> jedis.dbSize() == 1, "the expiry cycle removes all 50 volatile keys");
        assertNull(jedis.get("k0"));
        assertEquals("v", jedis.get("keep"));
    }

    /** Commands sent raw, for argument shapes Jedis's typed API does not produce. */
    enum ExpireCmd implements redis.clients.jedis.commands.ProtocolCommand {
        EXPIRE, PEXPIRE;

        @Override
        public byte[] getRaw() {
            return name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
