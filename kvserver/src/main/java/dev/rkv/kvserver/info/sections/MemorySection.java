package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.HeapGauge;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

import java.lang.management.ManagementFactory;

import static dev.rkv.kvserver.info.InfoFields.human;
import static dev.rkv.kvserver.info.InfoFields.twoDecimals;

/**
 * INFO memory, from the server's {@link HeapGauge}: {@code used_memory} is the JVM heap in use,
 * {@code used_memory_rss} the process's resident set, {@code used_memory_peak} the largest
 * heap reading INFO or MEMORY STATS has seen.
 */
final class MemorySection implements InfoSection {
    private final ServerContext server;

    MemorySection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        Runtime rt = Runtime.getRuntime();
        HeapGauge heap = server.heap();
        long used = heap.used();
        long peak = heap.peak();
        long rss = heap.residentSetBytes();
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

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
