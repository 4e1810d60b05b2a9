package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

/** The string family against the real redis-server 7.0: same scripts, same raw replies. */
class StringCommandsDifferentialIT extends ReferencePairTest {
    @Test
    void getAndSetWithEveryOptionCombination() throws Exception {
        assertSameReplies(redis, rkv, """
            GET k
            SET k v
            GET k
            SET k v2 NX
            SET k v3 XX
            GET k
            SET nx1 v XX
            GET nx1
            SET k v NX XX
            SET k v XX NX
            SET k v EX 10 PX 100
            SET k v EX 10 KEEPTTL
            SET k v KEEPTTL EX 10
            SET k v PX 10 EXAT 100
            SET k v PXAT 10 EXAT 100
            SET k v EX
            SET k v EX abc
            SET k v EX 0
            SET k v EX -5
            SET k v PX 0
            SET k v EXAT 0
            SET k v PXAT -1
            SET k v EX 9223372036854775807
            SET k v EX 9223372036854775
            SET k v PX 9223372036854775807
            SET k v PERSIST
            SET k v FOO
            SET k v GET
            SET k new GET
            GET k
            SET missing v GET
            SET k v NX GET
            SET k other XX GET
            GET k
            SET absent v XX GET
            EXISTS absent
            SET k v EX 100
            %1 TTL k
            SET k v2 KEEPTTL
            %1 TTL k
            SET k v3
            TTL k
            SET k v PX 100000
            %1500 PTTL k
            SET k v EXAT {s+100}
            %1 TTL k
            SET k v PXAT {ms+100000}
            %1500 PTTL k
            SET k v ex 100 nx
            set k v Ex 100 xX get
            %1 TTL k
            @list list
            SET list v GET
            GET list
            SET list v
            GET list
            """);
    }

    @Test
    void setVariantsAndTheirErrors() throws Exception {
        assertSameReplies(redis, rkv, """
            SETNX k v
            SETNX k w
            GET k
            SETEX k 100 v
            %1 TTL k
            SETEX k 0 v
            SETEX k -1 v
            SETEX k abc v
            SETEX k 9223372036854775807 v
            PSETEX k 100000 v
            %1500 PTTL k
            PSETEX k 0 v
            PSETEX k abc v
            GETSET k new
            TTL k
            GETSET nothing v
            GET nothing
            @list list
            GETSET list v
            SETNX
            SETEX k 10
            GETDEL k
            GETDEL k
            EXISTS k
            GETDEL list
            MSET a 1 b 2 c 3
            MGET a b c d list
            MSET a
            MSET a 1 b
            MSETNX a 1 x 2
            MSETNX x 1 y 2
            MGET x y
            MSETNX
            """);
    }

    @Test
    void getexSetsAndClearsExpiry() throws Exception {
        assertSameReplies(redis, rkv, """
            SET k v
            GETEX k
            TTL k
            GETEX k EX 100
            %1 TTL k
            GETEX k PX 50000
            %1500 PTTL k
            GETEX k EXAT {s+200}
            %1 TTL k
            GETEX k PXAT {ms+300000}
            %1500 PTTL k
            GETEX k PERSIST
            TTL k
            GETEX k PERSIST
            GETEX k EX 10 PX 10
            GETEX k EX 10 PERSIST
            GETEX k PERSIST EX 10
            GETEX k KEEPTTL
            GETEX k NX
            GETEX k GET
            GETEX k EX
            GETEX k EX 0
            GETEX k EX abc
            GETEX k PX -1
            GETEX k EX 9223372036854775807
            GETEX missing EX 0
            GETEX missing EX abc
            GETEX missing FOO
            GETEX k EXAT 1
            EXISTS k
            SET k v
            GETEX k PXAT 1
            GET k
            @list list
            GETEX list
            GETEX list EX 0
            """);
    }

    @Test
    void appendStrlenAndRanges() throws Exception {
        assertSameReplies(redis, rkv, """
            APPEND k hello
            OBJECT ENCODING k
            APPEND k " world"
            GET k
            OBJECT ENCODING k
            STRLEN k
            STRLEN missing
            APPEND n 12
            OBJECT ENCODING n
            APPEND n 3
            OBJECT ENCODING n
            GET n
            SET k "Hello World"
            GETRANGE k 0 4
            GETRANGE k -5 -1
            GETRANGE k 0 -1
            GETRANGE k 0 100
            GETRANGE k 5 3
            GETRANGE k -1 -5
            GETRANGE k -100 -50
            GETRANGE k -100 2
            GETRANGE k 100 200
            GETRANGE k 3 3
            GETRANGE k a 1
            GETRANGE k 1 b
            GETRANGE missing 0 -1
            GETRANGE missing a 1
            SET e ""
            GETRANGE e 0 -1
            GETRANGE e 0 0
            SET i 12345
            GETRANGE i 1 2
            GETRANGE k 9223372036854775807 -9223372036854775808
            GETRANGE k -9223372036854775808 9223372036854775807
            SETRANGE k 6 Redis
            GET k
            OBJECT ENCODING k
            SETRANGE k 20 !!
            GET k
            STRLEN k
            SETRANGE k 0 ""
            SETRANGE fresh 0 ""
            EXISTS fresh
            SETRANGE fresh 3 abc
            GET fresh
            OBJECT ENCODING fresh
            SETRANGE k -1 x
            SETRANGE k abc x
            SETRANGE k 536870912 x
            SETRANGE k 536870911 ""
            SETRANGE k 9223372036854775807 x
            SET small 1
            SETRANGE small 0 2
            GET small
            OBJECT ENCODING small
            @list list
            APPEND list x
            STRLEN list
            SETRANGE list 0 x
            SETRANGE list 0 ""
            GETRANGE list 0 1
            SET ttl v EX 100
            APPEND ttl x
            %1 TTL ttl
            SETRANGE ttl 0 y
            %1 TTL ttl
            GET ttl
            """);
    }

    @Test
    void integerCounters() throws Exception {
        assertSameReplies(redis, rkv, """
            INCR c
            INCR c
            DECR c
            INCRBY c 10
            DECRBY c 100
            GET c
            OBJECT ENCODING c
            INCRBY c abc
            INCRBY c 1.5
            DECRBY c ""
            SET c 9223372036854775807
            INCR c
            INCRBY c -1
            SET c -9223372036854775808
            DECR c
            INCRBY c -1
            DECRBY c -9223372036854775808
            SET c 5
            DECRBY c -9223372036854775808
            DECRBY c 9223372036854775807
            SET s abc
            INCR s
            SET s " 1"
            INCR s
            SET s 01
            INCR s
            SET s -0
            INCR s
            SET s +1
            INCR s
            SET s 123456789012345678901
            INCR s
            SET big 99999999999999999999999
            INCRBY big 1
            @list list
            INCR list
            DECRBY list 1
            SET t 10 EX 100
            INCR t
            %1 TTL t
            INCRBY t 5
            GET t
            SET r 1000
            OBJECT ENCODING r
            OBJECT REFCOUNT r
            INCR r
            OBJECT REFCOUNT r
            SET r 10000
            OBJECT REFCOUNT r
            SET r 9999
            OBJECT REFCOUNT r
            SET r -1
            OBJECT REFCOUNT r
            SET r abc
            OBJECT REFCOUNT r
            """);
    }

    @Test
    void incrbyfloatPrintsLikeLongDouble() throws Exception {
        assertSameReplies(redis, rkv, """
            INCRBYFLOAT f 10.5
            INCRBYFLOAT f 0.1
            INCRBYFLOAT f -5.0e3
            INCRBYFLOAT f 2.0e2
            INCRBYFLOAT f 3.0e3
            GET f
            OBJECT ENCODING f
            SET f 3
            INCRBYFLOAT f 2997
            OBJECT ENCODING f
            INCRBYFLOAT g 0.1
            INCRBYFLOAT g 0.2
            INCRBYFLOAT g 0.3
            INCRBYFLOAT h 1.1
            INCRBYFLOAT h 2.2
            INCRBYFLOAT h 3.3
            INCRBYFLOAT h -6.6
            INCRBYFLOAT i 1e20
            INCRBYFLOAT i 1
            INCRBYFLOAT j 1.23456789012345678901234
            INCRBYFLOAT j 0.000000000000000001
            INCRBYFLOAT k 5.0e-18
            INCRBYFLOAT k2 -0.000001
            INCRBYFLOAT k3 +.5
            INCRBYFLOAT k4 5.
            INCRBYFLOAT k5 0x10
            INCRBYFLOAT k6 0x1.8p1
            INCRBYFLOAT k7 1E3
            INCRBYFLOAT k8 -1e-3
            INCRBYFLOAT k9 123456789012345678
            INCRBYFLOAT k10 0.000003814697265625
            INCRBYFLOAT k11 1e300
            INCRBYFLOAT k12 -0.0
            INCRBYFLOAT k13 1e-5000
            INCRBYFLOAT k14 0e-5000
            INCRBYFLOAT k15 1e5000
            INCRBYFLOAT k16 9.999999999999999999999e4931
            SET big 1e400
            INCRBYFLOAT big 1
            INCRBYFLOAT tiny 1e-4950
            INCRBYFLOAT tiny2 0x1p-16445
            INCRBYFLOAT tiny3 0x1p-16446
            INCRBYFLOAT tiny4 3e-4951
            INCRBYFLOAT huge 1.18973149535723176502e+4932
            INCRBYFLOAT huge 1e4932
            INCRBYFLOAT huge2 1.18973149535723176508e+4932
            INCRBYFLOAT neg -1e4000
            STRLEN neg
            INCRBYFLOAT p 0.1
            INCRBYFLOAT p 0.7
            INCRBYFLOAT p 1e-17
            INCRBYFLOAT p -0.8
            INCRBYFLOAT q 9007199254740993
            INCRBYFLOAT q 0.5
            INCRBYFLOAT r 3.141592653589793238462643383279
            INCRBYFLOAT r 2.718281828459045235360287471352
            INCRBYFLOAT m 1
            INCRBYFLOAT m inf
            INCRBYFLOAT m -inf
            INCRBYFLOAT m infinity
            INCRBYFLOAT m nan
            INCRBYFLOAT m abc
            INCRBYFLOAT m ""
            INCRBYFLOAT m " 1"
            INCRBYFLOAT m "1 "
            INCRBYFLOAT m 1e
            INCRBYFLOAT m .
            INCRBYFLOAT m 0x
            INCRBYFLOAT m 1,5
            GET m
            SET n inf
            INCRBYFLOAT n 1
            SET n abc
            INCRBYFLOAT n 1
            SET n "  2"
            INCRBYFLOAT n 1
            @list list
            INCRBYFLOAT list 1
            INCRBYFLOAT list abc
            SET t 1.5 EX 100
            INCRBYFLOAT t 1
            %1 TTL t
            """);
    }

    @Test
    void incrbyfloatOnRandomNumbersMatchesLongDoubleBitForBit() throws Exception {
        Random rnd = new Random(20261121);
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            String key = "f" + (i % 37);
            script.append("INCRBYFLOAT ").append(key).append(' ').append(randomNumber(rnd)).append('\n');
        }
        assertSameReplies(redis, rkv, script.toString());
    }

    /** Decimal and hex numbers of every shape strtold takes, and some it refuses. */
    private static String randomNumber(Random rnd) {
        StringBuilder b = new StringBuilder();
        if (rnd.nextInt(4) == 0) {
            b.append(rnd.nextBoolean() ? '-' : '+');
        }
        if (rnd.nextInt(10) == 0) {
            b.append("0x").append(Long.toHexString(rnd.nextLong() >>> rnd.nextInt(64)));
            if (rnd.nextBoolean()) {
                b.append('.').append(Integer.toHexString(rnd.nextInt()));
            }
            if (rnd.nextBoolean()) {
                b.append('p').append(rnd.nextInt(200) - 100);
            }
            return b.toString();
        }
        int intDigits = rnd.nextInt(22);
        for (int i = 0; i < intDigits; i++) {
            b.append((char) ('0' + rnd.nextInt(10)));
        }
        if (intDigits == 0 || rnd.nextBoolean()) {
            b.append('.');
            int frac = 1 + rnd.nextInt(25);
            for (int i = 0; i < frac; i++) {
                b.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        if (rnd.nextInt(3) == 0) {
            b.append(rnd.nextBoolean() ? 'e' : 'E').append(rnd.nextInt(60) - 30);
        }
        return b.toString();
    }

    @Test
    void lcsAndSubstr() throws Exception {
        assertSameReplies(redis, rkv, """
            MSET key1 ohmytext key2 mynewtext
            LCS key1 key2
            LCS key1 key2 LEN
            LCS key1 key2 IDX
            LCS key1 key2 IDX MINMATCHLEN 4
            LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN
            LCS key1 key2 IDX WITHMATCHLEN
            LCS key1 key2 IDX MINMATCHLEN -3
            LCS key1 key2 LEN IDX
            LCS key1 key2 MINMATCHLEN
            LCS key1 key2 MINMATCHLEN abc
            LCS key1 key2 FOO
            LCS key1 missing
            LCS missing missing2 IDX
            MSET a ABCBDAB b BDCABA
            LCS a b
            LCS a b IDX WITHMATCHLEN
            MSET n1 1234567 n2 2456
            LCS n1 n2 IDX
            @list l
            LCS l key1
            LCS key1 l LEN
            SUBSTR key1 0 3
            SUBSTR key1 -4 -1
            SUBSTR missing 0 1
            """);
    }

    @Test
    void optionsAreReadAsCStrings() throws Exception {
        assertSameReplies(redis, rkv, "SET k v NX\0junk\nGET k\nSET k w XX\0\nGET k\n"
            + "SET k v EX\0 100\n%1 TTL k\nGETEX k PERSIST\0x\nTTL k\nSET k v GET\0\n"
            + "EXPIRE k 100 NX\0zz\nEXPIRE k 100 BAD\0tail\nSCAN 0 COUNT\0 5 TYPE string\0x\n"
            + "COPY k k2 REPLACE\0\nFLUSHDB ASYNC\0\n");
    }

    @Test
    void repliesInResp3() throws Exception {
        assertSameReplies(redis, rkv, """
            ! HELLO 3
            GET missing
            SET k v
            SET k v GET
            SET missing2 v XX
            MGET k missing
            GETEX missing
            GETDEL missing
            INCRBYFLOAT f 1.5
            """);
    }
}
