package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.command.CommandFlag.DENYOOM;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.WRITE;
import static dev.rkv.kvserver.command.CommandSpec.command;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.HashValue;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ListValue;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.store.ZSetValue;
import dev.rkv.kvserver.util.CDouble;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (sort.c): sorts a list, set or sorted set numerically or with ALPHA, by the
 * elements or by keys a BY pattern names (a hash field with {@code ->}), with LIMIT, GET
 * patterns and STORE, with Redis 7.0's replies and errors.
 *
 * <p>Where Redis leaves order to qsort (ties under BY ... ALPHA) this sort is stable, and ALPHA
 * compares bytes where Redis uses strcoll: the same order under the C and C.UTF-8 locales. A BY
 * pattern without {@code *} does not sort; a set is then returned in its own iteration order
 * (which differs from Redis's), except with STORE, where Redis sorts it ALPHA to keep replicas
 * equal, and so does this.
 *
 * <p>As in Redis, sorting a sorted set converts it to a skip list for good.
 *
 * <p>SORT ... STORE propagates as its result (DEL and RPUSH, {@link StoredResultEffects}), not as
 * itself: replaying it needs the sorted key and every key the patterns read as they were.
 */
final class SortCommand {
    private static final String BY_GET_NOTES = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive "
        + "from the content of the key we sort";
    private static final String STORE_NOTES = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
        + "anywhere in the argument array";
    private static final String SUMMARY = "Sort the elements in a list, set or sorted set";
    private static final byte[] EMPTY = new byte[0];

    private SortCommand() {
    }

    static void register(CommandTable t) {
        KeySpec sorted = KeySpec.single(1, "RO", "access");
        KeySpec patterns = KeySpec.unknown(BY_GET_NOTES, null, "RO", "access");
        t.register(command("sort", -2).flags(WRITE, DENYOOM).keys(1, 1, 1)
            .keySpecs(sorted, patterns, KeySpec.unknown(STORE_NOTES, SortCommand::storeKeyPosition, "OW", "update"))
            .acl("set", "sortedset", "list", "dangerous").group("generic").since("1.0.0").summary(SUMMARY)
            .handler((c, argv) -> sort(c, argv, false)).build());
        t.register(command("sort_ro", -2).flags(READONLY).keys(1, 1, 1).keySpecs(sorted, patterns)
            .acl("set", "sortedset", "list", "dangerous").group("generic").since("7.0.0")
            .summary(SUMMARY + ". Read-only variant of SORT.").handler((c, argv) -> sort(c, argv, true)).build());
    }

    /** Where SORT's STORE destination is (the last STORE wins), skipping the arguments of the other options; none without STORE. */
    private static List<Integer> storeKeyPosition(byte[][] argv) {
        int found = -1;
        for (int j = 2; j < argv.length; j++) {
            String option = Args.word(argv[j]);
            switch (option) {
                case "limit" -> j += 2;
                case "get", "by" -> j += 1;
                case "store" -> {
                    if (j + 1 < argv.length) {
                        found = j + 1;
                    }
                    j += 1;
                }
                default -> {
                }
            }
        }
        return found < 0 ? List.of() : List.of(found);
    }

    /** One element being sorted, with what it is compared by. */
    private static final class Item {
        final byte[] element;
        double score;
        /** ALPHA with BY: the looked-up value, null when the key was missing. */
        byte[] compareBy;

        Item(byte[] element) {
            this.element = element;
        }
    }

    // SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
    private static void sort(Client c, byte[][] argv, boolean readOnly) {
        boolean desc = false;
        boolean alpha = false;
        boolean dontSort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortBy = null;
        byte[] store = null;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < argv.length; j++) {
            int left = argv.length - j - 1;
            String option = Args.word(argv[j]);
            if (option.equals("asc")) {
                desc = false;
            } else if (option.equals("desc")) {
                desc = true;
            } else if (option.equals("alpha")) {
                alpha = true;
            } else if (option.equals("limit") && left >= 2) {
                long[] limit = Args.limitOrReply(c, argv[j + 1], argv[j + 2]);
                if (limit == null) {
                    return;
                }
                limitStart = limit[0];
                limitCount = limit[1];
                j += 2;
            } else if (!readOnly && option.equals("store") && left >= 1) {
                store = argv[++j];
            } else if (option.equals("by") && left >= 1) {
                sortBy = argv[++j];
                // A pattern without '*' names one key for every element: nothing to sort by.
                dontSort = indexOf(sortBy, (byte) '*', 0) < 0;
            } else if (option.equals("get") && left >= 1) {
                gets.add(argv[++j]);
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        Key sortedKey = Args.key(argv[1]);
        Entry e = Args.lookupRead(c, sortedKey);
        if (e != null && e.type() != ValueType.LIST && e.type() != ValueType.SET && e.type() != ValueType.ZSET) {
            c.out().raw(Replies.WRONGTYPE);
            return;
        }
        if (e != null && e.type() == ValueType.ZSET && ((ZSetValue) e.value()).isListpack()) {
            // Redis converts a sorted set to a skip list for SORT (even SORT_RO), for good: OBJECT
            // ENCODING shows it, and lex ranges over mixed scores depend on it. Same members, so no change signal.
            e = c.db().lookupForWrite(sortedKey, c.server().nowMs());
            ((ZSetValue) e.value()).convertToSkipList();
        }
        if (dontSort && e != null && e.type() == ValueType.SET && store != null) {
            // A set's own order differs between servers: what a replica stores must not depend on it.
            dontSort = false;
            alpha = true;
            sortBy = null;
        }
        List<Item> items = elements(e, dontSort && desc);
        int n = items.size();
        long start = Math.min(Math.max(limitStart, 0), n);
        long count = Math.min(Math.max(limitCount, -1), n);
        long end = count < 0 ? n - 1 : start + count - 1;
        if (start >= n) {
            start = n - 1;
            end = n - 2;
        }
        if (end >= n) {
            end = n - 1;
        }
        if (!dontSort) {
            boolean badScore = false;
            for (Item it : items) {
                byte[] by = sortBy == null ? it.element : lookupByPattern(c, sortBy, it.element);
                if (by == null) {
                    continue;
                }
                if (alpha) {
                    if (sortBy != null) {
                        it.compareBy = by;
                    }
                } else {
                    Double score = CDouble.parseAfterBlanks(by);
                    if (score == null) {
                        badScore = true;
                    } else {
                        it.score = score;
                    }
                }
            }
            if (badScore) {
                c.out().error("ERR One or more scores can't be converted into double");
                return;
            }
            Comparator<Item> order = alpha ? alphaOrder(sortBy != null) : NUMERIC;
            items.sort(desc ? order.reversed() : order);
        }
        List<byte[]> out = new ArrayList<>();
        for (long j = start; j <= end; j++) {
            Item it = items.get((int) j);
            if (gets.isEmpty()) {
                out.add(it.element);
            }
            for (byte[] pattern : gets) {
                out.add(lookupByPattern(c, pattern, it.element));
            }
        }
        if (store == null) {
            c.out().array(out.size());
            for (byte[] b : out) {
                if (b == null) {
                    c.out().nullBulk();
                } else {
                    c.out().bulk(b);
                }
            }
            return;
        }
        storeResult(c, store, out);
    }

    /** The elements of the sorted key (none when missing); a list or zset that will not be sorted comes reversed for DESC. */
    private static List<Item> elements(Entry e, boolean reversed) {
        List<Item> items = new ArrayList<>();
        if (e == null) {
            return items;
        }
        Object v = e.value();
        if (v instanceof ListValue l) {
            l.forEach(x -> items.add(new Item(x)));
        } else if (v instanceof SetValue s) {
            // A set has no order to reverse: DESC without sorting leaves it as it iterates.
            s.forEach(x -> items.add(new Item(x)));
            return items;
        } else if (v instanceof ZSetValue z) {
            z.forEach((m, score) -> items.add(new Item(m)));
        }
        if (reversed) {
            Collections.reverse(items);
        }
        return items;
    }

    private static final Comparator<Item> NUMERIC = (a, b) -> {
        if (a.score > b.score) {
            return 1;
        }
        if (a.score < b.score) {
            return -1;
        }
        // Equal scores: by the elements' bytes, so the order is the same on every server.
        return Arrays.compareUnsigned(a.element, b.element);
    };

    private static Comparator<Item> alphaOrder(boolean byPattern) {
        if (!byPattern) {
            return (a, b) -> Arrays.compareUnsigned(a.element, b.element);
        }
        return (a, b) -> {
            if (a.compareBy == null || b.compareBy == null) {
                // A missing key sorts before every present one.
                return a.compareBy == b.compareBy ? 0 : a.compareBy == null ? -1 : 1;
            }
            return Arrays.compareUnsigned(a.compareBy, b.compareBy);
        };
    }

    /**
     * The value a BY or GET pattern names for {@code element}: "#" is the element itself; the
     * first {@code *} is replaced by the element, and "->field" reads that field of a hash;
     * otherwise the key must hold a string. Null when there is no such value.
     */
    private static byte[] lookupByPattern(Client c, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, (byte) '*', 0);
        if (star < 0) {
            return null;
        }
        int arrow = indexOfArrow(pattern, star + 1);
        boolean hasField = arrow >= 0 && arrow + 2 < pattern.length;
        int keyEnd = hasField ? arrow : pattern.length;
        byte[] key = new byte[star + element.length + (keyEnd - star - 1)];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
        // A read like any other, as Redis's lookupKeyRead: hits and misses counted, keymiss notified.
        Entry e = Args.lookupRead(c, new Key(key));
        if (e == null) {
            return null;
        }
        if (hasField) {
            return e.type() == ValueType.HASH ? ((HashValue) e.value()).get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)) : null;
        }
        return e.type() == ValueType.STRING ? e.bytes() : null;
    }

    /** Replaces {@code dst} with the result as a list (a missing GET value stored as ""), or deletes it for none; replies the length. */
    private static void storeResult(Client c, byte[] dst, List<byte[]> result) {
        Key key = Args.key(dst);
        long now = c.server().nowMs();
        if (result.isEmpty()) {
            if (c.db().remove(key, now)) {
                KeyspaceNotify.generic(c, "del", dst);
                StoredResultEffects.list(c, dst, List.of());
            }
            c.out().integer(0);
            return;
        }
        ListValue list = new ListValue();
        List<byte[]> stored = new ArrayList<>(result.size());
        for (byte[] b : result) {
            byte[] element = b == null ? EMPTY : b;
            list.pushTail(element);
            stored.add(element);
        }
        c.db().put(key, Entry.of(ValueType.LIST, list, Entry.NO_EXPIRY, now));
        KeyspaceNotify.list(c, "sortstore", dst);
        c.out().integer(result.size());
        StoredResultEffects.list(c, dst, stored);
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfArrow(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '-' && b[i + 1] == '>') {
                return i;
            }
        }
        return -1;
    }
}
