package dev.rkv.kvserver.repl;

/**
 * Observes every write after it was handed to replication, on the event loop thread. The
 * replication offset ({@link Replication#offset()}) already counts the effect when this runs,
 * so an observer can stamp the keys the write changed with that offset: the primary agent
 * keeps each mapping-table slot's LSN this way.
 */
@FunctionalInterface
public interface PropagationListener {
    /** {@code effect} was propagated for database {@code db}; it must not be modified. */
    void propagated(int db, byte[][] effect);
}
