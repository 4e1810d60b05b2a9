package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.ServerLog;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.net.Connection;
import dev.rkv.kvserver.net.EventLoop;
import dev.rkv.kvserver.net.RdmaConnection;
import dev.rkv.kvserver.net.TcpConnection;
import dev.rkv.kvserver.persist.RdbAux;
import dev.rkv.kvserver.store.DatabaseSnapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A primary's full syncs: which replicas wait for one, the RDB jobs that serve them (diskless,
 * batched after {@code repl-diskless-sync-delay}, or through a file that later replicas join),
 * the FULLRESYNC line, and a replica going online once its RDB is sent. Owned by the event loop;
 * job threads report through it.
 */
final class FullSyncCoordinator {
    /** What the coordinator needs from the replication it serves. */
    interface Host {
        /** The replicas, in the order they connected. */
        Collection<ReplicaHandle> replicas();

        /** Whether {@code h} is still the registered replica of its client (a report about an old one is dropped). */
        boolean isCurrent(ReplicaHandle h);

        /** The place a snapshot taken now holds (the stream selects its database again after it). */
        RdbAux snapshotPlace();

        String replId();

        /** The database in force in the stream a sub-replica joins (a replica passing on its primary's stream). */
        int streamDbForSubReplicas();

        long timeoutMs();
    }

    private final ServerContext server;
    private final EventLoop loop;
    private final ServerLog log;
    private final Host host;
    private final Map<FullSyncJob, List<ReplicaHandle>> jobs = new LinkedHashMap<>();
    private long nextJobId = 1;

    FullSyncCoordinator(ServerContext server, EventLoop loop, ServerLog log, Host host) {
        this.server = server;
        this.loop = loop;
        this.log = log;
        this.host = host;
    }

    /** Starts RDB jobs for replicas waiting for one; see the class comment of {@link FullSyncJob}. */
    void startPending(long now, boolean fromPsync) {
        List<ReplicaHandle> waiting = new ArrayList<>();
        for (ReplicaHandle h : host.replicas()) {
            if (h.state() == ReplicaHandle.State.WAIT_BGSAVE_START) {
                waiting.add(h);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        boolean diskless = server.config().getBool("repl-diskless-sync");
        if (!diskless) {
            for (Map.Entry<FullSyncJob, List<ReplicaHandle>> j : jobs.entrySet()) {
                FullSyncJob job = j.getKey();
                if (job.diskless() || j.getValue().isEmpty()) {
                    continue;
                }
                ReplicaHandle model = j.getValue().get(0);
                for (var it = waiting.iterator(); it.hasNext(); ) {
                    ReplicaHandle h = it.next();
                    if (job.addTarget(h, channel(h))) {
                        h.holdCopyOf(model);
                        beginTransfer(h, job);
                        j.getValue().add(h);
                        it.remove();
                    }
                }
            }
            if (!waiting.isEmpty()) {
                startJob(waiting, false);
            }
            return;
        }
        if (fromPsync) {
            return;
        }
        long delayMs = server.config().getLong("repl-diskless-sync-delay") * 1000;
        long oldest = Long.MAX_VALUE;
        for (ReplicaHandle h : waiting) {
            oldest = Math.min(oldest, h.ackTimeMs());
        }
        if (now - oldest >= delayMs) {
            startJob(waiting, true);
        }
    }

    private void startJob(List<ReplicaHandle> targets, boolean diskless) {
        long jobId = nextJobId++;
        RdbAux aux = host.snapshotPlace();
        DatabaseSnapshot[] snapshot = server.keyspace().snapshot();
        Path file = diskless ? null
            : Path.of(server.config().getString("dir"), "temp-repl-" + ProcessHandle.current().pid() + "-" + jobId + ".rdb");
        FullSyncJob job = new FullSyncJob(jobId, snapshot, aux, server.config().getBool("rdbcompression"), file,
            host.timeoutMs(), new JobListener());
        List<ReplicaHandle> members = new ArrayList<>();
        for (ReplicaHandle h : targets) {
            if (job.addTarget(h, channel(h))) {
                beginTransfer(h, job);
                members.add(h);
            }
        }
        jobs.put(job, members);
        log.notice("Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk") + " ("
            + members.size() + " replica(s), offset " + aux.replOffset() + ")");
        Thread t = new Thread(job, "rkv-repl-sync-" + jobId);
        t.setDaemon(true);
        t.start();
    }

    private void beginTransfer(ReplicaHandle h, FullSyncJob job) {
        h.state(ReplicaHandle.State.WAIT_BGSAVE_END);
        if (!h.legacySync) {
            // A replica passing on its primary's stream starts the sub-replica mid-stream, where
            // the database in force need not be 0. Redis records it in the RDB (repl-stream-db);
            // rkv appends it to this line, after the offset, where Redis's parser ignores it.
            int streamDb = host.streamDbForSubReplicas();
            h.client().out().simple("FULLRESYNC " + host.replId() + " " + job.offset()
                + (streamDb != 0 ? " " + streamDb : ""));
            h.client().connection().requestFlush();
        }
    }

    private static ReplicaSink channel(ReplicaHandle h) {
        Connection conn = h.client().connection();
        if (conn instanceof TcpConnection tcp) {
            return new ReplicaSink.Tcp(tcp.channel());
        }
        if (conn instanceof RdmaConnection rdma) {
            return new ReplicaSink.Rdma(rdma.channel());
        }
        throw new IllegalStateException("full sync needs a TCP or RDMA connection, got " + conn.transport());
    }

    void goOnline(ReplicaHandle h) {
        h.state(ReplicaHandle.State.ONLINE);
        for (byte[] b : h.takeHeld()) {
            h.client().out().raw(b);
        }
        h.client().connection().requestFlush();
        log.notice("Synchronization with replica " + h.client().connection().peerAddress() + " succeeded");
    }

    /** Receives a job's reports on its threads and moves them to the event loop. */
    private final class JobListener implements FullSyncJob.Listener {
        @Override
        public void sent(FullSyncJob job, ReplicaHandle target, IOException error) {
            loop.execute(() -> {
                if (!host.isCurrent(target)) {
                    return;
                }
                if (error != null) {
                    log.warning("Sync with replica " + target.client().connection().peerAddress() + " failed: "
                        + error.getMessage());
                    target.client().connection().close();
                } else if (job.diskless() && target.capaEof()) {
                    target.state(ReplicaHandle.State.WAIT_ONLINE_ACK);
                } else {
                    goOnline(target);
                }
            });
        }

        @Override
        public void finished(FullSyncJob job, long rdbBytes, IOException error) {
            loop.execute(() -> {
                jobs.remove(job);
                if (error != null) {
                    log.warning("Sync job " + job.id() + " failed: " + error.getMessage());
                } else {
                    log.notice("Sync job " + job.id() + " done: " + rdbBytes + " RDB bytes");
                }
                startPending(server.nowMs(), false);
            });
        }

        @Override
        public boolean awaitDrained(ReplicaHandle target) throws InterruptedException {
            while (true) {
                CompletableFuture<Long> pending = new CompletableFuture<>();
                loop.execute(() -> pending.complete(host.isCurrent(target)
                    ? target.client().out().pending() : -1L));
                long p;
                try {
                    p = pending.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    return false;
                }
                if (p < 0) {
                    return false;
                }
                if (p == 0) {
                    return true;
                }
                Thread.sleep(2);
            }
        }
    }
}
