package dev.rkv.kvserver.repl;

/**
 * Receives every write as a deterministic effect: a command that, replayed on a replica,
 * gives the same result (absolute expiry times, no randomness). Replication and the
 * accelerator's stream implement it; the default drops effects.
 */
@FunctionalInterface
public interface Propagator {
    Propagator NONE = (db, effect) -> { };

    /** Called on the event loop thread, in execution order. {@code effect} must not be modified. */
    void propagate(int db, byte[][] effect);
}
