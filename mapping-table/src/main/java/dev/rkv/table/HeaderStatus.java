package dev.rkv.table;

/** What decoding a header copy found. */
public enum HeaderStatus {
    /** A verified header. */
    OK,
    /** Being written (odd version): read it again. */
    TORN,
    /** Even version but the CRC does not match: a racing copy (read again) or damaged memory. */
    CORRUPT,
    /** Not a table: the magic is not "RKVTABLE". */
    BAD_MAGIC,
    /** A table of a layout version (or header length) this code does not read. */
    UNSUPPORTED_VERSION,
    /** CRC matches but the geometry breaks a layout rule (offsets not as computed, limits). */
    INVALID;

    public boolean shouldRetry() {
        return this == TORN || this == CORRUPT;
    }
}
