package dev.rkv.kvserver.it;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The commands rkv implements, kept current by hand as command families land, so that the
 * differential suites only send what rkv claims to support. {@code DifferentialIT} checks the
 * list against the server: a command listed here that rkv does not know fails the build.
 */
final class Implemented {
    /**
     * -Drkv.diff.twins=true runs the differential suites against two real redis-servers, with
     * every gate open: a check of the suites themselves (they must never see a difference).
     */
    static final boolean TWINS = Boolean.getBoolean("rkv.diff.twins");

    static final Set<String> COMMANDS = Set.of(
        // connection (ConnectionCommands)
        "ping", "echo", "select", "quit", "auth", "hello", "reset",
        // strings (StringCommands)
        "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset", "msetnx",
        "append", "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat", "getrange", "setrange", "substr",
        "lcs",
        // keys (KeyCommands)
        "del", "unlink", "exists", "type", "rename", "renamenx", "keys", "scan", "randomkey", "dbsize", "flushdb",
        "flushall", "copy", "move", "swapdb", "touch", "object", "memory",
        // expire (ExpireCommands)
        "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "persist", "expiretime", "pexpiretime",
        // hashes, lists, sets, sorted sets (HashCommands, ListCommands, SetCommands, ZSetCommands), DUMP/RESTORE
        "hset", "hsetnx", "hget", "hmget", "hmset", "hdel", "hlen", "hstrlen", "hexists", "hkeys", "hvals", "hgetall",
        "hincrby", "hincrbyfloat", "hrandfield", "hscan",
        "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lindex", "linsert", "lrange", "lrem", "lset",
        "ltrim", "lpos", "lmove", "rpoplpush", "lmpop", "blpop", "brpop", "blmove", "brpoplpush", "blmpop",
        "sadd", "srem", "scard", "sismember", "smismember", "smembers", "srandmember", "spop", "smove", "sinter",
        "sintercard", "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "sscan",
        "zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank", "zcount", "zlexcount", "zrange",
        "zrangestore", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrevrange",
        "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zpopmin", "zpopmax", "zmpop", "bzpopmin", "bzpopmax",
        "bzmpop", "zrandmember", "zunion", "zunionstore", "zinter", "zinterstore", "zintercard", "zdiff", "zdiffstore",
        "zscan", "dump", "restore", "sort", "sort_ro",
        // transactions (TransactionCommands)
        "multi", "exec", "discard", "watch", "unwatch",
        // pub/sub (PubSubCommands)
        "publish", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "pubsub", "spublish", "ssubscribe",
        "sunsubscribe",
        // server (ServerCommands, ConfigCommand, ClientCommand)
        // (SCRIPT is there too, but only KILL/FLUSH/EXISTS/HELP of it: its COMMAND INFO lacks LOAD and DEBUG.)
        "config", "info", "client", "time", "command",
        // replication (ReplicationCommands)
        "psync", "sync", "replconf", "replicaof", "slaveof", "role", "wait", "failover");

    /** The Redis 7.0 commands the differential suites cover; whatever is not in COMMANDS yet is reported. */
    static final Set<String> WANTED = Set.of(
        "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset", "msetnx",
        "append", "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat", "getrange", "setrange", "substr",
        "lcs",
        "del", "unlink", "exists", "type", "rename", "renamenx", "keys", "scan", "randomkey", "dbsize", "flushdb",
        "flushall", "copy", "move", "swapdb", "touch", "object", "memory",
        "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "persist", "expiretime", "pexpiretime",
        "multi", "exec", "discard", "watch", "unwatch",
        "config", "info", "client", "command", "time",
        "publish", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "pubsub",
        "hset", "hsetnx", "hget", "hmget", "hmset", "hdel", "hlen", "hstrlen", "hexists", "hkeys", "hvals", "hgetall",
        "hincrby", "hincrbyfloat", "hrandfield", "hscan",
        "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lindex", "linsert", "lrange", "lrem", "lset",
        "ltrim", "lpos", "lmove", "rpoplpush", "lmpop", "blpop", "brpop", "blmove", "brpoplpush", "blmpop",
        "sadd", "srem", "scard", "sismember", "smismember", "smembers", "srandmember", "spop", "smove", "sinter",
        "sintercard", "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "sscan",
        "zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank", "zcount", "zlexcount", "zrange",
        "zrangestore", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrevrange",
        "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zpopmin", "zpopmax", "zmpop", "bzpopmin", "bzpopmax",
        "bzmpop", "zrandmember", "zunion", "zunionstore", "zinter", "zinterstore", "zintercard", "zdiff", "zdiffstore",
        "zscan", "dump", "restore", "sort", "sort_ro");

    private Implemented() {
    }

    static boolean all(String... names) {
        if (TWINS) {
            return true;
        }
        for (String n : names) {
            if (!COMMANDS.contains(n)) {
                return false;
            }
        }
        return true;
    }

    /** Skips the calling test until every named command is listed as implemented. */
    static void require(String... names) {
        if (TWINS) {
            return;
        }
        TreeSet<String> missing = new TreeSet<>();
        for (String n : names) {
            if (!COMMANDS.contains(n)) {
                missing.add(n);
            }
        }
        assumeTrue(missing.isEmpty(), "not implemented in rkv yet: " + missing);
    }

    static Set<String> missing() {
        TreeSet<String> m = new TreeSet<>(WANTED);
        m.removeAll(COMMANDS);
        return m;
    }
}
