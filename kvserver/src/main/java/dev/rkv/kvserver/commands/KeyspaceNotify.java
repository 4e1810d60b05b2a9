package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.config.KeyspaceEventClasses;

/**
 * Redis's notifyKeyspaceEvent for a key in the client's database, one method per event class,
 * as the commands call it right after each change they make.
 */
final class KeyspaceNotify {
    private KeyspaceNotify() {
    }

    /** DEL, EXPIRE, RENAME and the like ("g"). */
    static void generic(Client c, String event, byte[] key) {
        event(c, KeyspaceEventClasses.GENERIC, event, key);
    }

    static void string(Client c, String event, byte[] key) {
        event(c, KeyspaceEventClasses.STRING, event, key);
    }

    static void list(Client c, String event, byte[] key) {
        event(c, KeyspaceEventClasses.LIST, event, key);
    }

    static void set(Client c, String event, byte[] key) {
        event(c, KeyspaceEventClasses.SET, event, key);
    }

    static void hash(Client c, String event, byte[] key) {
        event(c, KeyspaceEventClasses.HASH, event, key);
    }

    static void zset(Client c, String event, byte[] key) {
        event(c, KeyspaceEventClasses.ZSET, event, key);
    }

    static void event(Client c, int eventClass, String event, byte[] key) {
        c.server().keyspaceEvents().notify(eventClass, event, key, c.dbIndex());
    }
}
