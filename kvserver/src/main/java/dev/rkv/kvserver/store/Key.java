package dev.rkv.kvserver.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key: binary-safe bytes with a cached hash and its cluster slot.
 *
 * <p>The bytes are never modified after construction; callers hand over ownership.
 */
public final class Key implements Comparable<Key> {
    private final byte[] bytes;
    private final int hash;
    /** The cluster slot, computed on first use: every lookup and write needs it. */
    private int slot = -1;

    public Key(byte[] bytes) {
        this.bytes = bytes;
        // Keyed with a secret, so that clients cannot choose keys that collide (SipHash).
        this.hash = SipHash.secret32(bytes);
    }

    /** A key whose hash is known (a slot map's stored key): no hashing again. */
    Key(byte[] bytes, int hash) {
        this.bytes = bytes;
        this.hash = hash;
    }

    public static Key of(String s) {
        return new Key(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The key's bytes; callers must not modify them. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public int slot() {
        int s = slot;
        if (s < 0) {
            s = KeySlot.of(bytes);
            slot = s;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Key o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
