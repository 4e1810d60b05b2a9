package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

/**
 * INFO replication of a server without replicas. Replication, when wired, contributes its own
 * fields to this section; until then the replication id is the run id.
 */
final class ReplicationSection implements InfoSection {
    private final ServerContext server;

    ReplicationSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        f.put("role", server.role())
            .put("connected_slaves", 0)
            .put("master_failover_state", "no-failover")
            .put("master_replid", server.runId())
            .put("master_replid2", "0000000000000000000000000000000000000000")
            .put("master_repl_offset", 0)
            .put("second_repl_offset", -1)
            .put("repl_backlog_active", 0)
            .put("repl_backlog_size", server.config().getLong("repl-backlog-size"))
            .put("repl_backlog_first_byte_offset", 0)
            .put("repl_backlog_histlen", 0);
    }
}
