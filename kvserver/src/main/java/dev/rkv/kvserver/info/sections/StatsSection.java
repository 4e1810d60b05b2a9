package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.command.ServerStats;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

/** INFO stats. Counters rkv has no source for (forks, eviction, tracking, defrag) read 0. */
final class StatsSection implements InfoSection {
    private final ServerContext server;

    StatsSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        ServerStats s = server.stats();
        f.put("total_connections_received", s.connectionsReceived)
            .put("total_commands_processed", s.commandsProcessed)
            .put("instantaneous_ops_per_sec", s.instantaneousOps())
            .put("total_net_input_bytes", s.netInputBytes)
            .put("total_net_output_bytes", s.netOutputBytes)
            .put("total_net_repl_input_bytes", 0)
            .put("total_net_repl_output_bytes", 0)
            .put("instantaneous_input_kbps", "0.00")
            .put("instantaneous_output_kbps", "0.00")
            .put("rejected_connections", s.rejectedConnections)
            .put("sync_full", 0)
            .put("sync_partial_ok", 0)
            .put("sync_partial_err", 0)
            .put("expired_keys", server.keyspace().expiredKeys())
            .put("expired_stale_perc", "0.00")
            .put("expired_time_cap_reached_count", 0)
            .put("evicted_keys", 0)
            .put("evicted_clients", 0)
            .put("keyspace_hits", s.keyspaceHits)
            .put("keyspace_misses", s.keyspaceMisses)
            .put("pubsub_channels", server.pubsub().channels().size())
            .put("pubsub_patterns", server.pubsub().patterns().size())
            .put("pubsubshard_channels", server.pubsub().shardChannels().size())
            .put("latest_fork_usec", 0)
            .put("total_forks", 0)
            .put("tracking_total_keys", 0)
            .put("tracking_total_items", 0)
            .put("tracking_total_prefixes", 0)
            .put("unexpected_error_replies", 0)
            .put("total_error_replies", s.errorReplies);
    }
}
