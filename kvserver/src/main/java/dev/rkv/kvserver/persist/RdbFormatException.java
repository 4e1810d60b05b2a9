package dev.rkv.kvserver.persist;

/**
 * An RDB stream that cannot be loaded: corrupt, truncated, of a newer version, or holding
 * something rkv does not support. The message says what and at which byte offset.
 */
public final class RdbFormatException extends Exception {
    private final long offset;
    private final boolean truncated;

    public RdbFormatException(String reason, long offset) {
        this(reason, offset, false);
    }

    RdbFormatException(String reason, long offset, boolean truncated) {
        super(reason + " at byte offset " + offset);
        this.offset = offset;
        this.truncated = truncated;
    }

    /** Where in the stream the problem was found. */
    public long offset() {
        return offset;
    }

    /**
     * True when the stream ended early (a short read, as from a dropped connection) rather than
     * holding bad data.
     */
    public boolean truncated() {
        return truncated;
    }
}
