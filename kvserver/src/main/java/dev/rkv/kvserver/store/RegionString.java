package dev.rkv.kvserver.store;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A string value whose bytes stay where they already are, in memory outside the heap (a slot of
 * the primary's mapping table, or of a replica's adopted copy of it), instead of a second copy
 * in a {@code byte[]}: the data then exists once, and loading a pulled table costs a reference
 * per key, not a copy of every value and the collector's work to keep it.
 *
 * <p>The bytes must never change while a value refers to them: the server only reads them (with
 * absolute gets, so any thread may read at once), a write to the key replaces the whole entry,
 * and the table's owner never reuses a slot that an entry or a live snapshot still refers to.
 * The buffer reference keeps the memory alive for as long as any entry, snapshot or reply still
 * holds a value in it.
 */
public final class RegionString {
    private final ValueArea area;
    private final int offset;
    private final int length;

    /** The {@code length} bytes at {@code offset} of {@code region} (absolute, position ignored), a region that never moves. */
    public RegionString(ByteBuffer region, int offset, int length) {
        this(new ValueArea(region), offset, length);
    }

    /** The {@code length} bytes at {@code offset} of {@code area}, wherever the area is when read. */
    public RegionString(ValueArea area, int offset, int length) {
        this.area = Objects.requireNonNull(area, "area");
        Objects.checkFromIndexSize(offset, length, area.buffer().capacity());
        this.offset = offset;
        this.length = length;
    }

    public int length() {
        return length;
    }

    /** The region the bytes are in now; read it with absolute gets only. */
    public ByteBuffer region() {
        return area.buffer();
    }

    /** The area the bytes are in (the table's owner checks whether a value is in one of its own). */
    public ValueArea area() {
        return area;
    }

    public int offset() {
        return offset;
    }

    public byte byteAt(int i) {
        Objects.checkIndex(i, length);
        return area.buffer().get(offset + i);
    }

    /** A heap copy of the bytes. */
    public byte[] copy() {
        byte[] b = new byte[length];
        area.buffer().get(offset, b);
        return b;
    }
}
