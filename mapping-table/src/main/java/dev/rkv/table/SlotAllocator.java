package dev.rkv.table;

import java.util.Arrays;

/**
 * Free slots of one class, for the writer thread: freed slots first (a stack), then slots
 * never used (a high-water mark), so the touched part of a class stays as small as the data.
 * While {@link #hold holding}, freed slots are set aside instead of reused, because a reader
 * may still read the bytes they held (see {@link TableWriter#holdFreedSlots}).
 */
final class SlotAllocator {

    private final long capacity;
    private long highWater;
    private long[] free = new long[16];
    private int freeCount;
    private long[] held = new long[0];
    private int heldCount;
    private boolean holding;

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
        if (holding) {
            if (heldCount == held.length) {
                held = Arrays.copyOf(held, Math.max(16, held.length * 2));
            }
            held[heldCount++] = index;
            return;
        }
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = index;
    }

    /** From now on, freed slots are set aside (true) or reusable at once (false); held ones stay held. */
    void hold(boolean on) {
        holding = on;
    }

    /** Makes every held slot reusable; returns how many there were. */
    int releaseHeld() {
        int n = heldCount;
        if (n > 0) {
            if (freeCount + n > free.length) {
                free = Arrays.copyOf(free, Math.max(free.length * 2, freeCount + n));
            }
            System.arraycopy(held, 0, free, freeCount, n);
            freeCount += n;
            heldCount = 0;
        }
        return n;
    }

    /** Freed slots set aside, not yet reusable. */
    int held() {
        return heldCount;
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
        g.held = Arrays.copyOf(held, heldCount);
        g.heldCount = heldCount;
        g.holding = holding;
        return g;
    }

    /** Slots ever used: the touched prefix of the class. */
    long highWater() {
        return highWater;
    }

    long used() {
        return highWater - freeCount - heldCount;
    }
}
