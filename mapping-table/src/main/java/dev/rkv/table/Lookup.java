package dev.rkv.table;

/**
 * The result of a single-key lookup: a found record's fields, or why there is none.
 *
 * @param value the value bytes (inline or from the overflow extent) when found, else null
 */
public record Lookup(Status status, byte type, byte[] value, long expireAtMs, long lsn) {

    public enum Status {
        FOUND,
        NOT_FOUND,
        /** The slot or extent stayed torn or corrupt through every attempt. */
        UNSTABLE
    }

    static final Lookup NOT_FOUND = new Lookup(Status.NOT_FOUND, (byte) 0, null, 0, 0);
    static final Lookup UNSTABLE = new Lookup(Status.UNSTABLE, (byte) 0, null, 0, 0);

    public boolean found() {
        return status == Status.FOUND;
    }
}
