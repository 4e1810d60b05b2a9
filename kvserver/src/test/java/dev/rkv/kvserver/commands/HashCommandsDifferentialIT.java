package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

/** The hash family against the real redis-server 7.0: same scripts, same raw replies. */
class HashCommandsDifferentialIT extends ReferencePairTest {

    @Test
    void setGetDeleteAndTheirErrors() throws Exception {
        assertSameReplies(redis, rkv, """
            HSET h f1 v1
            HSET h f1 v1b f2 v2 f3 ""
            HSET h f1
            HSET h f1 v1 f2
            HMSET h f1 x f2
            HMSET h f4 v4 f5 v5
            HGET h f1
            HGET h nofield
            HGET nokey f1
            HMGET h f1 nofield f2 f3
            HMGET nokey a b
            HLEN h
            HLEN nokey
            HSTRLEN h f1
            HSTRLEN h f3
            HSTRLEN h nofield
            HEXISTS h f2
            HEXISTS h nofield
            HEXISTS nokey f
            HSETNX h f1 other
            HSETNX h f6 v6
            HGET h f6
            HGETALL h
            HKEYS h
            HVALS h
            HGETALL nokey
            HKEYS nokey
            HDEL h f1 f1 nofield
            HDEL h nofield
            HDEL nokey f
            HDEL h f2 f3 f4 f5 f6
            EXISTS h
            TYPE h
            HSET "bin key" "fi eld" "va lue"
            HGETALL "bin key"
            SET s v
            HSET s f v
            HGET s f
            HMGET s f
            HGETALL s
            HDEL s f
            HLEN s
            HSETNX s f v
            HINCRBY s f 1
            HRANDFIELD s
            HSCAN s 0
            HSET h2 f v
            GET h2
            INCR h2
            APPEND h2 x
            STRLEN h2
            """);
    }

    @Test
    void increments() throws Exception {
        assertSameReplies(redis, rkv, """
            HINCRBY h n 5
            HINCRBY h n -10
            HINCRBY h n abc
            HINCRBY h n 1.5
            HINCRBY h n 9223372036854775807
            HSET h n 9223372036854775800
            HINCRBY h n 7
            HINCRBY h n 1
            HSET h n -9223372036854775800
            HINCRBY h n -8
            HINCRBY h n -9
            HSET h s notanumber
            HINCRBY h s 1
            HSET h sp " 1"
            HINCRBY h sp 1
            HINCRBYFLOAT h f 1.5
            HINCRBYFLOAT h f 10.25
            HINCRBYFLOAT h f -0.75e1
            HINCRBYFLOAT h f 1e400
            HINCRBYFLOAT h f inf
            HINCRBYFLOAT h f -inf
            HINCRBYFLOAT h f nan
            HINCRBYFLOAT h f abc
            HINCRBYFLOAT h s 1
            HINCRBYFLOAT h n 0.1
            HINCRBYFLOAT h big 1.7976931348623157e308
            HINCRBYFLOAT h big 1.7976931348623157e308
            HINCRBYFLOAT h int 3
            HGET h int
            HINCRBYFLOAT h hex 0x10
            OBJECT ENCODING h
            # a hashtable: the order of the fields is each server's own
            ~ HGETALL h
            HINCRBYFLOAT nokey f 1
            HINCRBY nokey2 f 1
            HGETALL nokey
            """);
    }

    @Test
    void encodingsFollowTheListpackLimits() throws Exception {
        assertSameReplies(redis, rkv, """
            HSET small a 1 b 2
            OBJECT ENCODING small
            HSET longvalue a 0123456789012345678901234567890123456789012345678901234567890123
            OBJECT ENCODING longvalue
            HSET longvalue b 01234567890123456789012345678901234567890123456789012345678901234
            OBJECT ENCODING longvalue
            HSET longfield 01234567890123456789012345678901234567890123456789012345678901234 v
            OBJECT ENCODING longfield
            CONFIG SET hash-max-listpack-entries 3
            HSET few a 1 b 2 c 3
            OBJECT ENCODING few
            HSET few d 4
            OBJECT ENCODING few
            HDEL few a b c
            OBJECT ENCODING few
            ~ HGETALL few
            CONFIG SET hash-max-ziplist-entries 128
            CONFIG GET hash-max-listpack-entries
            CONFIG SET hash-max-listpack-value 2
            HSET tiny ab cd
            OBJECT ENCODING tiny
            HSET tiny abc d
            OBJECT ENCODING tiny
            CONFIG SET hash-max-listpack-value 64
            CONFIG GET hash-max-ziplist-value
            """);
    }

    @Test
    void randomFieldsWhereTheReplyIsDeterministic() throws Exception {
        assertSameReplies(redis, rkv, """
            HSET h a 1 b 2 c 3
            HRANDFIELD nokey
            HRANDFIELD nokey 5
            HRANDFIELD h 0
            HRANDFIELD h 3
            HRANDFIELD h 10
            HRANDFIELD h 10 WITHVALUES
            HRANDFIELD h 10 withvalues extra
            HRANDFIELD h 10 NOPE
            HRANDFIELD h abc
            HRANDFIELD h -9223372036854775808
            HRANDFIELD h 9223372036854775807 WITHVALUES
            HRANDFIELD h -9223372036854775807 WITHVALUES
            HRANDFIELD nokey -5 WITHVALUES
            HSET one only 1
            HRANDFIELD one
            HRANDFIELD one -3
            HRANDFIELD one -2 WITHVALUES
            ! HELLO 3
            HRANDFIELD h 10 WITHVALUES
            HRANDFIELD one -2 WITHVALUES
            HGETALL h
            HKEYS h
            ! HELLO 2
            """);
    }

    @Test
    void scanning() throws Exception {
        assertSameReplies(redis, rkv, """
            HSET h f1 v1 f2 v2 g1 v3
            HSCAN h 0
            HSCAN h 0 MATCH f*
            HSCAN h 0 COUNT 1
            HSCAN h 0 COUNT 0
            HSCAN h 0 COUNT abc
            HSCAN h 0 TYPE string
            HSCAN h 0 MATCH
            HSCAN h abc
            HSCAN h -1
            HSCAN nokey 0
            HSCAN nokey 0 COUNT 0
            HSCAN nokey abc
            """);
    }
}
