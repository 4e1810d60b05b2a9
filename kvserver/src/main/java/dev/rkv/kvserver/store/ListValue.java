package dev.rkv.kvserver.store;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A list: a growable ring of elements, so that pushes and pops at either end are O(1), an index
 * is O(1) and an insertion or removal inside moves at most half the elements. OBJECT ENCODING
 * reports "quicklist", the only list encoding Redis 7.0 has. Element arrays are never modified.
 */
public final class ListValue extends MutableValue {
    private byte[][] ring;
    private int head;
    private int size;

    public ListValue() {
        this(8);
    }

    private ListValue(int capacity) {
        ring = new byte[Math.max(4, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1)][];
    }

    @Override
    public String encodingName() {
        return "quicklist";
    }

    @Override
    public long size() {
        return size;
    }

    public int length() {
        return size;
    }

    private int slot(int index) {
        return (head + index) & (ring.length - 1);
    }

    private void ensureRoom() {
        if (size == ring.length) {
            byte[][] bigger = new byte[ring.length * 2][];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[slot(i)];
            }
            ring = bigger;
            head = 0;
        }
    }

    public void pushHead(byte[] element) {
        ensureRoom();
        head = (head - 1) & (ring.length - 1);
        ring[head] = element;
        size++;
    }

    public void pushTail(byte[] element) {
        ensureRoom();
        ring[slot(size)] = element;
        size++;
    }

    /** Removes and returns the first element, or null when empty. */
    public byte[] popHead() {
        if (size == 0) {
            return null;
        }
        byte[] e = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        shrinkIfSparse();
        return e;
    }

    /** Removes and returns the last element, or null when empty. */
    public byte[] popTail() {
        if (size == 0) {
            return null;
        }
        int at = slot(size - 1);
        byte[] e = ring[at];
        ring[at] = null;
        size--;
        shrinkIfSparse();
        return e;
    }

    private void shrinkIfSparse() {
        if (ring.length > 64 && size < ring.length / 8) {
            byte[][] smaller = new byte[ring.length / 4][];
            for (int i = 0; i < size; i++) {
                smaller[i] = ring[slot(i)];
            }
            ring = smaller;
            head = 0;
        }
    }

    /** The element at a 0-based index in [0, length). */
    public byte[] get(int index) {
        return ring[slot(index)];
    }

    public void set(int index, byte[] element) {
        ring[slot(index)] = element;
    }

    /** Inserts so that the new element ends at {@code index} (0 = head, length = tail). */
    public void insert(int index, byte[] element) {
        if (index == 0) {
            pushHead(element);
            return;
        }
        pushTail(element); // grows by one; then shift the tail part right by one
        for (int i = size - 1; i > index; i--) {
            ring[slot(i)] = ring[slot(i - 1)];
        }
        ring[slot(index)] = element;
    }

    /** Removes the element at {@code index}. */
    public void remove(int index) {
        if (index < size / 2) {
            for (int i = index; i > 0; i--) {
                ring[slot(i)] = ring[slot(i - 1)];
            }
            popHead();
        } else {
            for (int i = index; i < size - 1; i++) {
                ring[slot(i)] = ring[slot(i + 1)];
            }
            popTail();
        }
    }

    /** Keeps only [start, end] (inclusive, valid indexes), as LTRIM does. */
    public void keepRange(int start, int end) {
        int keep = end - start + 1;
        byte[][] fresh = new byte[Math.max(4, Integer.highestOneBit(Math.max(1, keep)) << 1)][];
        for (int i = 0; i < keep; i++) {
            fresh[i] = ring[slot(start + i)];
        }
        ring = fresh;
        head = 0;
        size = keep;
    }

    public void forEach(Consumer<byte[]> action) {
        for (int i = 0; i < size; i++) {
            action.accept(ring[slot(i)]);
        }
    }

    @Override
    public ListValue copy() {
        ListValue l = new ListValue(size + 1);
        for (int i = 0; i < size; i++) {
            l.ring[i] = ring[slot(i)];
        }
        l.size = size;
        return l;
    }

    @Override
    public long memoryUsage() {
        long bytes = 32 + 8L * ring.length;
        for (int i = 0; i < size; i++) {
            bytes += 16 + ring[slot(i)].length;
        }
        return bytes;
    }

    @Override
    public long memoryUsage(long samples) {
        if (samplesAll(samples)) {
            return memoryUsage();
        }
        long seenBytes = 0;
        for (int i = 0; i < samples; i++) {
            seenBytes += 16 + ring[slot(i)].length;
        }
        return scaled(32 + 8L * ring.length, seenBytes, samples, size);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        forEach(e -> b.append(b.length() > 1 ? ", " : "").append(new String(e, java.nio.charset.StandardCharsets.ISO_8859_1)));
        return b.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ListValue other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!Arrays.equals(get(i), other.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return size;
    }
}
