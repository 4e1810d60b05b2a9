package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.testing.ReferencePairTest;
import org.junit.jupiter.api.Test;

import static dev.rkv.kvserver.commands.Differential.assertSameReplies;

/** The key and expire families against the real redis-server 7.0: same scripts, same raw replies. */
class KeyCommandsDifferentialIT extends ReferencePairTest {
    @Test
    void deleteExistsTypeAndTouch() throws Exception {
        assertSameReplies(redis, rkv, """
            MSET a 1 b 2 c 3
            EXISTS a b z a
            DEL a z a
            UNLINK b c z
            EXISTS a b c
            DEL
            SET s v
            @list l
            TYPE s
            TYPE l
            TYPE missing
            TOUCH s l missing s
            DBSIZE
            """);
    }

    @Test
    void renameAndRenamenx() throws Exception {
        assertSameReplies(redis, rkv, """
            SET a 1
            RENAME a b
            GET a
            GET b
            RENAME a b
            RENAME b b
            RENAMENX b b
            RENAMENX missing x
            SET c 3
            RENAMENX b c
            RENAMENX b d
            GET d
            SET t v EX 100
            RENAME t t2
            %1 TTL t2
            SET e v
            RENAME t2 e
            %1 TTL e
            @list l
            RENAME l l2
            TYPE l2
            RENAME
            """);
    }

    @Test
    void keysAndScanSeeTheSameKeys() throws Exception {
        assertSameReplies(redis, rkv, """
            MSET one 1 two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12
            MSET {tag}a 1 {tag}b 2 h\\*llo 3 hallo 4 hello 5 "with space" 6
            @list l1
            @list l2
            ~ KEYS *
            ~ KEYS t*
            ~ KEYS *e*
            ~ KEYS h?llo
            ~ KEYS h[ae]llo
            ~ KEYS h[^e]llo
            ~ KEYS {tag}*
            ~ KEYS nomatch*
            ~ KEYS l*
            scan
            scan COUNT 1
            scan COUNT 1000
            scan MATCH t*
            scan MATCH *e* COUNT 3
            scan TYPE string
            scan TYPE list
            scan TYPE STRING
            scan TYPE nosuchtype
            scan MATCH l* TYPE list COUNT 2
            SCAN 0 COUNT 0
            SCAN 0 COUNT -1
            SCAN 0 COUNT abc
            SCAN 0 MATCH
            SCAN 0 FOO bar
            SCAN 0 TYPE
            SCAN abc
            SCAN " 0"
            SCAN 18446744073709551616
            SCAN +
            SCAN 1.5
            KEYS
            DBSIZE
            """);
    }

    @Test
    void scanCursorsAreAcceptedLikeStrtoul() throws Exception {
        // Cursor values beyond the keyspace end an rkv scan; on an empty database both answer "0" and nothing.
        assertSameReplies(redis, rkv, """
            SCAN 0
            SCAN ""
            SCAN +0
            SCAN -0
            SCAN 18446744073709551615
            SCAN -1
            SCAN 99999
            """);
    }

    @Test
    void randomkeyAndDbsize() throws Exception {
        assertSameReplies(redis, rkv, """
            RANDOMKEY
            DBSIZE
            SET only v
            RANDOMKEY
            DBSIZE
            RANDOMKEY extra
            DBSIZE extra
            """);
    }

    @Test
    void flushdbFlushallAndSwapdb() throws Exception {
        assertSameReplies(redis, rkv, """
            SET a 1
            SELECT 1
            SET b 2
            SELECT 0
            SWAPDB 0 1
            GET a
            GET b
            SWAPDB 0 0
            GET b
            SWAPDB 0 16
            SWAPDB -1 0
            SWAPDB a 0
            SWAPDB 0 b
            SWAPDB 0 99999999999
            SWAPDB 99999999999 0
            SWAPDB 0
            FLUSHDB
            DBSIZE
            SELECT 1
            DBSIZE
            FLUSHDB ASYNC
            FLUSHDB sync
            FLUSHDB foo
            FLUSHDB ASYNC SYNC
            SET c 3
            SELECT 2
            SET d 4
            FLUSHALL
            DBSIZE
            SELECT 1
            DBSIZE
            SELECT 0
            FLUSHALL SYNC
            FLUSHALL async
            FLUSHALL nope
            """);
    }

    @Test
    void flushesAndSwapdbAbortTransactionsWatchingExistingKeys() throws Exception {
        assertSameReplies(redis, rkv, """
            SET k v
            WATCH k
            FLUSHALL
            MULTI
            SET a 1
            EXEC
            SET k v
            WATCH k
            FLUSHDB
            MULTI
            SET a 1
            EXEC
            SET k v
            WATCH k
            SWAPDB 0 1
            MULTI
            SET a 1
            EXEC
            SELECT 1
            WATCH k
            SWAPDB 0 1
            MULTI
            SET a 1
            EXEC
            SELECT 0
            SET w v
            WATCH w
            SELECT 3
            FLUSHDB
            SELECT 0
            MULTI
            SET a 1
            EXEC
            """);
    }

    @Test
    void copyAndMove() throws Exception {
        assertSameReplies(redis, rkv, """
            SET a hello EX 100
            COPY a b
            GET b
            %1 TTL b
            COPY a b
            COPY a b REPLACE
            COPY a a
            COPY missing x
            COPY a b DB 1
            COPY a b DB 1 REPLACE
            SELECT 1
            GET b
            %1 TTL b
            SELECT 0
            COPY a a DB 1
            COPY a a DB 0
            COPY a b DB 16
            COPY a b DB -1
            COPY a b DB abc
            COPY a b DB 99999999999
            COPY a b DB
            COPY a b FOO
            COPY a b REPLACE REPLACE
            SET n 123
            COPY n n2
            OBJECT ENCODING n2
            APPEND r x
            APPEND r y
            COPY r r2
            OBJECT ENCODING r2
            @list l
            COPY l l2
            TYPE l2
            MOVE a 1
            MOVE a 1
            EXISTS a
            SET a again
            MOVE a 1
            MOVE missing 1
            MOVE b 0
            MOVE b 16
            MOVE b -1
            MOVE b abc
            MOVE b 99999999999
            SELECT 1
            %1 TTL a
            """);
    }

    @Test
    void objectSubcommands() throws Exception {
        assertSameReplies(redis, rkv, """
            SET i 12345
            SET e short
            SET r 01234567890123456789012345678901234567890123456789
            OBJECT ENCODING i
            OBJECT ENCODING e
            OBJECT ENCODING r
            OBJECT ENCODING missing
            OBJECT REFCOUNT i
            OBJECT REFCOUNT missing
            OBJECT FREQ i
            OBJECT FREQ missing
            OBJECT IDLETIME missing
            OBJECT HELP
            OBJECT help
            OBJECT
            OBJECT FOO
            OBJECT ENCODING
            OBJECT ENCODING i extra
            OBJECT HELP extra
            SET big 12345678901234567890
            OBJECT ENCODING big
            SET neg -5
            OBJECT ENCODING neg
            SET lead 05
            OBJECT ENCODING lead
            SET s44 01234567890123456789012345678901234567890123
            OBJECT ENCODING s44
            SET s45 012345678901234567890123456789012345678901234
            OBJECT ENCODING s45
            """);
    }

    @Test
    void repliesInResp3() throws Exception {
        assertSameReplies(redis, rkv, """
            ! HELLO 3
            SET k v
            TYPE k
            TYPE missing
            RANDOMKEY
            DEL k
            RANDOMKEY
            SCAN 0
            SCAN 99999
            OBJECT ENCODING missing
            OBJECT HELP
            TTL missing
            SET k v
            ~ KEYS *
            SCAN 0 COUNT 100
            COPY k k2
            RENAME missing x
            """);
    }

    @Test
    void expireFamilyWithFlags() throws Exception {
        assertSameReplies(redis, rkv, """
            SET k v
            TTL k
            PTTL k
            EXPIRETIME k
            PEXPIRETIME k
            TTL missing
            PTTL missing
            EXPIRETIME missing
            PEXPIRETIME missing
            EXPIRE k 100
            %1 TTL k
            %1500 PTTL k
            PEXPIRE k 200000
            %1 TTL k
            EXPIREAT k {s+300}
            %1 TTL k
            EXPIRETIME k
            PEXPIREAT k {ms+400000}
            PEXPIRETIME k
            %1 EXPIRETIME k
            EXPIRE missing 10
            EXPIRE k abc
            EXPIRE k 1.5
            EXPIRE k 10 FOO
            EXPIRE k 10 NX XX
            EXPIRE k 10 NX GT
            EXPIRE k 10 nx lt
            EXPIRE k 10 GT LT
            EXPIRE k 10 XX GT LT
            EXPIRE k abc FOO
            EXPIRE k abc NX XX
            EXPIRE k 9223372036854775807
            EXPIRE k -9223372036854775808
            EXPIRE k 9223372036854775
            PEXPIRE k 9223372036854775807
            EXPIREAT k 9223372036854775807
            PEXPIREAT k 9223372036854775807
            PEXPIRETIME k
            EXPIRETIME k
            PEXPIREAT k 9223372036854775499
            EXPIRETIME k
            PEXPIREAT k 9223372036854775500
            EXPIRETIME k
            SET k v
            EXPIRE k 100 XX
            EXPIRE k 100 GT
            EXPIRE k 100 LT
            TTL k
            EXPIRE k 100 NX
            EXPIRE k 50 NX
            EXPIRE k 200 XX
            %1 TTL k
            EXPIRE k 100 GT
            EXPIRE k 300 GT
            %1 TTL k
            EXPIRE k 400 LT
            EXPIRE k 150 LT
            %1 TTL k
            EXPIRE k 160 xx gt xx
            PERSIST k
            PERSIST k
            PERSIST missing
            TTL k
            EXPIRE k 0
            EXISTS k
            SET k v
            EXPIRE k -10
            EXISTS k
            SET k v
            PEXPIRE k -1
            GET k
            SET k v
            EXPIREAT k 1
            GET k
            SET k v
            PEXPIREAT k 0
            GET k
            SET k v
            EXPIRE k -10 LT
            EXISTS k
            SET k v EX 100
            EXPIRE k -10 GT
            EXISTS k
            @list l
            EXPIRE l 100
            %1 TTL l
            PERSIST l
            TTL l
            EXPIRE
            TTL
            PERSIST
            """);
    }
}
