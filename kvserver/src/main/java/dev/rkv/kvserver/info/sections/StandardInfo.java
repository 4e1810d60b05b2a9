package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoRegistry;

/**
 * Declares Redis 7.0's INFO sections in its output order and contributes rkv's own fields.
 * Persistence and replication contribute more precise fields to their sections when they are
 * wired (see {@link InfoRegistry#contribute}).
 */
public final class StandardInfo {
    private StandardInfo() {
    }

    public static void install(ServerContext server) {
        InfoRegistry info = server.info();
        info.declare("Server", true)
            .declare("Clients", true)
            .declare("Memory", true)
            .declare("Persistence", true)
            .declare("Stats", true)
            .declare("Replication", true)
            .declare("CPU", true)
            .declare("Modules", true)
            .declare("Commandstats", false)
            .declare("Errorstats", true)
            .declare("Cluster", true)
            .declare("Keyspace", true);
        info.contribute("server", new ServerSection(server));
        info.contribute("clients", new ClientsSection(server));
        info.contribute("memory", new MemorySection(server));
        info.contribute("persistence", new PersistenceSection(server));
        info.contribute("stats", new StatsSection(server));
        info.contribute("replication", new ReplicationSection(server));
        info.contribute("cpu", new CpuSection());
        info.contribute("commandstats", new CommandStatsSection(server));
        info.contribute("errorstats", f -> server.stats().errorCodes()
            .forEach((code, count) -> f.put("errorstat_" + code, "count=" + count)));
        info.contribute("cluster", f -> f.put("cluster_enabled", 0));
        info.contribute("keyspace", new KeyspaceSection(server));
    }
}
