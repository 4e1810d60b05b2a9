package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

/** The sorted-set family against the real redis-server 7.0: same scripts, same raw replies. */
class ZSetCommandsDifferentialIT extends ReferencePairTest {

    @Test
    void addWithEveryFlag() throws Exception {
        assertSameReplies(redis, rkv, """
            ZADD z 1 a 2 b 3 c
            ZADD z 1 a
            ZADD z CH 5 a 2 b 9 d
            ZADD z NX 100 a 4 e
            ZADD z XX 100 a 4 f
            ZADD z XX CH 100 a
            ZADD z GT 50 a
            ZADD z GT CH 150 a
            ZADD z LT CH 1 a
            ZADD z LT 10 a
            ZADD z INCR 10 a
            ZADD z INCR NX 10 a
            ZADD z INCR XX 10 nosuch
            ZADD z INCR GT -100 a
            ZADD z INCR 1 a 2 b
            ZADD z NX XX 1 a
            ZADD z GT LT 1 a
            ZADD z GT NX 1 a
            ZADD z 1
            ZADD z 1 a 2
            ZADD z abc a
            ZADD z nan a
            ZADD z inf pinf -inf ninf +inf pinf2
            ZADD z 1e400 big
            ZADD z 1e-400 tiny
            ZADD z 0x10 hex
            ZADD z " 1" sp
            ZADD z 1.5e2 e
            ZADD z -0 negzero
            ZRANGE z 0 -1 WITHSCORES
            ZADD z INCR +inf pinf
            ZADD z INCR -inf pinf
            ZSCORE z pinf
            ZADD nokey XX 1 a
            ZADD nokey XX INCR 1 a
            EXISTS nokey
            ZINCRBY z 2.5 a
            ZINCRBY z abc a
            ZINCRBY z 1 newmember
            ZINCRBY z -inf pinf2
            SET str v
            ZADD str 1 a
            ZINCRBY str 1 a
            ZSCORE str a
            ZCARD str
            ZRANGE str 0 -1
            ZSCORE z a
            ZSCORE z nosuch
            ZSCORE nokey a
            ZMSCORE z a nosuch b
            ZMSCORE nokey a b
            ZCARD z
            ZCARD nokey
            ZRANK z a
            ZREVRANK z a
            ZRANK z nosuch
            ZRANK nokey a
            ZREM z a nosuch b
            ZREM nokey a
            ZREM z c d e f pinf ninf pinf2 big hex sp negzero newmember tiny
            ZRANGE z 0 -1 WITHSCORES
            EXISTS z
            ZADD f 0.1 a 1.1 b 3.3333333333333335 c 1e20 d -1.5e-10 e 123456789012345678 g
            ZRANGE f 0 -1 WITHSCORES
            ZSCORE f a
            ! HELLO 3
            ZSCORE f a
            ZRANGE f 0 1 WITHSCORES
            ZADD f INCR 1 a
            ZMSCORE f a x
            ! HELLO 2
            OBJECT ENCODING f
            """);
    }

    @Test
    void ranges() throws Exception {
        assertSameReplies(redis, rkv, """
            ZADD z 1 a 2 b 3 c 4 d 5 e 5 f
            ZRANGE z 0 -1
            ZRANGE z 1 3 WITHSCORES
            ZRANGE z -2 -1
            ZRANGE z 5 1
            ZRANGE z 0 100
            ZRANGE z 0 -1 REV
            ZRANGE z 0 1 REV WITHSCORES
            ZREVRANGE z 0 1 WITHSCORES
            ZRANGE z (1 5 BYSCORE
            ZRANGE z 1 (5 BYSCORE WITHSCORES
            ZRANGE z -inf +inf BYSCORE LIMIT 1 2
            ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2
            ZRANGE z 5 1 BYSCORE REV
            ZRANGE z (5 (1 BYSCORE REV WITHSCORES
            ZRANGE z 0 -1 LIMIT 0 1
            ZRANGE z 0 -1 LIMIT 0 -1
            ZRANGE z - + BYLEX
            ZRANGE z - + BYLEX WITHSCORES
            ZRANGE z 0 -1 BYSCORE BYLEX
            ZRANGE z 0 -1 REV REV
            ZRANGE z 0 -1 FOO
            ZRANGE z a b
            ZRANGE z 1 x BYSCORE
            ZRANGE z 1 5 BYSCORE LIMIT 0
            ZRANGE z 1 5 BYSCORE LIMIT a 1
            ZRANGE z 1 5 BYSCORE LIMIT -1 1
            ZRANGE z 1 5 BYSCORE LIMIT 10 1
            ZRANGEBYSCORE z 2 4
            ZRANGEBYSCORE z (2 4 WITHSCORES LIMIT 1 5
            ZRANGEBYSCORE z -inf +inf LIMIT 2 -1
            ZRANGEBYSCORE z 5 1
            ZRANGEBYSCORE z 1 5 REV
            ZRANGEBYSCORE z abc 5
            ZRANGEBYSCORE z ( 5
            ZRANGEBYSCORE z " 2" 5
            ZRANGEBYSCORE z 1e400 inf
            ZRANGEBYSCORE z nan 5
            ZREVRANGEBYSCORE z 4 2 WITHSCORES
            ZREVRANGEBYSCORE z +inf -inf LIMIT 0 2
            ZCOUNT z 2 4
            ZCOUNT z (2 (4
            ZCOUNT z -inf +inf
            ZCOUNT z 5 1
            ZCOUNT z x 1
            ZCOUNT nokey 0 1
            ZADD lex 0 a 0 b 0 c 0 d 0 e 0 ff
            ZRANGEBYLEX lex - +
            ZRANGEBYLEX lex [b (e
            ZRANGEBYLEX lex (b [e LIMIT 1 1
            ZRANGEBYLEX lex [ff +
            ZRANGEBYLEX lex b c
            ZRANGEBYLEX lex + -
            ZRANGEBYLEX lex [e [b
            ZRANGEBYLEX lex [b [b
            ZRANGEBYLEX lex (b (b
            ZRANGEBYLEX lex -x +
            ZREVRANGEBYLEX lex + -
            ZREVRANGEBYLEX lex [e (b LIMIT 0 2
            ZLEXCOUNT lex - +
            ZLEXCOUNT lex [b [d
            ZLEXCOUNT lex x y
            ZLEXCOUNT nokey - +
            ZRANGE lex [b [d BYLEX REV
            ZRANGE lex [d [b BYLEX REV
            ZRANGESTORE dst z 0 1
            ZRANGE dst 0 -1 WITHSCORES
            ZRANGESTORE dst z 2 4 BYSCORE LIMIT 1 1
            ZRANGE dst 0 -1 WITHSCORES
            ZRANGESTORE dst lex [b [c BYLEX
            ZRANGE dst 0 -1
            ZRANGESTORE dst z 10 20
            EXISTS dst
            ZRANGESTORE dst nokey 0 -1
            ZRANGESTORE dst z 0 -1 WITHSCORES
            SET str v
            ZRANGESTORE dst str 0 -1
            ZRANGE str 0 -1
            ZRANGE nokey 0 -1
            ! HELLO 3
            ZRANGE z 0 1 WITHSCORES
            ZRANGEBYSCORE z 1 2 WITHSCORES
            ZRANGE z 0 1
            ! HELLO 2
            """);
    }

    @Test
    void removalsAndPops() throws Exception {
        assertSameReplies(redis, rkv, """
            ZADD z 1 a 2 b 3 c 4 d 5 e
            ZREMRANGEBYRANK z 0 0
            ZREMRANGEBYRANK z -1 -1
            ZREMRANGEBYRANK z 5 10
            ZREMRANGEBYRANK z x 1
            ZRANGE z 0 -1
            ZREMRANGEBYSCORE z (2 3
            ZREMRANGEBYSCORE z x 3
            ZRANGE z 0 -1
            ZADD lex 0 a 0 b 0 c
            ZREMRANGEBYLEX lex [a (c
            ZREMRANGEBYLEX lex x y
            ZRANGE lex 0 -1
            ZREMRANGEBYLEX lex - +
            EXISTS lex
            ZREMRANGEBYRANK nokey 0 1
            ZADD p 1 a 2 b 3 c 4 d
            ZPOPMIN p
            ZPOPMAX p
            ZPOPMIN p 0
            ZPOPMIN p -1
            ZPOPMIN p x
            ZPOPMIN p 1 2
            ZPOPMIN p 10
            EXISTS p
            ZPOPMIN nokey
            ZPOPMAX nokey 3
            ZADD p 1 a 2 b 3 c
            ZMPOP 1 p MIN
            ZMPOP 2 nokey p MAX COUNT 10
            ZMPOP 1 nokey MIN
            ZMPOP 0 p MIN
            ZMPOP 1 p MIDDLE
            ZMPOP 1 p MIN COUNT 0
            ZMPOP 2 p MIN
            SET str v
            ZMPOP 2 str p MIN
            ZPOPMIN str
            ZADD q 1 a 2 b 3 c
            BZPOPMIN nokey q 0
            BZPOPMAX q 0
            BZPOPMIN nokey 0.01
            BZPOPMIN q -1
            BZPOPMIN str 0
            BZMPOP 0 1 q MAX COUNT 5
            BZMPOP 0.01 1 q MIN
            BZMPOP -1 1 q MIN
            MULTI
            BZPOPMIN q 0
            BZMPOP 0 1 q MIN
            EXEC
            ! HELLO 3
            ZADD r 1 a 2 b 3 c
            ZPOPMIN r
            ZPOPMIN r 1
            ZPOPMAX r 5
            ZADD r 1 a 2 b
            ZMPOP 1 r MIN COUNT 2
            ZADD r 1 a
            BZPOPMIN r 0
            BZPOPMIN r 0.01
            ! HELLO 2
            """);
    }

    @Test
    void algebra() throws Exception {
        assertSameReplies(redis, rkv, """
            ZADD a 1 x 2 y 3 z
            ZADD b 10 y 20 z 30 w
            SADD s y w v
            ZUNION 2 a b
            ZUNION 2 a b WITHSCORES
            ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES
            ZUNION 2 a b AGGREGATE MIN WITHSCORES
            ZUNION 2 a b AGGREGATE max WITHSCORES
            ZUNION 3 a b s WITHSCORES
            ZUNION 2 a nokey WITHSCORES
            ZINTER 2 a b WITHSCORES
            ZINTER 3 a b s WITHSCORES
            ZINTER 2 a nokey
            ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES
            ZDIFF 2 a b WITHSCORES
            ZDIFF 2 b s WITHSCORES
            ZDIFF 1 nokey
            ZDIFF 2 a b WEIGHTS 1 1
            ZDIFF 2 a b AGGREGATE MIN
            ZUNIONSTORE d 2 a b
            ZRANGE d 0 -1 WITHSCORES
            ZINTERSTORE d 2 a b AGGREGATE MAX
            ZRANGE d 0 -1 WITHSCORES
            ZDIFFSTORE d 2 a b
            ZRANGE d 0 -1 WITHSCORES
            ZINTERSTORE d 2 a nokey
            EXISTS d
            ZUNIONSTORE d 2 a b WITHSCORES
            ZINTERCARD 2 a b
            ZINTERCARD 2 a b LIMIT 1
            ZINTERCARD 2 a b LIMIT -1
            ZINTERCARD 2 a b WEIGHTS 1 1
            ZINTERCARD 0 a
            ZUNION 0 a
            ZUNIONSTORE d 0 a
            ZUNION 3 a b
            ZUNION x a
            ZUNION 2 a b WEIGHTS 1
            ZUNION 2 a b WEIGHTS 1 x
            ZUNION 2 a b AGGREGATE AVG
            ZUNION 2 a b FOO
            SET str v
            ZUNION 2 a str
            ZINTER 2 str nokey
            ZUNION 2 str a WEIGHTS x y
            ZADD inf 1 x
            ZADD ninf -inf x
            ZADD pinf +inf x
            ZUNION 2 pinf ninf WITHSCORES
            ZUNION 2 pinf inf WEIGHTS 0 1 WITHSCORES
            ZINTER 2 pinf ninf WITHSCORES
            ! HELLO 3
            ZUNION 2 a b WITHSCORES
            ZINTER 2 a b
            ! HELLO 2
            """);
    }

    @Test
    void randomMembersScanningAndEncodings() throws Exception {
        assertSameReplies(redis, rkv, """
            ZADD z 1 a 2 b 3 c
            ZRANDMEMBER nokey
            ZRANDMEMBER nokey 3
            ZRANDMEMBER z 0
            ZRANDMEMBER z 3 WITHSCORES
            ZRANDMEMBER z 10
            ZRANDMEMBER z 10 WITHSCORES extra
            ZRANDMEMBER z x
            ZRANDMEMBER z -9223372036854775808
            ZRANDMEMBER z 9223372036854775807 WITHSCORES
            ZADD one 7 only
            ZRANDMEMBER one
            ZRANDMEMBER one -2 WITHSCORES
            ! HELLO 3
            ZRANDMEMBER one -2 WITHSCORES
            ZRANDMEMBER z 5 WITHSCORES
            ! HELLO 2
            ZSCAN z 0
            ZSCAN z 0 MATCH a*
            ZSCAN z 0 COUNT 0
            ZSCAN nokey 0
            ZSCAN z x
            OBJECT ENCODING z
            CONFIG SET zset-max-listpack-entries 2
            ZADD small 1 a 2 b
            OBJECT ENCODING small
            ZADD small 3 c
            OBJECT ENCODING small
            ZREM small a b
            OBJECT ENCODING small
            CONFIG SET zset-max-ziplist-entries 128
            ZADD long 1 0123456789012345678901234567890123456789012345678901234567890123456789
            OBJECT ENCODING long
            CONFIG GET zset-max-listpack-value
            ZADD f 0.1 a
            ZSCAN f 0
            """);
    }
}
