package dev.rkv.kvserver.persist;

/**
 * Replication state recorded in an RDB's aux fields (repl-id, repl-offset, repl-stream-db), so
 * that a server restarted from the file, or a replica that loaded it, can continue with PSYNC.
 *
 * @param replId     the 40-character replication id
 * @param replOffset the replication offset the snapshot corresponds to
 * @param streamDb   the database the stream has selected at that offset: a replica that
 *                   continues there gets no SELECT before the next command
 */
public record RdbAux(String replId, long replOffset, int streamDb) {
    /** At a point of the stream where the next command selects its database (a full sync's start). */
    public RdbAux(String replId, long replOffset) {
        this(replId, replOffset, 0);
    }
}
