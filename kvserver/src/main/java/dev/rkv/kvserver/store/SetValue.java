package dev.rkv.kvserver.store;

import dev.rkv.kvserver.util.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A set, encoded as Redis 7.0 encodes it: an "intset" (sorted 64-bit integers) while every member
 * is an integer in canonical form and there are at most {@code set-max-intset-entries} of them,
 * a "hashtable" beyond. Like Redis, it never converts back. Member arrays are never modified.
 */
public final class SetValue extends MutableValue {
    private static final Boolean PRESENT = Boolean.TRUE;

    /** Intset encoding: members [0, count) in ascending order; null once converted. */
    private long[] ints;
    private int count;
    /** Hashtable encoding; null while an intset. */
    private ElementTable<Boolean> table;

    private SetValue(long[] ints, ElementTable<Boolean> table) {
        this.ints = ints;
        this.table = table;
    }

    /** An empty set in the encoding its first member calls for (as Redis's setTypeCreate). */
    public static SetValue forFirstMember(byte[] member) {
        return Numbers.parseLongStrict(member) != null ? new SetValue(new long[4], null) : new SetValue(null, new ElementTable<>());
    }

    /** An empty set already in the hashtable encoding (a loaded set too big for an intset). */
    public static SetValue emptyTable() {
        return new SetValue(null, new ElementTable<>());
    }

    @Override
    public String encodingName() {
        return ints != null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return ints != null;
    }

    /** The members of an intset, ascending (for the RDB's intset encoding); null for a hashtable. */
    public long[] sortedInts() {
        return ints == null ? null : Arrays.copyOf(ints, count);
    }

    @Override
    public long size() {
        return ints != null ? count : table.size();
    }

    public boolean contains(byte[] member) {
        if (ints == null) {
            return table.contains(member);
        }
        Long v = Numbers.parseLongStrict(member);
        return v != null && Arrays.binarySearch(ints, 0, count, v) >= 0;
    }

    /** Adds a member, converting to a hashtable when the limit or the member calls for it; true when new. */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (ints != null) {
            Long v = Numbers.parseLongStrict(member);
            if (v == null) {
                convertToTable();
            } else {
                int at = Arrays.binarySearch(ints, 0, count, v);
                if (at >= 0) {
                    return false;
                }
                int insert = -at - 1;
                if (count == ints.length) {
                    ints = Arrays.copyOf(ints, Math.max(4, count * 2));
                }
                System.arraycopy(ints, insert, ints, insert + 1, count - insert);
                ints[insert] = v;
                count++;
                if (count > maxIntsetEntries) {
                    convertToTable();
                }
                return true;
            }
        }
        return table.put(member, PRESENT) == null;
    }

    /** Removes a member; true when it was there. */
    public boolean remove(byte[] member) {
        if (ints == null) {
            return table.remove(member);
        }
        Long v = Numbers.parseLongStrict(member);
        if (v == null) {
            return false;
        }
        int at = Arrays.binarySearch(ints, 0, count, v);
        if (at < 0) {
            return false;
        }
        System.arraycopy(ints, at + 1, ints, at, count - at - 1);
        count--;
        return true;
    }

    public void convertToTable() {
        if (ints == null) {
            return;
        }
        ElementTable<Boolean> t = new ElementTable<>();
        for (int i = 0; i < count; i++) {
            t.put(Numbers.toBytes(ints[i]), PRESENT);
        }
        table = t;
        ints = null;
        count = 0;
    }

    /** Every member: ascending for an intset, table order for a hashtable. */
    public void forEach(Consumer<byte[]> action) {
        if (ints != null) {
            for (int i = 0; i < count; i++) {
                action.accept(Numbers.toBytes(ints[i]));
            }
        } else {
            table.forEach((m, present) -> action.accept(m));
        }
    }

    public List<byte[]> members() {
        List<byte[]> out = new ArrayList<>((int) size());
        forEach(out::add);
        return out;
    }

    /** SSCAN: an intset is returned whole (cursor 0 next), as Redis does; a hashtable by buckets. */
    public long scan(long cursor, long count, Consumer<byte[]> action) {
        if (ints != null) {
            forEach(action);
            return 0;
        }
        return table.scan(cursor, count, (m, present) -> action.accept(m));
    }

    /** A random member, or null when empty. */
    public byte[] random() {
        if (ints != null) {
            return count == 0 ? null : Numbers.toBytes(ints[ThreadLocalRandom.current().nextInt(count)]);
        }
        java.util.Map.Entry<byte[], Boolean> e = table.random();
        return e == null ? null : e.getKey();
    }

    @Override
    public SetValue copy() {
        if (ints != null) {
            SetValue s = new SetValue(Arrays.copyOf(ints, Math.max(4, count)), null);
            s.count = count;
            return s;
        }
        return new SetValue(null, table.copy());
    }

    @Override
    public long memoryUsage() {
        if (ints != null) {
            // Members, not the array's capacity: like Redis's exactly-sized intset, the estimate
            // grows with each member (the doubling array's slack is at most as much again).
            return 48 + 8L * count;
        }
        long[] bytes = {64};
        table.forEach((m, p) -> bytes[0] += m.length + 48);
        return bytes[0];
    }

    @Override
    public long memoryUsage(long samples) {
        if (ints != null || samplesAll(samples)) {
            return memoryUsage();
        }
        long[] seen = {0, 0};
        table.scan(0, samples, (m, p) -> {
            seen[0] += m.length + 48;
            seen[1]++;
        });
        return scaled(64, seen[0], seen[1], size());
    }

    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        forEach(m -> out.add(new String(m, StandardCharsets.ISO_8859_1)));
        return out.toString();
    }
}
