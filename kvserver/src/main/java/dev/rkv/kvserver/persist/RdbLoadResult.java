package dev.rkv.kvserver.persist;

/**
 * What {@link RdbLoader#load} read.
 *
 * @param keys           keys stored into the target
 * @param expiredSkipped keys not stored because their expiry had passed
 * @param replId         the repl-id aux field, or null when absent
 * @param replOffset     the repl-offset aux field, or -1 when absent
 * @param rdbVersion     the file's RDB version
 */
public record RdbLoadResult(long keys, long expiredSkipped, String replId, long replOffset, int rdbVersion) {
}
