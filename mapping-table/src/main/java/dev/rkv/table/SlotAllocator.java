package dev.rkv.table;

import java.util.Arrays;

/**
 * Free slots of one class, for the writer thread: freed slots first (a stack), then slots
 * never used (a high-water mark), so the touched part of a class stays as small as the data.
 */
final class SlotAllocator {

    private final long capacity;
    private long highWater;
    private long[] free = new long[16];
    private int freeCount;

    SlotAllocator(long capacity) {
        this.capacity = capacity;
    }

    /** A free slot index, or -1 when the class is full. */
    long allocate() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        return highWater < capacity ? highWater++ : -1;
    }

    void release(long index) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = index;
    }

    long capacity() {
        return capacity;
    }

    /** This allocator's state in a class grown to {@code newCapacity} slots (same indices, more room at the end). */
    SlotAllocator grownTo(long newCapacity) {
        if (newCapacity < capacity) {
            throw new IllegalArgumentException("a class grows, from " + capacity + " to " + newCapacity);
        }
        SlotAllocator g = new SlotAllocator(newCapacity);
        g.highWater = highWater;
        g.free = Arrays.copyOf(free, Math.max(16, freeCount));
        g.freeCount = freeCount;
        return g;
    }

    /** Slots ever used: the touched prefix of the class. */
    long highWater() {
        return highWater;
    }

    long used() {
        return highWater - freeCount;
    }
}
