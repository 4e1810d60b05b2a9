package dev.rkv.table.layout;

/** What decoding a slot copy found. */
public enum SlotStatus {
    /** A verified record: even version, CRC matches, fields in bounds. */
    OK,
    /** No key: never written (version 0), or deleted (verified empty record). */
    EMPTY,
    /** Being written (odd version) or changed while copied: read it again. */
    TORN,
    /**
     * Even version but the CRC or a field does not check: a copy that raced a writer across
     * the version word (read it again), or, if it persists, damaged memory.
     */
    CORRUPT;

    /** Whether the copy is not usable and the slot should be read again. */
    public boolean shouldRetry() {
        return this == TORN || this == CORRUPT;
    }
}
