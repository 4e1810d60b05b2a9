package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.config.ServerConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * ROLE and INFO replication, rendered from a {@link View} of the replication state with Redis
 * 7.0's field names and order (plus rkv's own fields about sync transports and link failures).
 */
final class ReplicationInfo {
    /** How the last full sync went: INFO's master_last_sync_* fields. */
    record LastSync(String transport, long millis, long bytes, long keys) {
    }

    /** What ROLE and INFO read; a snapshot of the event loop's state, read on it. */
    interface View {
        long nowMs();

        ServerConfig config();

        /** The link to our primary; null on a primary. */
        MasterLink link();

        boolean linkUp();

        /** The master client exists: the link is synced and streaming. */
        boolean masterClientOpen();

        long offset();

        /** The replica agent, null when none is attached. */
        AcceleratedSync accelerated();

        /** Null before the first full sync. */
        LastSync lastSync();

        /** The stream still goes through an accelerated sync's filter. */
        boolean filtering();

        long filteredSkips();

        long filteredRewrites();

        /** When the link went down, -1 when it is up or never was. */
        long linkDownSinceMs();

        Collection<ReplicaHandle> replicas();

        long goodReplicas(long maxLag);

        String failoverState();

        ReplicationIds ids();

        /** Null when there is none. */
        ReplicationBacklog backlog();
    }

    private ReplicationInfo() {
    }

    /** ROLE. */
    static void role(Client c, View v) {
        MasterLink link = v.link();
        if (link == null) {
            List<ReplicaHandle> online = new ArrayList<>();
            for (ReplicaHandle h : v.replicas()) {
                // As Redis 7.0, whose replica is ONLINE (waiting for its first ACK) once its RDB is sent.
                if (h.online()) {
                    online.add(h);
                }
            }
            c.out().array(3).bulk("master").integer(v.offset()).array(online.size());
            for (ReplicaHandle h : online) {
                c.out().array(3).bulk(h.ip()).bulk(Integer.toString(h.listeningPort()))
                    .bulk(Long.toString(h.ackOffset()));
            }
            return;
        }
        MasterLink.State st = link.state();
        c.out().array(5).bulk("slave").bulk(link.host()).integer(link.port()).bulk(st.roleName)
            .integer(v.masterClientOpen() ? v.offset() : -1);
    }

    /** The "replication" section of INFO, without its header line; CRLF line ends. */
    static String section(View v) {
        StringBuilder b = new StringBuilder();
        long now = v.nowMs();
        MasterLink link = v.link();
        ServerConfig config = v.config();
        long offset = v.offset();
        if (link == null) {
            line(b, "role", "master");
        } else {
            MasterLink.State st = link.state();
            line(b, "role", "slave");
            line(b, "master_host", link.host());
            line(b, "master_port", link.port());
            line(b, "master_link_status", v.linkUp() ? "up" : "down");
            line(b, "master_last_io_seconds_ago", v.masterClientOpen() ? (now - link.lastIoMs()) / 1000 : -1);
            line(b, "master_sync_in_progress", st == MasterLink.State.TRANSFER ? 1 : 0);
            line(b, "slave_read_repl_offset", v.masterClientOpen() ? link.readOffset() : offset);
            line(b, "slave_repl_offset", offset);
            line(b, "master_sync_transport", link.transport().equals("rdma") ? (v.accelerated() != null
                ? v.accelerated().transportName() : "rdma (no replica agent: tcp)") : "tcp");
            if (st == MasterLink.State.TRANSFER && link.pullingRdma()) {
                line(b, "master_sync_total_bytes", link.syncTotalBytes());
                line(b, "master_sync_read_bytes", link.syncReadBytes());
                line(b, "master_sync_keys_loaded", link.syncKeysLoaded());
                long total = link.syncTotalBytes();
                line(b, "master_sync_perc", total <= 0 ? "0.00" : String.format(java.util.Locale.ROOT, "%.2f",
                    Math.min(100.0, link.syncReadBytes() * 100.0 / total)));
            } else if (st == MasterLink.State.TRANSFER) {
                long total = link.syncTotalBytes();
                long read = link.syncReadBytes();
                line(b, "master_sync_total_bytes", total);
                line(b, "master_sync_read_bytes", read);
                line(b, "master_sync_left_bytes", total < 0 ? -1 : total - read);
                line(b, "master_sync_perc", total <= 0 ? "0.00" : String.format(java.util.Locale.ROOT, "%.2f",
                    read * 100.0 / total));
                line(b, "master_sync_last_io_seconds_ago", (now - link.lastIoMs()) / 1000);
            }
            LastSync last = v.lastSync();
            if (last != null) {
                line(b, "master_last_sync_transport", last.transport());
                line(b, "master_last_sync_duration_ms", last.millis());
                line(b, "master_last_sync_bytes", last.bytes());
                line(b, "master_last_sync_keys", last.keys());
            }
            if (v.filtering() || v.filteredSkips() > 0) {
                line(b, "master_sync_stream_skipped", v.filteredSkips());
                line(b, "master_sync_stream_rewritten", v.filteredRewrites());
            }
            if (!v.masterClientOpen()) {
                long downSince = v.linkDownSinceMs();
                line(b, "master_link_down_since_seconds", downSince < 0 ? -1 : (now - downSince) / 1000);
            }
            // rkv: why the link is down, so that a primary that keeps failing the sync is visible.
            line(b, "master_link_failures", link.failures());
            String lastError = link.lastError();
            if (lastError != null) {
                line(b, "master_link_last_error", lastError.replace('\r', ' ').replace('\n', ' '));
            }
            line(b, "slave_priority", config.getLong("replica-priority"));
            line(b, "slave_read_only", config.getBool("replica-read-only") ? 1 : 0);
            line(b, "replica_announced", config.getBool("replica-announced") ? 1 : 0);
        }
        line(b, "connected_slaves", v.replicas().size());
        long toWrite = config.getLong("min-replicas-to-write");
        long maxLag = config.getLong("min-replicas-max-lag");
        if (toWrite > 0 && maxLag > 0) {
            line(b, "min_slaves_good_slaves", v.goodReplicas(maxLag));
        }
        int i = 0;
        for (ReplicaHandle h : v.replicas()) {
            long lag = (now - h.ackTimeMs()) / 1000;
            line(b, "slave" + i++, "ip=" + h.ip() + ",port=" + h.listeningPort() + ",state=" + h.state().infoName()
                + ",offset=" + h.ackOffset() + ",lag=" + lag);
        }
        ReplicationIds ids = v.ids();
        ReplicationBacklog backlog = v.backlog();
        line(b, "master_failover_state", v.failoverState());
        line(b, "master_replid", ids.replId());
        line(b, "master_replid2", ids.replId2());
        line(b, "master_repl_offset", offset);
        line(b, "second_repl_offset", ids.secondReplOffset());
        line(b, "repl_backlog_active", backlog != null ? 1 : 0);
        line(b, "repl_backlog_size", config.getLong("repl-backlog-size"));
        line(b, "repl_backlog_first_byte_offset", backlog != null ? backlog.firstByteOffset() : 0);
        line(b, "repl_backlog_histlen", backlog != null ? backlog.histlen() : 0);
        return b.toString();
    }

    private static void line(StringBuilder b, String name, Object value) {
        b.append(name).append(':').append(value).append("\r\n");
    }
}
