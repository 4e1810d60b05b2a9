package dev.rkv.kvserver.store;

/** hash-max-listpack-entries and hash-max-listpack-value: when a hash leaves the listpack encoding. */
public record HashLimits(long maxListpackEntries, long maxListpackValue) {
    /** Redis 7.0's defaults. */
    public static final HashLimits DEFAULTS = new HashLimits(128, 64);
}
