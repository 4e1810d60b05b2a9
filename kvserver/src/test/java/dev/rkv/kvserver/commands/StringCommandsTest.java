package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.SharedServerTest;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.resps.LCSMatchResult;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of the string commands over a real socket with Jedis. */
class StringCommandsTest extends SharedServerTest {

    @Test
    void getOnMissingKeyReturnsNil() {
        assertNull(jedis.get("missing"));
    }

    @Test
    void setThenGetReturnsTheValueBinarySafe() {
        byte[] value = {0, 1, (byte) 0xff, '\r', '\n'};
        assertEquals("OK", jedis.set("k".getBytes(StandardCharsets.UTF_8), value));
        assertArrayEquals(value, jedis.get("k".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void setNxOnlyCreatesAndXxOnlyOverwrites() {
        assertNull(jedis.set("k", "v", SetParams.setParams().xx()));
        assertFalse(jedis.exists("k"));
        assertEquals("OK", jedis.set("k", "v1", SetParams.setParams().nx()));
        assertNull(jedis.set("k", "v2", SetParams.setParams().nx()));
        assertEquals("OK", jedis.set("k", "v3", SetParams.setParams().xx()));
        assertEquals("v3", jedis.get("k"));
    }

    @Test
    void setWithGetReturnsTheOldValue() {
        assertNull(jedis.setGet("k", "v1"));
        assertEquals("v1", jedis.setGet("k", "v2"));
        assertEquals("v2", jedis.setGet("k", "v3", SetParams.setParams().nx()));
        assertEquals("v2", jedis.get("k"));
    }

    @Test
    void setExpiryOptionsSetAnAbsoluteExpiry() {
        jedis.set("ex", "v", SetParams.setParams().ex(100));
        jedis.set("px", "v", SetParams.setParams().px(100_000));
        long at = System.currentTimeMillis() / 1000 + 100;
        jedis.set("exat", "v", SetParams.setParams().exAt(at));
        jedis.set("pxat", "v", SetParams.setParams().pxAt(at * 1000));
        for (String k : List.of("ex", "px", "exat", "pxat")) {
            long ttl = jedis.ttl(k);
            assertTrue(ttl > 90 && ttl <= 100, k + " ttl " + ttl);
        }
        assertEquals(at, jedis.expireTime("exat"));
        assertEquals(at * 1000, jedis.pexpireTime("pxat"));
    }

    @Test
    void setKeepttlKeepsAndPlainSetClearsTheExpiry() {
        jedis.set("k", "v", SetParams.setParams().ex(100));
        jedis.set("k", "v2", SetParams.setParams().keepTtl());
        assertTrue(jedis.ttl("k") > 0);
        jedis.set("k", "v3");
        assertEquals(-1, jedis.ttl("k"));
    }

    @Test
    void setRejectsConflictingOptionsAndBadExpiries() {
        assertError("ERR syntax error", () -> jedis.sendCommand(Cmd.SET, "k", "v", "NX", "XX"));
        assertError("ERR syntax error", () -> jedis.sendCommand(Cmd.SET, "k", "v", "EX", "1", "PX", "1"));
        assertError("ERR syntax error", () -> jedis.sendCommand(Cmd.SET, "k", "v", "KEEPTTL", "EX", "1"));
        assertError("ERR syntax error", () -> jedis.sendCommand(Cmd.SET, "k", "v", "EX"));
        assertError("ERR invalid expire time in 'set' command", () -> jedis.sendCommand(Cmd.SET, "k", "v", "EX", "0"));
        assertError("ERR invalid expire time in 'set' command",
            () -> jedis.sendCommand(Cmd.SET, "k", "v", "EX", "9223372036854775807"));
        assertError("ERR value is not an integer or out of range",
            () -> jedis.sendCommand(Cmd.SET, "k", "v", "PX", "soon"));
        assertFalse(jedis.exists("k"));
    }

    @Test
    void setWithExpiryInThePastStoresAKeyThatIsAlreadyGone() {
        assertEquals("OK", jedis.set("k", "v", SetParams.setParams().pxAt(1)));
        assertNull(jedis.get("k"));
        assertEquals(0, jedis.dbSize());
    }

    @Test
    void setnxSetexPsetexAndGetset() {
        assertEquals(1, jedis.setnx("k", "v"));
        assertEquals(0, jedis.setnx("k", "w"));
        assertEquals("OK", jedis.setex("e", 100, "v"));
        assertTrue(jedis.ttl("e") > 90);
        assertEquals("OK", jedis.psetex("p", 100_000, "v"));
        assertTrue(jedis.pttl("p") > 90_000);
        assertError("ERR invalid expire time in 'setex' command", () -> jedis.setex("e", -1, "v"));
        assertError("ERR invalid expire time in 'psetex' command", () -> jedis.psetex("p", 0, "v"));
        assertEquals("v", jedis.getSet("e", "new"));
        assertEquals(-1, jedis.ttl("e"));
        assertNull(jedis.getSet("fresh", "v"));
    }

    @Test
    void getdelReturnsAndDeletes() {
        jedis.set("k", "v");
        assertEquals("v", jedis.getDel("k"));
        assertFalse(jedis.exists("k"));
        assertNull(jedis.getDel("k"));
    }

    @Test
    void getexChangesOrRemovesTheExpiry() {
        jedis.set("k", "v");
        assertEquals("v", jedis.getEx("k", GetExParams.getExParams().ex(100)));
        assertTrue(jedis.ttl("k") > 90);
        assertEquals("v", jedis.getEx("k", GetExParams.getExParams().persist()));
        assertEquals(-1, jedis.ttl("k"));
        assertEquals("v", jedis.getEx("k", GetExParams.getExParams().pxAt(1)));
        assertFalse(jedis.exists("k"));
        assertNull(jedis.getEx("k", GetExParams.getExParams().ex(10)));
        assertError("ERR syntax error", () -> jedis.sendCommand(Cmd.GETEX, "k", "EX", "1", "PERSIST"));
    }

    @Test
    void msetMgetAndMsetnx() {
        assertEquals("OK", jedis.mset("a", "1", "b", "2"));
        assertEquals(Arrays.asList("1", "2", null), jedis.mget("a", "b", "c"));
        assertEquals(0, jedis.msetnx("c", "3", "a", "x"));
        assertFalse(jedis.exists("c"));
        assertEquals(1, jedis.msetnx("c", "3", "d", "4"));
        assertEquals("3", jedis.get("c"));
        assertError("ERR wrong number of arguments for 'mset' command", () -> jedis.sendCommand(Cmd.MSET, "a", "1", "b"));
    }

    @Test
    void mgetReturnsNilForValuesOfOtherTypes() {
        KeyCommandsTest.putList(server, "list");
        jedis.set("s", "v");
        assertEquals(Arrays.asList(null, "v"), jedis.mget("list", "s"));
    }

    @Test
    void appendCreatesOrExtendsAndKeepsTheExpiry() {
        assertEquals(5, jedis.append("k", "hello"));
        jedis.expire("k", 100);
        assertEquals(11, jedis.append("k", " world"));
        assertEquals("hello world", jedis.get("k"));
        assertTrue(jedis.ttl("k") > 0);
        assertEquals("raw", jedis.objectEncoding("k"));
        assertEquals(11, jedis.strlen("k"));
        assertEquals(0, jedis.strlen("missing"));
    }

    @Test
    void getrangeClampsIndexes() {
        jedis.set("k", "This is a string");
        assertEquals("This", jedis.getrange("k", 0, 3));
        assertEquals("ing", jedis.getrange("k", -3, -1));
        assertEquals("This is a string", jedis.getrange("k", 0, -1));
        assertEquals("string", jedis.getrange("k", 10, 100));
        assertEquals("", jedis.getrange("k", 5, 2));
        assertEquals("", jedis.getrange("missing", 0, -1));
    }

    @Test
    void substrIsGetrange() {
        jedis.set("k", "Hello World");
        assertEquals("Hello", jedis.substr("k", 0, 4));
        assertEquals("World", jedis.substr("k", -5, -1));
    }

    @Test
    void lcsFindsTheLongestCommonSubsequenceItsLengthAndRanges() {
        jedis.mset("a", "ohmytext", "b", "mynewtext");
        assertEquals("mytext", jedis.lcs("a", "b", LCSParams.LCSParams()).getMatchString());
        assertEquals(6, jedis.lcs("a", "b", LCSParams.LCSParams().len()).getLen());
        LCSMatchResult idx = jedis.lcs("a", "b", LCSParams.LCSParams().idx().withMatchLen());
        assertEquals(6, idx.getLen());
        assertEquals(2, idx.getMatches().size());
        assertEquals(4, idx.getMatches().get(0).getMatchLen());
        assertEquals(4, idx.getMatches().get(0).getA().getStart());
        assertEquals(5, idx.getMatches().get(0).getB().getStart());
        assertEquals(1, jedis.lcs("a", "b", LCSParams.LCSParams().idx().minMatchLen(4)).getMatches().size());
        assertError("ERR If you want both the length and indexes, please just use IDX.",
            () -> jedis.lcs("a", "b", LCSParams.LCSParams().len().idx()));
        KeyCommandsTest.putList(server, "list");
        assertError("ERR The specified keys must contain string values",
            () -> jedis.lcs("a", "list", LCSParams.LCSParams()));
    }

    @Test
    void setrangePadsWithZeroBytesAndChecksTheSizeLimit() {
        jedis.set("k", "Hello World");
        assertEquals(11, jedis.setrange("k", 6, "Redis"));
        assertEquals("Hello Redis", jedis.get("k"));
        assertEquals(3, jedis.setrange("z", 1, "ab"));
        assertArrayEquals(new byte[] {0, 'a', 'b'}, jedis.get("z".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, jedis.setrange("empty", 5, ""));
        assertFalse(jedis.exists("empty"));
        assertError("ERR offset is out of range", () -> jedis.setrange("k", -1, "x"));
        assertError("ERR string exceeds maximum allowed size (proto-max-bulk-len)",
            () -> jedis.setrange("k", 512L * 1024 * 1024, "x"));
    }

    @Test
    void incrementsAndDecrementsKeepTheExpiry() {
        assertEquals(1, jedis.incr("n"));
        assertEquals(11, jedis.incrBy("n", 10));
        assertEquals(10, jedis.decr("n"));
        assertEquals(-5, jedis.decrBy("n", 15));
        jedis.expire("n", 100);
        jedis.incr("n");
        assertTrue(jedis.ttl("n") > 0);
        assertEquals("int", jedis.objectEncoding("n"));
    }

    @Test
    void incrementErrorsLeaveTheValueAlone() {
        jedis.set("n", String.valueOf(Long.MAX_VALUE));
        assertError("ERR increment or decrement would overflow", () -> jedis.incr("n"));
        assertEquals(String.valueOf(Long.MAX_VALUE), jedis.get("n"));
        jedis.set("s", "abc");
        assertError("ERR value is not an integer or out of range", () -> jedis.incr("s"));
        assertError("ERR value is not an integer or out of range", () -> jedis.sendCommand(Cmd.INCRBY, "n", "1.5"));
        assertError("ERR decrement would overflow", () -> jedis.decrBy("n", Long.MIN_VALUE));
    }

    @Test
    void incrbyfloatFormatsLikeRedis() {
        assertEquals("10.5", incrByFloat("f", "10.5"));
        assertEquals("10.6", incrByFloat("f", "0.1"));
        assertEquals("3000", incrByFloat("g", "3.0e3"));
        assertEquals("5000", incrByFloat("h", "5.0e3"));
        assertEquals("5200", incrByFloat("h", "2.0e2"));
        assertEquals("embstr", jedis.objectEncoding("g"));
        assertError("ERR increment would produce NaN or Infinity", () -> jedis.sendCommand(Cmd.INCRBYFLOAT, "g", "inf"));
        assertError("ERR value is not a valid float", () -> jedis.sendCommand(Cmd.INCRBYFLOAT, "g", "abc"));
        jedis.set("s", "abc");
        assertError("ERR value is not a valid float", () -> jedis.sendCommand(Cmd.INCRBYFLOAT, "s", "1"));
    }

    @Test
    void writesOnValuesOfOtherTypesAnswerWrongtype() {
        KeyCommandsTest.putList(server, "list");
        String wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
        assertError(wrongType, () -> jedis.get("list"));
        assertError(wrongType, () -> jedis.append("list", "x"));
        assertError(wrongType, () -> jedis.incr("list"));
        assertError(wrongType, () -> jedis.setGet("list", "x"));
        assertError(wrongType, () -> jedis.getDel("list"));
        assertError(wrongType, () -> jedis.strlen("list"));
        assertEquals("list", jedis.type("list"));
    }

    /** INCRBYFLOAT's reply as the exact string Redis prints (Jedis would parse it as a double). */
    private String incrByFloat(String key, String increment) {
        return new String((byte[]) jedis.sendCommand(Cmd.INCRBYFLOAT, key, increment), StandardCharsets.UTF_8);
    }

    /** Commands sent raw, for argument shapes Jedis's typed API does not produce. */
    enum Cmd implements redis.clients.jedis.commands.ProtocolCommand {
        SET, GETEX, MSET, INCRBY, INCRBYFLOAT;

        @Override
        public byte[] getRaw() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }
}
