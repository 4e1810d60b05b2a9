package dev.rkv.table;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs of free overflow blocks, for the writer thread: best fit (smallest run that holds the
 * extent, lowest address among equals), freed runs coalesced with their neighbours.
 */
final class ExtentAllocator {

    /** start -> length of every free run. */
    private final TreeMap<Long, Long> byStart = new TreeMap<>();
    /** {length, start} of every free run, smallest first. */
    private final TreeSet<long[]> bySize = new TreeSet<>(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
    private final long capacity;
    private long used;
    private long highWater;

    ExtentAllocator(long capacity) {
        this.capacity = capacity;
        if (capacity > 0) {
            add(0, capacity);
        }
    }

    /** The first block of a run of {@code blocks} free blocks, or -1 when no run is long enough. */
    long allocate(long blocks) {
        long[] run = bySize.ceiling(new long[] {blocks, -1});
        if (run == null) {
            return -1;
        }
        remove(run[1], run[0]);
        if (run[0] > blocks) {
            add(run[1] + blocks, run[0] - blocks);
        }
        used += blocks;
        highWater = Math.max(highWater, run[1] + blocks);
        return run[1];
    }

    void release(long start, long blocks) {
        used -= blocks;
        long s = start;
        long n = blocks;
        Map.Entry<Long, Long> before = byStart.floorEntry(start - 1);
        if (before != null && before.getKey() + before.getValue() == start) {
            remove(before.getKey(), before.getValue());
            s = before.getKey();
            n += before.getValue();
        }
        Long after = byStart.get(start + blocks);
        if (after != null) {
            remove(start + blocks, after);
            n += after;
        }
        add(s, n);
    }

    private void add(long start, long length) {
        byStart.put(start, length);
        bySize.add(new long[] {length, start});
    }

    private void remove(long start, long length) {
        byStart.remove(start);
        bySize.remove(new long[] {length, start});
    }

    long capacity() {
        return capacity;
    }

    /** This allocator's state in an area grown to {@code newCapacity} blocks: the same runs, and the new blocks free. */
    ExtentAllocator grownTo(long newCapacity) {
        if (newCapacity < capacity) {
            throw new IllegalArgumentException("the overflow area grows, from " + capacity + " to " + newCapacity);
        }
        ExtentAllocator g = new ExtentAllocator(0, newCapacity);
        byStart.forEach(g::add);
        g.used = used;
        g.highWater = highWater;
        if (newCapacity > capacity) {
            // Used blocks are [0, capacity) minus the free runs: adding the new tail as freed coalesces it.
            g.used += newCapacity - capacity;
            g.release(capacity, newCapacity - capacity);
        }
        return g;
    }

    private ExtentAllocator(int unused, long capacity) {
        this.capacity = capacity;
    }

    long used() {
        return used;
    }

    /** Blocks ever handed out from the start of the area: the touched prefix. */
    long highWater() {
        return highWater;
    }

    /** Longest free run. */
    long largestFree() {
        return bySize.isEmpty() ? 0 : bySize.last()[0];
    }

    int freeRuns() {
        return byStart.size();
    }
}
