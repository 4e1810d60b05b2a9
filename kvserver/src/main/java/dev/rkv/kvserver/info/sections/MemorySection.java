package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rkv.kvserver.info.InfoFields.human;
import static dev.rkv.kvserver.info.InfoFields.twoDecimals;

/**
 * INFO memory. {@code used_memory} is the JVM heap in use (total minus free), the closest
 * Java has to the allocator's count; it includes garbage not yet collected. {@code
 * used_memory_rss} is the process's resident set from /proc/self/status (the committed heap
 * where that file is missing); {@code used_memory_peak} is the largest {@code used_memory}
 * INFO has seen.
 */
final class MemorySection implements InfoSection {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final ServerContext server;
    private long peak;

    MemorySection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        peak = Math.max(peak, used);
        long rss = residentSetBytes(rt.totalMemory());
        long maxmemory = server.config().getLong("maxmemory");
        long totalSystem = totalSystemMemory();
        f.put("used_memory", used)
            .put("used_memory_human", human(used))
            .put("used_memory_rss", rss)
            .put("used_memory_rss_human", human(rss))
            .put("used_memory_peak", peak)
            .put("used_memory_peak_human", human(peak))
            .put("used_memory_peak_perc", twoDecimals(used * 100.0 / peak) + "%")
            .put("total_system_memory", totalSystem)
            .put("total_system_memory_human", human(totalSystem))
            .put("jvm_heap_committed", rt.totalMemory())
            .put("jvm_heap_max", rt.maxMemory())
            .put("maxmemory", maxmemory)
            .put("maxmemory_human", human(maxmemory))
            .put("maxmemory_policy", server.config().getString("maxmemory-policy"))
            .put("mem_fragmentation_ratio", twoDecimals(used == 0 ? 0 : (double) rss / used))
            .put("mem_allocator", "jvm")
            .put("lazyfree_pending_objects", 0)
            .put("lazyfreed_objects", 0);
    }

    private static long residentSetBytes(long fallback) {
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

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
