package dev.rkv.kvserver.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A hash table of binary-safe elements (hash fields, set and sorted-set members) to values, the
 * "hashtable" encoding of the collections. Chained buckets in a power-of-two array, so that a
 * scan cursor can use Redis's reverse-binary increment: an element present for a whole scan is
 * returned at least once, even when the table grows or shrinks in between.
 *
 * @param <V> what an element maps to (a hash value, a score, nothing for sets)
 */
public final class ElementTable<V> {
    private static final int MIN_BUCKETS = 4;

    private static final class Node<V> {
        final byte[] element;
        final int hash;
        V value;
        Node<V> next;

        Node(byte[] element, int hash, V value, Node<V> next) {
            this.element = element;
            this.hash = hash;
            this.value = value;
            this.next = next;
        }
    }

    private Node<V>[] buckets = newBuckets(MIN_BUCKETS);
    private int size;

    @SuppressWarnings("unchecked")
    private static <V> Node<V>[] newBuckets(int n) {
        return (Node<V>[]) new Node[n];
    }

    /** The element's hash: keyed with the process's secret, so that clients cannot make elements collide. */
    static int hash(byte[] b) {
        return SipHash.secret32(b);
    }

    public int size() {
        return size;
    }

    public V get(byte[] element) {
        Node<V> n = find(element);
        return n == null ? null : n.value;
    }

    public boolean contains(byte[] element) {
        return find(element) != null;
    }

    private Node<V> find(byte[] element) {
        int h = hash(element);
        for (Node<V> n = buckets[h & (buckets.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.element, element)) {
                return n;
            }
        }
        return null;
    }

    /** Maps {@code element} to {@code value}; returns the previous value, or null when it is new. */
    public V put(byte[] element, V value) {
        int h = hash(element);
        int i = h & (buckets.length - 1);
        for (Node<V> n = buckets[i]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.element, element)) {
                V old = n.value;
                n.value = value;
                return old;
            }
        }
        buckets[i] = new Node<>(element, h, value, buckets[i]);
        size++;
        if (size > buckets.length) {
            resize(buckets.length * 2);
        }
        return null;
    }

    /** Removes an element; true when it was there. */
    public boolean remove(byte[] element) {
        int h = hash(element);
        int i = h & (buckets.length - 1);
        Node<V> prev = null;
        for (Node<V> n = buckets[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && Arrays.equals(n.element, element)) {
                if (prev == null) {
                    buckets[i] = n.next;
                } else {
                    prev.next = n.next;
                }
                size--;
                if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
                    resize(buckets.length / 2);
                }
                return true;
            }
        }
        return false;
    }

    private void resize(int n) {
        Node<V>[] fresh = newBuckets(n);
        for (Node<V> head : buckets) {
            for (Node<V> node = head; node != null; ) {
                Node<V> next = node.next;
                int i = node.hash & (n - 1);
                node.next = fresh[i];
                fresh[i] = node;
                node = next;
            }
        }
        buckets = fresh;
    }

    public void forEach(BiConsumer<byte[], V> action) {
        for (Node<V> head : buckets) {
            for (Node<V> n = head; n != null; n = n.next) {
                action.accept(n.element, n.value);
            }
        }
    }

    /**
     * Visits the buckets from {@code cursor} until at least {@code count} elements were visited
     * (whole buckets, like Redis's dictScan), and returns the next cursor, 0 at the end. The
     * cursor walks bucket indexes in reverse-binary order, which stays valid across resizes.
     */
    public long scan(long cursor, long count, BiConsumer<byte[], V> action) {
        if (size == 0) {
            return 0;
        }
        long visited = 0;
        long c = cursor;
        do {
            int mask = buckets.length - 1;
            for (Node<V> n = buckets[(int) (c & mask)]; n != null; n = n.next) {
                action.accept(n.element, n.value);
                visited++;
            }
            // Increment the reversed cursor: set the bits above the mask, reverse, add one, reverse.
            c |= ~(long) mask;
            c = Long.reverse(c);
            c++;
            c = Long.reverse(c);
        } while (c != 0 && visited < count);
        return c;
    }

    /** A uniformly random element (with its value), or null when empty. */
    public java.util.Map.Entry<byte[], V> random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        // Pick a non-empty bucket, then a node within it, weighting by chain length with a
        // rejection step so that long chains are not favoured.
        int maxChain = 1;
        while (true) {
            Node<V> head = buckets[rnd.nextInt(buckets.length)];
            if (head == null) {
                continue;
            }
            int len = 0;
            for (Node<V> n = head; n != null; n = n.next) {
                len++;
            }
            maxChain = Math.max(maxChain, len);
            int pick = rnd.nextInt(maxChain);
            if (pick >= len) {
                continue;
            }
            Node<V> n = head;
            while (pick-- > 0) {
                n = n.next;
            }
            return java.util.Map.entry(n.element, n.value);
        }
    }

    /** A copy whose chains share no node with this table (elements and values are shared). */
    public ElementTable<V> copy() {
        ElementTable<V> t = new ElementTable<>();
        t.buckets = newBuckets(buckets.length);
        for (int i = 0; i < buckets.length; i++) {
            for (Node<V> n = buckets[i]; n != null; n = n.next) {
                t.buckets[i] = new Node<>(n.element, n.hash, n.value, t.buckets[i]);
            }
        }
        t.size = size;
        return t;
    }
}
