package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * INFO cpu, in seconds. The process's user and system time come from /proc/self/stat (clock
 * ticks of 1/100 s, Linux's USER_HZ); elsewhere the JVM's process CPU time counts as user time.
 * The "main thread" is the event loop, which is the thread INFO runs on.
 */
final class CpuSection implements InfoSection {
    private static final Path PROC_STAT = Path.of("/proc/self/stat");
    private static final double TICKS_PER_SECOND = 100.0;

    @Override
    public void write(InfoFields f) {
        double[] userSys = processTimes();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double mainUser = 0;
        double mainSys = 0;
        if (threads.isCurrentThreadCpuTimeSupported()) {
            long user = threads.getCurrentThreadUserTime();
            long cpu = threads.getCurrentThreadCpuTime();
            mainUser = user / 1e9;
            mainSys = Math.max(0, cpu - user) / 1e9;
        }
        f.put("used_cpu_sys", seconds(userSys[1]))
            .put("used_cpu_user", seconds(userSys[0]))
            .put("used_cpu_sys_children", seconds(0))
            .put("used_cpu_user_children", seconds(0))
            .put("used_cpu_sys_main_thread", seconds(mainSys))
            .put("used_cpu_user_main_thread", seconds(mainUser));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.6f", s);
    }

    /** {user, system} seconds of the whole process. */
    private static double[] processTimes() {
        try {
            String stat = Files.readString(PROC_STAT);
            // Fields after the parenthesised command name start at field 3 (state); utime and stime are 14 and 15.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {Long.parseLong(rest[11]) / TICKS_PER_SECOND, Long.parseLong(rest[12]) / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return new double[] {os.getProcessCpuTime() / 1e9, 0};
            }
            return new double[] {0, 0};
        }
    }
}
