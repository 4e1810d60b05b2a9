package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

/**
 * The set family against the real redis-server 7.0. Intsets reply in ascending order on both;
 * replies that come from a hashtable are compared as multisets ({@code ~}).
 */
class SetCommandsDifferentialIT extends ReferencePairTest {

    @Test
    void membershipAndItsErrors() throws Exception {
        assertSameReplies(redis, rkv, """
            SADD s 3 1 2 2
            SADD s 1
            SMEMBERS s
            OBJECT ENCODING s
            SCARD s
            SCARD nokey
            SISMEMBER s 2
            SISMEMBER s 02
            SISMEMBER s x
            SISMEMBER nokey x
            SMISMEMBER s 1 x 3
            SMISMEMBER nokey a b
            SREM s 1 1 x
            SREM s x
            SREM nokey x
            SMEMBERS s
            SADD s -5 9223372036854775807 -9223372036854775808
            SMEMBERS s
            SADD s 007
            OBJECT ENCODING s
            ~ SMEMBERS s
            SADD w a b c
            OBJECT ENCODING w
            ~ SMEMBERS w
            SREM s 2 3 -5 9223372036854775807 -9223372036854775808 007
            EXISTS s
            SMEMBERS nokey
            SET str v
            SADD str x
            SREM str x
            SCARD str
            SISMEMBER str x
            SMISMEMBER str x
            SMEMBERS str
            SRANDMEMBER str
            SPOP str
            SSCAN str 0
            SADD s2 x
            GET s2
            HSET s2 f v
            """);
    }

    @Test
    void encodingFollowsTheIntsetLimit() throws Exception {
        assertSameReplies(redis, rkv, """
            CONFIG SET set-max-intset-entries 3
            SADD s 1 2 3
            OBJECT ENCODING s
            SADD s 4
            OBJECT ENCODING s
            SREM s 1 2 3
            OBJECT ENCODING s
            SADD neg -0
            OBJECT ENCODING neg
            SADD plus +1
            OBJECT ENCODING plus
            SADD sp " 1"
            OBJECT ENCODING sp
            CONFIG SET set-max-intset-entries 512
            CONFIG GET set-max-intset-entries
            """);
    }

    @Test
    void algebra() throws Exception {
        assertSameReplies(redis, rkv, """
            SADD a 1 2 3 4 5
            SADD b 4 5 6
            SADD c 5 6 7
            SADD x a b 5
            SINTER a b
            SINTER a b c
            SINTER a nokey
            SINTER nokey a
            SUNION a b c
            SUNION nokey
            SDIFF a b c
            SDIFF nokey a
            SDIFF a nokey
            ~ SINTER x a
            ~ SUNION x a
            ~ SDIFF x a
            SINTERSTORE d a b
            SMEMBERS d
            SUNIONSTORE d a c
            SMEMBERS d
            SDIFFSTORE d a a
            EXISTS d
            SET d str
            SINTERSTORE d a nokey
            EXISTS d
            SUNIONSTORE d2 a
            OBJECT ENCODING d2
            SUNIONSTORE d3 x
            OBJECT ENCODING d3
            SET str v
            SINTER a str
            SINTER nokey str
            SUNION a str
            SDIFF a str
            SINTERSTORE d a str
            SINTERCARD 2 a b
            SINTERCARD 3 a b c
            SINTERCARD 2 a nokey
            SINTERCARD 1 a LIMIT 2
            SINTERCARD 1 a LIMIT 0
            SINTERCARD 1 a LIMIT -1
            SINTERCARD 1 a LIMIT abc
            SINTERCARD 1 a LIMIT
            SINTERCARD 1 a FOO 1
            SINTERCARD 0 a
            SINTERCARD -1 a
            SINTERCARD abc a
            SINTERCARD 3 a b
            SINTERCARD 2 a str
            """);
    }

    @Test
    void moveAndPop() throws Exception {
        assertSameReplies(redis, rkv, """
            SADD a 1 2 3
            SMOVE a b 2
            SMOVE a b 2
            SMEMBERS a
            SMEMBERS b
            SMOVE a a 1
            SMOVE a a 9
            SMOVE nokey b 1
            SET str v
            SMOVE a str 1
            SMOVE str a 1
            SMOVE nokey str 1
            SMOVE b c x
            SADD b x
            SMOVE b c x
            OBJECT ENCODING c
            SMOVE b c 2
            EXISTS b
            SPOP nokey
            SPOP nokey 3
            SPOP a 0
            SPOP a -1
            SPOP a abc
            SPOP a 1 2
            SPOP a 10
            EXISTS a
            SADD one 7
            SPOP one
            EXISTS one
            SRANDMEMBER nokey
            SRANDMEMBER nokey 3
            SADD r 1 2 3
            SRANDMEMBER r 0
            SRANDMEMBER r 3
            SRANDMEMBER r 10
            SRANDMEMBER r abc
            SRANDMEMBER r 1 2
            SRANDMEMBER r -9223372036854775808
            SADD single z
            SRANDMEMBER single
            SRANDMEMBER single -3
            ! HELLO 3
            SMEMBERS r
            SRANDMEMBER r 10
            SRANDMEMBER single -2
            SPOP r 10
            SPOP nokey 2
            SINTER single single
            ! HELLO 2
            """);
    }

    @Test
    void scanning() throws Exception {
        assertSameReplies(redis, rkv, """
            SADD s 1 2 3 10
            SSCAN s 0
            SSCAN s 0 MATCH 1*
            SSCAN s 0 COUNT 0
            SSCAN s 0 TYPE set
            SSCAN s abc
            SSCAN nokey 0
            """);
    }
}
