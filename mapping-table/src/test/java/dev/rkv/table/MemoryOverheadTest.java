package dev.rkv.table;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static dev.rkv.table.TableFixtures.REPLID;
import static dev.rkv.table.TableFixtures.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table's memory against redis-server's for the benchmark dataset: 937,000 keys like
 * {@code key:000000123456} with 1,000-byte values. Memory, not time: the assertions are on
 * bytes only.
 */
class MemoryOverheadTest {

    /**
     * redis-server 7.0.15 (jemalloc 5.3.0) {@code INFO memory} used_memory after SET of the
     * 937,000 benchmark keys, measured on this project's machine with redis-cli --pipe
     * (1,114 bytes per key).
     */
    static final long REDIS_USED_MEMORY_937K = 1_043_825_120L;
    static final long BENCHMARK_KEYS = 937_000;
    static final int VALUE_LENGTH = 1000;
    /** The primary's budget: at most 1.5 x what redis-server uses for the same data. */
    static final double BUDGET = 1.5;

    @Test
    void benchmarkDatasetFitsInAbout105PercentOfRedisUsedMemory() {
        TableGeometry g = new TableSizing().add(16, VALUE_LENGTH, BENCHMARK_KEYS).build(1.0, 0.75);
        assertEquals(262_144, g.indexBucketCount());
        assertEquals(1_096_205_312L, g.tableLength(), g.toString());
        double ratio = (double) g.tableLength() / REDIS_USED_MEMORY_937K;
        TableGeometry withHeadroom = new TableSizing().add(16, VALUE_LENGTH, BENCHMARK_KEYS).build(1.25, 0.75);
        double headroomRatio = (double) withHeadroom.tableLength() / REDIS_USED_MEMORY_937K;
        System.out.printf("937,000 x 1000 B: table %,d B vs redis used_memory %,d B -> ratio %.3f (with 1.25x headroom: %,d B, %.3f)%n",
                g.tableLength(), REDIS_USED_MEMORY_937K, ratio, withHeadroom.tableLength(), headroomRatio);
        assertTrue(ratio <= 1.06, "exact-fit ratio " + ratio);
        assertTrue(headroomRatio <= BUDGET, "ratio with headroom " + headroomRatio);
    }

    @Test
    void aRealWriterFilledWithAScaledDownDatasetUsesWhatTheGeometrySays() {
        int n = 20_000;
        TableGeometry g = new TableSizing().add(16, VALUE_LENGTH, n).build(1.0, 0.75);
        TableWriter w = TableWriter.format(ByteBuffer.allocateDirect((int) g.tableLength()), g, 1, REPLID, 0);
        byte[] value = new byte[VALUE_LENGTH];
        Arrays.fill(value, (byte) 'x');
        for (int i = 0; i < n; i++) {
            assertEquals(PutStatus.OK, w.put(ascii(String.format("key:%012d", i)), value, 0, i + 1), "key " + i);
        }
        assertEquals(n, w.keyCount());
        assertEquals(g.tableLength(), w.touchedBytes(), "an exactly sized table is touched whole");
        double perKey = (double) g.tableLength() / n;
        double redisPerKey = (double) REDIS_USED_MEMORY_937K / BENCHMARK_KEYS;
        System.out.printf("%,d x 1000 B: table %,d B = %.1f B/key vs redis %.1f B/key -> ratio %.3f%n", n, g.tableLength(), perKey,
                redisPerKey, perKey / redisPerKey);
        assertTrue(perKey / redisPerKey <= BUDGET);
    }
}
