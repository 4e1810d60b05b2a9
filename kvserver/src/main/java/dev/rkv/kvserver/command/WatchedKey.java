package dev.rkv.kvserver.command;

import dev.rkv.kvserver.store.Key;

/** A key watched by WATCH, in its database. */
public record WatchedKey(int db, Key key) {
}
