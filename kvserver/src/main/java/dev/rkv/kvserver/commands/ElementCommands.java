package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.MutableValue;
import dev.rkv.kvserver.store.ValueType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The shapes HDEL/SREM/ZREM and HSCAN/SSCAN/ZSCAN share: removing elements from a collection
 * (deleting the key once it is empty) and scanning one collection's elements.
 */
final class ElementCommands {
    private ElementCommands() {
    }

    /**
     * {@code CMD key element [element ...]}: removes each with {@code remove} (true when it was
     * there), replies how many went, propagates itself and sends keyspace event {@code event}
     * (of {@code eventClass}) when any did, and "del" when that emptied the key.
     */
    static <T extends MutableValue> void removeElements(Client c, byte[][] argv, ValueType type, Class<T> valueClass,
                                                        java.util.function.BiPredicate<T, byte[]> remove,
                                                        int eventClass, String event) {
        Key key = Args.key(argv[1]);
        Entry e = c.db().lookupForWrite(key, c.server().nowMs());
        if (e == null) {
            c.out().raw(Replies.ZERO);
            return;
        }
        if (Args.wrongType(c, e, type)) {
            return;
        }
        T value = valueClass.cast(e.value());
        int removed = 0;
        for (int i = 2; i < argv.length && value.size() > 0; i++) {
            if (remove.test(value, argv[i])) {
                removed++;
            }
        }
        if (removed > 0) {
            boolean emptied = value.size() == 0;
            if (emptied) {
                c.db().remove(key, c.server().nowMs());
            } else {
                c.db().modified(key, e);
            }
            KeyspaceNotify.event(c, eventClass, event, argv[1]);
            if (emptied) {
                KeyspaceNotify.generic(c, "del", argv[1]);
            }
            c.server().propagate(c.dbIndex(), argv);
        }
        c.out().integer(removed);
    }

    /** How a collection scans: from a cursor, about {@code count} elements, each handed as one or two replies. */
    @FunctionalInterface
    interface Scanner<T> {
        long scan(T value, long cursor, long count, BiConsumer<byte[], byte[]> element);
    }

    /**
     * {@code xSCAN key cursor [MATCH pattern] [COUNT count]}: the cursor is checked first, then
     * the key (a missing one is an empty scan, whatever the options), then the options; each
     * element matched by MATCH adds its one or two replies ({@code second} may be null).
     */
    static <T> void scan(Client c, byte[][] argv, ValueType type, Class<T> valueClass, Scanner<T> scanner) {
        BigInteger cursor = KeyCommands.parseCursor(argv[2]);
        if (cursor == null) {
            c.out().error("ERR invalid cursor");
            return;
        }
        boolean[] wrong = {false};
        T value = TypedLookup.read(c, argv[1], type, valueClass, wrong);
        if (wrong[0]) {
            return;
        }
        if (value == null) {
            c.out().raw(Replies.EMPTY_SCAN);
            return;
        }
        ScanOptions options = ScanOptions.parseOrReply(c, argv, 3);
        if (options == null) {
            return;
        }
        List<byte[]> found = new ArrayList<>();
        Predicate<byte[]> matches = options::matches;
        long next = scanner.scan(value, cursor.longValue(), options.count(), (first, second) -> {
            if (matches.test(first)) {
                found.add(first);
                if (second != null) {
                    found.add(second);
                }
            }
        });
        ScanOptions.reply(c, next, found);
    }
}
