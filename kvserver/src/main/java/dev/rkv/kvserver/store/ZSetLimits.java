package dev.rkv.kvserver.store;

/** zset-max-listpack-entries and zset-max-listpack-value: when a sorted set leaves the listpack encoding. */
public record ZSetLimits(long maxListpackEntries, long maxListpackValue) {
    /** Redis 7.0's defaults. */
    public static final ZSetLimits DEFAULTS = new ZSetLimits(128, 64);
}
