package dev.rkv.table;

/**
 * What a write did. Anything but {@link #OK} (and {@link #NOT_FOUND} for updates of absent
 * keys) leaves the table as it was; the remedy for the space statuses is a grown table
 * ({@link TableWriter#growInto}).
 */
public enum PutStatus {
    OK,
    /** The key is not in the table (expiry update or delete). */
    NOT_FOUND,
    /** The record's slot class has no free slot ({@link TableGeometry#classFor}). */
    NO_SLOT,
    /** No run of free overflow blocks holds the value. */
    NO_OVERFLOW_SPACE,
    /** The index reached its load limit. */
    INDEX_FULL,
    /** The key is longer than any class holds with an overflow reference (at most 65,535 bytes). */
    KEY_TOO_LONG;

    public boolean isSpaceShortage() {
        return this == NO_SLOT || this == NO_OVERFLOW_SPACE || this == INDEX_FULL;
    }
}
