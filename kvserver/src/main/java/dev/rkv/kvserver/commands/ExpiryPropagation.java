package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeyspaceListener;

/**
 * Propagates {@code DEL key} when a primary expires a key, lazily on access or in the active
 * expiry cycle, as Redis's deleteExpiredKeyAndPropagate does: replicas never expire keys on
 * their own, they wait for this DEL, so primary and replicas agree on what exists.
 */
final class ExpiryPropagation implements KeyspaceListener {
    private final ServerContext server;

    ExpiryPropagation(ServerContext server) {
        this.server = server;
    }

    @Override
    public void keyExpired(int db, Key key) {
        if (KeyAccess.isPrimary(server)) {
            server.propagate(db, KeyAccess.DEL, key.bytes());
        }
    }
}
