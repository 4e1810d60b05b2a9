package dev.rkv.kvserver.store;

/**
 * Observes every change to the keyspace, on the thread that owns it.
 *
 * <p>This is how WATCH learns of modified keys and how a mirror (the accelerator's mapping
 * table) or a replication stream stays current without the commands knowing about them.
 * Implementations must be fast and must not call back into the keyspace.
 */
public interface KeyspaceListener {
    /** A key was created, overwritten, deleted or had its expiry changed. */
    default void keyModified(int db, Key key, Entry newEntryOrNull) {
    }

    /**
     * A key that did not exist was stored (Redis's dbAdd), after {@link #keyModified} for it:
     * keyspace notifications send "new" for it.
     */
    default void keyAdded(int db, Key key) {
    }

    /** A key was removed because its expiry passed (lazily on access or by the active cycle). */
    default void keyExpired(int db, Key key) {
    }

    /**
     * The whole contents of {@code db} are about to be dropped (FLUSHDB, FLUSHALL, a full sync)
     * or exchanged with {@code incomingOrNull} (SWAPDB, a loaded dataset). Called before the
     * change, so a listener can still see which keys exist on either side.
     */
    default void databaseReplacing(Database db, Database incomingOrNull) {
    }

    /** The whole database was emptied (FLUSHDB, FLUSHALL) or swapped (SWAPDB). */
    default void databaseReplaced(int db) {
    }
}
