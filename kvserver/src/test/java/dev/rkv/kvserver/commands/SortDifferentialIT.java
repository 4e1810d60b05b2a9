package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

/**
 * SORT and SORT_RO against the real redis-server 7.0: numeric and ALPHA order, ties, BY weights
 * (strings and hash fields, missing ones), GET, LIMIT's edges, STORE over every type, and the
 * errors. A set is never sorted BY a constant without STORE here: it then comes in its own
 * iteration order, which differs between the servers.
 */
class SortDifferentialIT extends ReferencePairTest {

    @Test
    void numericAndAlphaOrderWithLimitAndDirection() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH l 3 1 2 10 -1.5 1e2 0x10 " 7" 2
            SORT l
            SORT l DESC
            SORT l ALPHA
            SORT l ALPHA DESC
            SORT l LIMIT 0 3
            SORT l LIMIT 2 3 DESC
            SORT l LIMIT -5 2
            SORT l LIMIT 5 -1
            SORT l LIMIT 100 2
            SORT l LIMIT 0 0
            SORT l LIMIT 8 100
            SORT l LIMIT 1 9223372036854775807
            SORT l LIMIT -9223372036854775808 3
            SORT l LIMIT x 1
            SORT l LIMIT 0 y
            SORT l LIMIT 0
            SORT l ASC DESC ASC
            SORT_RO l DESC LIMIT 1 2
            SADD s 5 3 9 1 7
            SORT s
            SORT s DESC LIMIT 1 2
            ZADD z 1 c 2 b 3 a
            SORT z ALPHA
            SORT z BY nosort
            SORT z BY nosort DESC
            SORT z BY nosort LIMIT 1 1
            SORT z BY nosort DESC LIMIT 1 5
            SORT l BY nosort
            SORT l BY nosort DESC LIMIT 2 3
            RPUSH words banana apple cherry apple
            SORT words
            SORT words ALPHA
            SORT words ALPHA DESC LIMIT 0 2
            RPUSH ties 1.0 1 01 +1 1e0
            SORT ties
            SORT ties DESC
            RPUSH blanks "" " 3" 2
            SORT blanks
            RPUSH bad 1 nan 2
            SORT bad
            RPUSH big 1e400 1
            SORT big
            RPUSH trailing "3 " 1
            SORT trailing
            SORT nokey
            SORT nokey ALPHA LIMIT 0 10
            """);
    }

    @Test
    void byAndGetPatterns() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH ids 1 2 3 4
            MSET w_1 40 w_2 10 w_3 30
            HSET h_1 f 3 name one
            HSET h_2 f 1 name two
            HSET h_3 f 2 name three
            HSET h_4 name four
            SET str_4 not-a-hash
            SORT ids BY w_*
            SORT ids BY w_* DESC
            SORT ids BY h_*->f
            SORT ids BY h_*->f GET h_*->name
            SORT ids BY w_* GET # GET w_* GET h_*->name GET h_*->missing GET str_*->f GET nostar
            SORT ids BY w_* LIMIT 1 2 GET #
            SORT ids BY h_*-> GET h_*->
            SORT ids BY nosort GET # GET w_*
            SORT ids BY nosort DESC GET h_*->name
            SET w_4 abc
            SORT ids BY w_*
            SORT ids BY w_* ALPHA
            SORT ids BY w_* ALPHA DESC
            SET w_4 25
            SORT ids BY w_*->x
            SADD people 1 2 3
            SORT people BY w_* GET h_*->name
            SORT_RO people BY h_*->f GET #
            SORT ids BY a*b*c
            SORT ids GET
            SORT ids BY
            """);
    }

    @Test
    void storeReplacesEveryTypeAndDeletesOnAnEmptyResult() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH l 3 1 2
            SET dst old
            EXPIRE dst 1000
            SORT l STORE dst
            TYPE dst
            TTL dst
            LRANGE dst 0 -1
            HSET h x y
            SORT l DESC STORE h
            LRANGE h 0 -1
            SORT l GET nokey_* STORE d2
            LRANGE d2 0 -1
            SORT l LIMIT 5 5 STORE dst
            EXISTS dst
            SORT nokey STORE nothing
            EXISTS nothing
            SADD s b c a
            SORT s BY nosort STORE fromset
            LRANGE fromset 0 -1
            SORT s BY nosort DESC STORE fromset
            LRANGE fromset 0 -1
            SORT s ALPHA STORE s
            TYPE s
            LRANGE s 0 -1
            SORT_RO l STORE x
            SORT l STORE
            SORT l STORE a STORE b
            EXISTS a
            LRANGE b 0 -1
            SET str v
            SORT str
            SORT str STORE x
            HSET hash f v
            SORT hash
            SORT_RO hash
            """);
    }

    @Test
    void commandMetadataAndKeys() throws Exception {
        assertSameReplies(redis, rkv, """
            COMMAND INFO sort sort_ro
            COMMAND GETKEYS sort a by x store d get y
            COMMAND GETKEYS sort a limit 0 store x store y
            COMMAND GETKEYS sort a
            COMMAND GETKEYSANDFLAGS sort a store d
            COMMAND GETKEYS sort_ro a by w_*
            """);
    }
}
