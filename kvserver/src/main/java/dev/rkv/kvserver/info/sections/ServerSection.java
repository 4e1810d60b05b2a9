package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.commands.ConnectionCommands;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

import java.nio.file.Path;

/** INFO server: versions, process, port, uptime, clock. */
final class ServerSection implements InfoSection {
    /** rkv's own version, beside the Redis version it answers as. */
    static final String RKV_VERSION = "0.1.0";

    private final ServerContext server;

    ServerSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        long now = server.nowMs();
        long uptimeSec = (now - server.startTimeMs()) / 1000;
        Path configFile = server.config().configFile();
        f.put("redis_version", ConnectionCommands.REDIS_VERSION)
            .put("redis_git_sha1", "00000000")
            .put("redis_git_dirty", 0)
            .put("redis_build_id", "0")
            .put("redis_mode", "standalone")
            .put("rkv_version", RKV_VERSION)
            .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch())
            .put("arch_bits", System.getProperty("sun.arch.data.model", "64"))
            .put("monotonic_clock", "System.nanoTime")
            .put("multiplexing_api", "java.nio")
            .put("java_version", System.getProperty("java.version"))
            .put("process_id", ProcessHandle.current().pid())
            .put("process_supervised", "no")
            .put("run_id", server.runId())
            .put("tcp_port", server.listeningPort())
            .put("server_time_usec", now * 1000)
            .put("uptime_in_seconds", uptimeSec)
            .put("uptime_in_days", uptimeSec / 86400)
            .put("hz", server.config().getInt("hz"))
            .put("configured_hz", server.config().getInt("hz"))
            .put("lru_clock", (now / 1000) & ((1 << 24) - 1))
            .put("executable", ProcessHandle.current().info().command().orElse(""))
            .put("config_file", configFile == null ? "" : configFile.toString())
            .put("io_threads_active", 0);
    }

    /** uname's machine name: Java says amd64 where Linux says x86_64. */
    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("amd64") ? "x86_64" : a;
    }
}
