package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

/** The list family against the real redis-server 7.0 (single client; blocking: BlockingCommandsIT). */
class ListCommandsDifferentialIT extends ReferencePairTest {

    @Test
    void pushPopAndRanges() throws Exception {
        assertSameReplies(redis, rkv, """
            LPUSH l a b c
            RPUSH l d e
            LRANGE l 0 -1
            OBJECT ENCODING l
            LLEN l
            LLEN nokey
            LPUSHX nokey a
            RPUSHX nokey a
            LPUSHX l z
            RPUSHX l y y2
            LRANGE l 0 -1
            LRANGE l -3 -1
            LRANGE l 2 1
            LRANGE l 100 200
            LRANGE l -100 1
            LRANGE l 0 100
            LRANGE l a 1
            LRANGE nokey 0 -1
            LINDEX l 0
            LINDEX l -1
            LINDEX l 100
            LINDEX l -100
            LINDEX l x
            LINDEX nokey 0
            LPOP l
            RPOP l
            LPOP l 2
            RPOP l 2
            LPOP l 0
            LPOP l -1
            LPOP l abc
            LPOP l 1 2
            LPOP nokey
            LPOP nokey 2
            RPOP nokey 0
            LRANGE l 0 -1
            LPOP l 100
            EXISTS l
            ! HELLO 3
            LPOP nokey 2
            RPUSH r a
            LPOP r 5
            LPOP nokey
            ! HELLO 2
            """);
    }

    @Test
    void insertRemoveSetTrim() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH l a b a c a d
            LINSERT l BEFORE a x
            LINSERT l after d y
            LINSERT l AFTER nopivot z
            LINSERT l MIDDLE a z
            LINSERT nokey BEFORE a z
            LRANGE l 0 -1
            LREM l 2 a
            LRANGE l 0 -1
            RPUSH l a a
            LREM l -1 a
            LRANGE l 0 -1
            LREM l 0 a
            LREM l 0 a
            LREM l x a
            LREM nokey 0 a
            LRANGE l 0 -1
            LSET l 0 first
            LSET l -1 last
            LSET l 100 x
            LSET l x y
            LSET nokey 0 x
            LRANGE l 0 -1
            LTRIM l 1 -2
            LRANGE l 0 -1
            LTRIM l 0 0
            LRANGE l 0 -1
            LTRIM l 5 10
            EXISTS l
            LTRIM nokey 0 1
            LTRIM l a b
            RPUSH only x
            LREM only 0 x
            EXISTS only
            """);
    }

    @Test
    void positions() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH l a b c 1 2 3 c c
            LPOS l c
            LPOS l c RANK 2
            LPOS l c RANK -1
            LPOS l c RANK -2
            LPOS l c COUNT 0
            LPOS l c COUNT 2
            LPOS l c RANK -1 COUNT 2
            LPOS l c COUNT 0 MAXLEN 3
            LPOS l c MAXLEN 2
            LPOS l z
            LPOS l z COUNT 3
            LPOS l c RANK 0
            LPOS l c RANK -9223372036854775808
            LPOS l c COUNT -1
            LPOS l c MAXLEN -1
            LPOS l c RANK x
            LPOS l c COUNT
            LPOS l c FOO 1
            LPOS nokey c
            LPOS nokey c COUNT 1
            """);
    }

    @Test
    void movesAndMultiPops() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH a 1 2 3
            LMOVE a b LEFT RIGHT
            LMOVE a b RIGHT LEFT
            LMOVE a b UP LEFT
            LMOVE a b LEFT DOWN
            LRANGE a 0 -1
            LRANGE b 0 -1
            RPOPLPUSH a a
            RPOPLPUSH nokey b
            LMOVE nokey b LEFT LEFT
            LMOVE a a LEFT RIGHT
            RPOPLPUSH a b
            EXISTS a
            LRANGE b 0 -1
            SET str v
            LMOVE b str LEFT LEFT
            LMOVE str b LEFT LEFT
            LMOVE nokey str LEFT LEFT
            RPOPLPUSH b str
            LRANGE b 0 -1
            RPUSH m1 a b c
            RPUSH m2 x
            LMPOP 2 nokey m1 LEFT
            LMPOP 2 nokey m1 RIGHT COUNT 5
            LMPOP 2 m1 m2 LEFT
            LMPOP 1 nokey LEFT
            LMPOP 0 m1 LEFT
            LMPOP -1 m1 LEFT
            LMPOP abc m1 LEFT
            LMPOP 3 m1 LEFT
            LMPOP 1 m1 MIDDLE
            LMPOP 1 m2 LEFT COUNT 0
            LMPOP 1 m2 LEFT COUNT -1
            LMPOP 1 m2 LEFT COUNT x
            LMPOP 1 m2 LEFT COUNT 1 COUNT 1
            LMPOP 1 m2 LEFT FOO
            LMPOP 2 str m2 LEFT
            LMPOP 2 m2 str LEFT
            SET strkey v
            LPUSH strkey x
            RPOP strkey
            LLEN strkey
            LRANGE strkey 0 1
            LINDEX strkey 0
            LPOS strkey x
            """);
    }

    @Test
    void blockingCommandsThatNeedNotWait() throws Exception {
        assertSameReplies(redis, rkv, """
            RPUSH a 1 2
            BLPOP nokey a 0
            BRPOP nokey a 0
            BLPOP nokey 0.01
            BRPOP nokey 0.01
            BLPOP a -1
            BLPOP a abc
            BLPOP a 1e400
            RPUSH a 1 2
            BLPOP a 0x10
            BLPOP a 1.5e1
            RPUSH b 1 2 3
            BLMOVE b c LEFT RIGHT 0
            BLMOVE b c UP RIGHT 0
            BRPOPLPUSH b c 0
            BRPOPLPUSH nokey c 0.01
            BLMOVE nokey c LEFT LEFT 0.01
            BLMPOP 0 2 nokey b LEFT COUNT 5
            BLMPOP 0.01 1 nokey LEFT
            BLMPOP -1 1 b LEFT
            BLMPOP 0 0 b LEFT
            SET str v
            BLPOP str 0
            BLPOP nokey str 0
            BLMOVE str c LEFT LEFT 0
            MULTI
            BLPOP nokey 0
            BRPOPLPUSH nokey c 0
            BLMPOP 0 1 nokey LEFT
            EXEC
            ! HELLO 3
            BLPOP nokey 0.01
            BLMOVE nokey c LEFT LEFT 0.01
            ! HELLO 2
            """);
    }
}
