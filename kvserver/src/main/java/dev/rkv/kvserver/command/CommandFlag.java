package dev.rkv.kvserver.command;

/** Command flags, with the names COMMAND INFO reports, in the order Redis 7.0 lists them. */
public enum CommandFlag {
    WRITE("write"),
    READONLY("readonly"),
    DENYOOM("denyoom"),
    ADMIN("admin"),
    PUBSUB("pubsub"),
    NOSCRIPT("noscript"),
    BLOCKING("blocking"),
    LOADING("loading"),
    STALE("stale"),
    SKIP_MONITOR("skip_monitor"),
    SKIP_SLOWLOG("skip_slowlog"),
    FAST("fast"),
    NO_AUTH("no_auth"),
    MAY_REPLICATE("may_replicate"),
    /** Rejected while a replica loads the primary's RDB asynchronously (PSYNC, REPLICAOF ...). */
    NO_ASYNC_LOADING("no_async_loading"),
    NO_MULTI("no_multi"),
    MOVABLEKEYS("movablekeys"),
    ALLOW_BUSY("allow_busy");

    private final String wireName;

    CommandFlag(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
