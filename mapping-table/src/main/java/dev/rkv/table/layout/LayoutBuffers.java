package dev.rkv.table.layout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Little-endian field access on table buffers, with the memory ordering named in each method
 * (as Agrona's {@code AtomicBuffer} does).
 *
 * <p>Every multi-byte field of the layout is little-endian, whatever the buffer's own
 * {@link ByteBuffer#order()}: all access goes through byte-buffer view {@link VarHandle}s
 * created with {@link ByteOrder#LITTLE_ENDIAN}, which also bounds-check every index.
 * Plain methods accept any index; the ordered ones ({@code Acquire}, {@code Release},
 * {@code Opaque}) need an 8-byte aligned address and so a direct buffer (a region or an
 * mmap), otherwise the VarHandle throws {@link IllegalStateException}.
 */
public final class LayoutBuffers {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private LayoutBuffers() {
    }

    /** Plain read: no ordering; for the reader's private copy and the writer's own fields. */
    public static long getLong(ByteBuffer buffer, int index) {
        return (long) LONG.get(buffer, index);
    }

    /** Plain write: no ordering; only between a seqlock's odd and even version stores. */
    public static void putLong(ByteBuffer buffer, int index, long value) {
        LONG.set(buffer, index, value);
    }

    /**
     * Acquire read: no later load (the copy of the fields a seqlock guards) may move before
     * it, so the fields read afterwards are at least as new as this version.
     */
    public static long getLongAcquire(ByteBuffer buffer, int index) {
        return (long) LONG.getAcquire(buffer, index);
    }

    /** Opaque read: atomic (never torn) and not cached in a register, but unordered. */
    public static long getLongOpaque(ByteBuffer buffer, int index) {
        return (long) LONG.getOpaque(buffer, index);
    }

    /**
     * Release write: every earlier store (the fields a seqlock guards, or the slot an index
     * entry points to) is visible before this one.
     */
    public static void putLongRelease(ByteBuffer buffer, int index, long value) {
        LONG.setRelease(buffer, index, value);
    }

    /** Opaque write: atomic (an 8-byte word readers never see half-written), unordered. */
    public static void putLongOpaque(ByteBuffer buffer, int index, long value) {
        LONG.setOpaque(buffer, index, value);
    }

    public static int getInt(ByteBuffer buffer, int index) {
        return (int) INT.get(buffer, index);
    }

    public static void putInt(ByteBuffer buffer, int index, int value) {
        INT.set(buffer, index, value);
    }

    /** Unsigned 16-bit read. */
    public static int getUnsignedShort(ByteBuffer buffer, int index) {
        return Short.toUnsignedInt((short) SHORT.get(buffer, index));
    }

    public static void putShort(ByteBuffer buffer, int index, int value) {
        SHORT.set(buffer, index, (short) value);
    }

    /**
     * Adds {@code length} bytes of {@code buffer} from {@code index} to {@code crc}. Uses the
     * buffer's position and limit as scratch and restores them, so the buffer must be owned by
     * the calling thread (the writer's private duplicate, or the reader's copy).
     */
    public static void updateCrc(CRC32C crc, ByteBuffer buffer, int index, int length) {
        if (length == 0) {
            return;
        }
        int position = buffer.position();
        int limit = buffer.limit();
        if (index < 0 || length < 0 || index > buffer.capacity() - length) {
            throw new IndexOutOfBoundsException("range [" + index + ", +" + length + ") outside capacity " + buffer.capacity());
        }
        buffer.limit(index + length).position(index);
        crc.update(buffer);
        buffer.limit(limit).position(position);
    }

    /** Adds the 8 little-endian bytes of {@code value} to {@code crc}. */
    public static void updateCrcLong(CRC32C crc, long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            crc.update((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    /** Rounds {@code value} up to a multiple of {@code alignment}, a power of two. */
    public static long align(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** The table offset {@code offset} as a buffer index, for regions a ByteBuffer can hold. */
    public static int index(long offset) {
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException("offset " + offset + " beyond what a ByteBuffer addresses (" + Integer.MAX_VALUE + ")");
        }
        return (int) offset;
    }
}
