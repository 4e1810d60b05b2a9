package dev.rkv.kvserver.persist;

/**
 * Replication state recorded in an RDB's aux fields (repl-id, repl-offset), so that a server
 * restarted from the file, or a replica that loaded it, can continue with PSYNC.
 *
 * @param replId     the 40-character replication id
 * @param replOffset the replication offset the snapshot corresponds to
 */
public record RdbAux(String replId, long replOffset) {
}
