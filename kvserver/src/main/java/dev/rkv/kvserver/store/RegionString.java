package dev.rkv.kvserver.store;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A string value whose bytes stay where they already are, in a memory region outside the heap
 * (a replica's adopted copy of its primary's table), instead of being copied into a
 * {@code byte[]}: loading a pulled table then costs a reference per key, not a copy of every
 * value and the collector's work to keep it.
 *
 * <p>The region must never change while a value refers to it: the server only reads it (with
 * absolute gets, so any thread may read at once), and a write to the key replaces the whole
 * entry with a heap string. The buffer reference keeps the memory alive for as long as any
 * entry, snapshot or reply still holds a value in it.
 */
public final class RegionString {
    private final ByteBuffer region;
    private final int offset;
    private final int length;

    /** The {@code length} bytes at {@code offset} of {@code region} (absolute, position ignored). */
    public RegionString(ByteBuffer region, int offset, int length) {
        this.region = Objects.requireNonNull(region, "region");
        Objects.checkFromIndexSize(offset, length, region.capacity());
        this.offset = offset;
        this.length = length;
    }

    public int length() {
        return length;
    }

    /** The region the bytes are in; read it with absolute gets only. */
    public ByteBuffer region() {
        return region;
    }

    public int offset() {
        return offset;
    }

    public byte byteAt(int i) {
        Objects.checkIndex(i, length);
        return region.get(offset + i);
    }

    /** A heap copy of the bytes. */
    public byte[] copy() {
        byte[] b = new byte[length];
        region.get(offset, b);
        return b;
    }
}
