package dev.rkv.kvserver.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A hash, encoded as Redis 7.0 encodes it: a "listpack" (fields and values in insertion order,
 * searched linearly) while it has at most {@code hash-max-listpack-entries} fields and no field
 * or value longer than {@code hash-max-listpack-value} bytes, a "hashtable" beyond. Like Redis, it
 * never converts back. Field and value arrays are never modified once stored.
 */
public final class HashValue extends MutableValue {
    /** Listpack encoding: field0, value0, field1, value1 ... ; null once converted. */
    private ArrayList<byte[]> pairs;
    /** Hashtable encoding; null while a listpack. */
    private ElementTable<byte[]> table;

    private HashValue(ArrayList<byte[]> pairs, ElementTable<byte[]> table) {
        this.pairs = pairs;
        this.table = table;
    }

    /** An empty hash in the listpack encoding. */
    public static HashValue empty() {
        return new HashValue(new ArrayList<>(), null);
    }

    /** An empty hash already in the hashtable encoding (an RDB hash too big for a listpack). */
    public static HashValue emptyTable() {
        return new HashValue(null, new ElementTable<>());
    }

    @Override
    public String encodingName() {
        return pairs != null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return pairs != null;
    }

    @Override
    public long size() {
        return pairs != null ? pairs.size() / 2 : table.size();
    }

    public byte[] get(byte[] field) {
        if (pairs == null) {
            return table.get(field);
        }
        int i = indexOf(field);
        return i < 0 ? null : pairs.get(i + 1);
    }

    public boolean contains(byte[] field) {
        return pairs == null ? table.contains(field) : indexOf(field) >= 0;
    }

    private int indexOf(byte[] field) {
        for (int i = 0; i < pairs.size(); i += 2) {
            if (Arrays.equals(pairs.get(i), field)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Sets a field, converting to a hashtable first when the limits say so.
     *
     * @return true when the field is new
     */
    public boolean put(byte[] field, byte[] value, HashLimits limits) {
        if (pairs != null && (field.length > limits.maxListpackValue() || value.length > limits.maxListpackValue())) {
            convertToTable();
        }
        if (pairs == null) {
            return table.put(field, value) == null;
        }
        int i = indexOf(field);
        if (i >= 0) {
            pairs.set(i + 1, value);
            return false;
        }
        pairs.add(field);
        pairs.add(value);
        if (pairs.size() / 2 > limits.maxListpackEntries()) {
            convertToTable();
        }
        return true;
    }

    /** Removes a field; true when it was there. */
    public boolean remove(byte[] field) {
        if (pairs == null) {
            return table.remove(field);
        }
        int i = indexOf(field);
        if (i < 0) {
            return false;
        }
        pairs.remove(i + 1);
        pairs.remove(i);
        return true;
    }

    /** Converts to the hashtable encoding (also for loaders that know the final size). */
    public void convertToTable() {
        if (pairs == null) {
            return;
        }
        ElementTable<byte[]> t = new ElementTable<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            t.put(pairs.get(i), pairs.get(i + 1));
        }
        table = t;
        pairs = null;
    }

    /** Every field and value: in insertion order for a listpack, table order for a hashtable. */
    public void forEach(BiConsumer<byte[], byte[]> action) {
        if (pairs != null) {
            for (int i = 0; i < pairs.size(); i += 2) {
                action.accept(pairs.get(i), pairs.get(i + 1));
            }
        } else {
            table.forEach(action);
        }
    }

    /** HSCAN: a listpack is returned whole (cursor 0 next), as Redis does; a hashtable by buckets. */
    public long scan(long cursor, long count, BiConsumer<byte[], byte[]> action) {
        if (pairs != null) {
            forEach(action);
            return 0;
        }
        return table.scan(cursor, count, action);
    }

    /** Field/value pair {@code index} (0-based) of a listpack; for HRANDFIELD. */
    public byte[][] pairAt(int index) {
        return new byte[][] {pairs.get(index * 2), pairs.get(index * 2 + 1)};
    }

    /** A random field/value pair; for HRANDFIELD on a hashtable. */
    public byte[][] randomPair() {
        if (pairs != null) {
            return pairAt(java.util.concurrent.ThreadLocalRandom.current().nextInt(pairs.size() / 2));
        }
        java.util.Map.Entry<byte[], byte[]> e = table.random();
        return e == null ? null : new byte[][] {e.getKey(), e.getValue()};
    }

    /** Every pair as a list (HRANDFIELD with a count as large as the hash). */
    public List<byte[][]> pairs() {
        List<byte[][]> out = new ArrayList<>((int) size());
        forEach((f, v) -> out.add(new byte[][] {f, v}));
        return out;
    }

    @Override
    public HashValue copy() {
        return pairs != null ? new HashValue(new ArrayList<>(pairs), null) : new HashValue(null, table.copy());
    }

    @Override
    public long memoryUsage() {
        long[] bytes = {pairs != null ? 56 : 64};
        forEach((f, v) -> bytes[0] += f.length + v.length + (pairs != null ? 8 : 64));
        return bytes[0];
    }

    @Override
    public long memoryUsage(long samples) {
        if (pairs != null || samplesAll(samples)) {
            return memoryUsage();
        }
        long[] seen = {0, 0};
        table.scan(0, samples, (f, v) -> {
            seen[0] += f.length + v.length + 64;
            seen[1]++;
        });
        return scaled(64, seen[0], seen[1], size());
    }
}
