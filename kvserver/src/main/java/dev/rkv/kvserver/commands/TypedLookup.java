package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.ValueType;

/** The read lookup every collection command starts with: the value, none, or a WRONGTYPE reply. */
final class TypedLookup {
    private TypedLookup() {
    }

    /**
     * The value at {@code key} when it is of {@code type}; null when the key is absent, and also
     * null after replying WRONGTYPE, in which case {@code wrong[0]} is set.
     */
    static <T> T read(Client c, byte[] key, ValueType type, Class<T> valueClass, boolean[] wrong) {
        Entry e = Args.lookupRead(c, Args.key(key));
        if (e == null) {
            return null;
        }
        if (Args.wrongType(c, e, type)) {
            wrong[0] = true;
            return null;
        }
        return valueClass.cast(e.value());
    }
}
