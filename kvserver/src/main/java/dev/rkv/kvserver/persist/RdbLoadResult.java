package dev.rkv.kvserver.persist;

/**
 * What {@link RdbLoader#load} read.
 *
 * @param keys           keys stored into the target
 * @param expiredSkipped keys not stored because their expiry had passed
 * @param replId         the repl-id aux field, or null when absent
 * @param replOffset     the repl-offset aux field, or -1 when absent
 * @param replStreamDb   the repl-stream-db aux field, or -1 when absent
 * @param rdbVersion     the file's RDB version
 */
public record RdbLoadResult(long keys, long expiredSkipped, String replId, long replOffset, int replStreamDb,
                            int rdbVersion) {
    /**
     * Where in a replication history the file was saved, as Redis 7.0 accepts it for a restart
     * (repl-id, repl-offset and repl-stream-db all present); null otherwise.
     */
    public RdbAux replication() {
        if (replId == null || replOffset < 0 || replStreamDb < 0) {
            return null;
        }
        return new RdbAux(replId, replOffset, replStreamDb);
    }
}
