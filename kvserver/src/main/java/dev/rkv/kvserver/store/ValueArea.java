package dev.rkv.kvserver.store;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Memory outside the heap that string values live in ({@link RegionString}): one class of a
 * primary's mapping table, or a chunk of a replica's adopted copy of it.
 *
 * <p>An area can {@link #moveTo move} to another buffer that holds the same bytes at the same
 * offsets, which is what a table growth by copy makes: every value in the area follows in one
 * store, instead of one entry rewritten per key. Readers on any thread see either buffer, and
 * both hold the value, because the table's owner never rewrites the bytes a value refers to
 * (see the primary agent's TableMirror).
 */
public final class ValueArea {
    private volatile ByteBuffer buffer;

    /** An area over {@code buffer}, read with absolute gets from offset 0 to its capacity. */
    public ValueArea(ByteBuffer buffer) {
        this.buffer = Objects.requireNonNull(buffer, "buffer");
    }

    /** The buffer the area's values are in now; read it with absolute gets only. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Moves the area to {@code copy}, which must hold the same bytes at the same offsets over
     * at least the same capacity. The old buffer stays readable for whoever still reads it.
     */
    public void moveTo(ByteBuffer copy) {
        if (copy.capacity() < buffer.capacity()) {
            throw new IllegalArgumentException("an area moves to a buffer at least as large: " + copy.capacity() + " < " + buffer.capacity());
        }
        buffer = copy;
    }
}
