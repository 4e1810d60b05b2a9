package dev.rkv.table;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocatorTest {

    @Test
    void slotAllocatorReusesFreedSlotsBeforeTouchingNewOnes() {
        SlotAllocator a = new SlotAllocator(3);
        assertEquals(0, a.allocate());
        assertEquals(1, a.allocate());
        a.release(0);
        assertEquals(0, a.allocate(), "freed slot first");
        assertEquals(2, a.highWater());
        assertEquals(2, a.allocate());
        assertEquals(-1, a.allocate());
        assertEquals(3, a.used());
        for (int i = 0; i < 3; i++) {
            a.release(i);
        }
        assertEquals(0, a.used());
        assertEquals(3, a.highWater());
    }

    @Test
    void extentAllocatorNeverHandsOutOverlappingRunsAndCoalescesEverythingBack() {
        long capacity = 5000;
        ExtentAllocator a = new ExtentAllocator(capacity);
        BitSet taken = new BitSet();
        List<long[]> live = new ArrayList<>();
        Random random = new Random(5);
        for (int op = 0; op < 20_000; op++) {
            if (live.isEmpty() || random.nextInt(3) > 0) {
                long n = 1 + random.nextInt(random.nextInt(10) == 0 ? 400 : 20);
                long start = a.allocate(n);
                if (start < 0) {
                    assertTrue(a.largestFree() < n, "refused " + n + " with a free run of " + a.largestFree());
                    continue;
                }
                assertTrue(start + n <= capacity);
                assertTrue(taken.get((int) start, (int) (start + n)).isEmpty(), "overlap at " + start);
                taken.set((int) start, (int) (start + n));
                live.add(new long[] {start, n});
            } else {
                long[] run = live.remove(random.nextInt(live.size()));
                a.release(run[0], run[1]);
                taken.clear((int) run[0], (int) (run[0] + run[1]));
            }
            assertEquals(taken.cardinality(), a.used());
        }
        for (long[] run : live) {
            a.release(run[0], run[1]);
        }
        assertEquals(0, a.used());
        assertEquals(1, a.freeRuns());
        assertEquals(capacity, a.largestFree());
    }

    @Test
    void extentAllocatorPicksTheSmallestRunThatFits() {
        ExtentAllocator a = new ExtentAllocator(100);
        long x = a.allocate(10);
        long y = a.allocate(5);
        long z = a.allocate(30);
        a.allocate(55);
        a.release(x, 10);
        a.release(z, 30);
        assertEquals(x, a.allocate(8), "the 10-block run, not the 30-block one");
        assertEquals(z, a.allocate(25));
        assertFalse(a.allocate(6) >= 0, "runs of 2 and 5 are left");
        assertEquals(10, y);
        assertEquals(0, new ExtentAllocator(0).largestFree());
        assertEquals(-1, new ExtentAllocator(0).allocate(1));
    }
}
