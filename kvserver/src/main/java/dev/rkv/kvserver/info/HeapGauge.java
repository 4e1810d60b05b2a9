package dev.rkv.kvserver.info;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's memory as the JVM shows it, for INFO memory and MEMORY STATS alike: the heap in
 * use (total minus free, the closest Java has to the allocator's count; it includes garbage not
 * yet collected), the largest such reading so far, the reading when the server started, and the
 * process's resident set. One per server, so that both report the same peak.
 */
public final class HeapGauge {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final long startup;
    private long peak;

    public HeapGauge() {
        startup = used();
        peak = startup;
    }

    /** Heap bytes in use now; also raises the peak. */
    public long used() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        peak = Math.max(peak, used);
        return used;
    }

    /** The largest {@link #used} reading so far. */
    public long peak() {
        return peak;
    }

    /** Heap in use when the server was built (Redis's startup.allocated). */
    public long startup() {
        return startup;
    }

    /** Heap the JVM holds from the system, used or not. */
    public long committed() {
        return Runtime.getRuntime().totalMemory();
    }

    /** The process's resident set from /proc/self/status, or the committed heap where that file is missing. */
    public long residentSetBytes() {
        long fallback = committed();
        try {
            for (String line : Files.readAllLines(PROC_STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or an unexpected format: the committed heap is the best estimate left.
            return fallback;
        }
        return fallback;
    }
}
