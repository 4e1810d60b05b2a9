package dev.rkv.table.layout;

/** What decoding an overflow extent copy found, against the reference in a slot. */
public enum ExtentStatus {
    /** Verified: the version the slot names, CRC matches, length matches. */
    OK,
    /** Being written (odd version): read it again. */
    TORN,
    /** Another (even) version or length than the slot names: the extent was freed and reused, so the slot copy is stale. */
    STALE,
    /** The CRC does not match: a racing copy (read again) or, if it persists, damaged memory. */
    CORRUPT,
    /** The buffer given does not hold the whole extent: read the extent itself. */
    INCOMPLETE;

    public boolean shouldRetry() {
        return this != OK;
    }
}
