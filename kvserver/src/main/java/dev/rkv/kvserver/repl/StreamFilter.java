package dev.rkv.kvserver.repl;

/**
 * Decides, on a replica that loaded a fuzzy copy of its primary's data, which commands of the
 * replication stream still have to be applied: an effect at offset o on key K is skipped when
 * o is at most the LSN loaded for K. Called on the event loop for every stream command until
 * the stream passes {@link #horizon()}; then it is dropped.
 */
public interface StreamFilter {
    /** Returned by {@link #filter} when the effect cannot be reconciled with the loaded data: resync. */
    byte[][] RESYNC = new byte[0][];

    /**
     * @param db        the database the stream has selected
     * @param argv      the command, not to be modified
     * @param endOffset the stream offset of the command's last byte
     * @return {@code argv} to apply it, a rewritten command (the parts for keys not yet
     *         loaded), null to skip it, or {@link #RESYNC}
     */
    byte[][] filter(int db, byte[][] argv, long endOffset);

    /** The highest LSN loaded: commands ending after it are all applied unchanged. */
    long horizon();
}
