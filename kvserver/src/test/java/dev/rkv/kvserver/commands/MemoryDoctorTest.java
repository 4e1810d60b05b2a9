package dev.rkv.kvserver.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryDoctorTest {
    private static final long MB = 1024 * 1024;

    private static MemoryOverhead heap(long peak, long total, long rss, long clientBuffers, int clients) {
        return new MemoryOverhead(peak, total, 10 * MB, 0, 0, clientBuffers, clients,
            List.of(new MemoryOverhead.DbOverhead(0, 1000, 1000 * MemoryOverhead.PER_KEY, 200_000)), 1000, total, rss);
    }

    @Test
    void tooLittleDataGetsNoDiagnosis() {
        String report = MemoryDoctor.report(heap(12 * MB, 12 * MB, 40 * MB, 0, 1), 5 * MB);
        assertTrue(report.startsWith("rkv holds too little data"), report);
    }

    @Test
    void aHealthyHeapHasNoFindings() {
        String report = MemoryDoctor.report(heap(100 * MB, 100 * MB, 120 * MB, 0, 1), 5 * MB);
        assertTrue(report.startsWith("No memory problems found"), report);
    }

    @Test
    void aHighPeakABigResidentSetAndFullClientBuffersAreEachReported() {
        String report = MemoryDoctor.report(heap(400 * MB, 100 * MB, 300 * MB, 50 * MB, 2), 5 * MB);
        assertEquals(3, report.split("\n \\* ").length - 1, report);
        assertTrue(report.contains("peaked at " + 400 * MB), report);
        assertTrue(report.contains("3.00 times"), report);
        assertTrue(report.contains("Client buffers hold " + 50 * MB), report);
    }

    @Test
    void datasetIsWhatTheOverheadLeavesAndNeverNegative() {
        MemoryOverhead m = heap(100 * MB, 100 * MB, 120 * MB, 0, 1);
        assertEquals(10 * MB + 1000 * MemoryOverhead.PER_KEY + 200_000, m.overheadTotal());
        assertEquals(100 * MB - m.overheadTotal(), m.dataset());
        assertEquals(0, heap(5 * MB, 5 * MB, 6 * MB, 0, 1).dataset());
        assertEquals((100 * MB - 10 * MB) / 1000, m.bytesPerKey());
    }
}
