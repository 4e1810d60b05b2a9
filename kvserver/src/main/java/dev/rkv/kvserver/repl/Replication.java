package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.ServerLog;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.config.ConfigException;
import dev.rkv.kvserver.net.Connection;
import dev.rkv.kvserver.net.EventLoop;
import dev.rkv.kvserver.persist.RdbAux;
import dev.rkv.kvserver.store.Keyspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Classic (Redis-protocol) replication for one server, both roles: as a primary it encodes
 * effects into the stream, keeps the backlog, answers PSYNC with a partial or a full sync and
 * feeds its replicas; as a replica it runs a {@link MasterLink} and applies the stream through
 * the dispatcher as the master client, passing the same bytes on to its own replicas.
 *
 * <p>Owned by the event loop thread: every method not marked otherwise runs on it. Link and
 * sync threads reach it only through {@link EventLoop#execute}.
 */
public final class Replication implements Propagator {
    private static final byte[] GETACK = StreamEncoder.encodeCommand("REPLCONF", "GETACK", "*");
    private static final byte[] PING = StreamEncoder.encodeCommand("PING");

    private final ServerContext server;
    private final EventLoop loop;
    private final ServerLog log;
    private final ReplicationIds ids = new ReplicationIds();
    private final StreamEncoder encoder = new StreamEncoder();
    private final Map<Client, ReplicaHandle> replicas = new LinkedHashMap<>();
    /** REPLCONF settings of clients that have not sent PSYNC yet. */
    private final Map<Client, Handshake> handshakes = new IdentityHashMap<>();
    private final AckWaiters waiters = new AckWaiters(this::countAcked, (c, argv) -> serverDispatch(c, argv));
    private final Failover failover = new Failover(new FailoverHost());
    private final FullSyncCoordinator syncs;
    private final InfoView infoView = new InfoView();
    private ReplicationBacklog backlog;
    /** master_repl_offset: last byte of the stream this server produced or applied. */
    private long offset;
    private long lastPingMs = System.currentTimeMillis();
    private long lastAckMs;
    private boolean getAckRequested;

    // replica role
    private MasterLink link;
    /** The replica agent, when one is attached: full syncs may then pull over RDMA. */
    private volatile AcceleratedSync accelerated;
    /** After an accelerated sync: the filter the stream goes through up to its horizon. */
    private StreamFilter streamFilter;
    private long filteredSkips;
    private long filteredRewrites;
    /** Written by link threads, read by INFO: one object, so that INFO never mixes two syncs. */
    private volatile ReplicationInfo.LastSync lastSync;
    private Client masterClient;
    private int masterStreamDb;
    /** While the master client is inside a MULTI: the offset before that MULTI. */
    /**
     * The primary's MULTI and the commands queued after it, not yet counted: as Redis's master
     * client, whose reploff stands still inside a transaction, the transaction enters the offset,
     * the backlog and this replica's own replicas once its EXEC ran. A link lost before EXEC then
     * resumes from before MULTI and receives the whole transaction again; counted as it arrived,
     * the part already read would have been skipped on PSYNC and lost with the dropped MULTI.
     */
    private final List<byte[]> heldTransaction = new ArrayList<>();
    private long linkDownSinceMs = -1;
    private boolean applyingStream;
    /** Offset of the last byte of the stream command being applied, -1 outside the apply path. */
    private long applyingOffset = -1;
    private long fullSyncs;
    private long partialSyncsOk;
    private long partialSyncsErr;

    private static final class Handshake {
        int listeningPort;
        String announcedIp;
        boolean capaEof;
        boolean capaPsync2;
    }

    public Replication(ServerContext server, EventLoop loop, ServerLog log) {
        this.server = server;
        this.loop = loop;
        this.log = log;
        this.syncs = new FullSyncCoordinator(server, loop, log, new SyncHost());
        server.info().contribute("replication", f -> f.clear().putLines(infoSection()));
        server.info().contribute("stats", f -> f.putAll(stats()));
        server.info().contribute("accelerator", f -> {
            AcceleratedSync agent = accelerated;
            if (agent != null) {
                agent.info(f);
            }
        });
    }

    // ------------------------------------------------------------------ state

    public boolean isReplica() {
        return link != null;
    }

    /** A replica whose link to its primary is up (master_link_status:up). */
    public boolean linkUp() {
        return link != null && link.state() == MasterLink.State.CONNECTED && masterClient != null;
    }

    /** Bytes the replication backlog holds now, 0 when there is none (MEMORY STATS replication.backlog). */
    public long backlogBytes() {
        return backlog != null ? backlog.histlen() : 0;
    }

    public long offset() {
        return offset;
    }

    public String replId() {
        return ids.replId();
    }

    /** What an RDB saved now records as its place in the replication history; null when it has none to resume from. */
    public RdbAux rdbAux() {
        if (streamFilter != null) {
            // After an accelerated sync the dataset holds effects past the offset until the stream
            // passes the filter's horizon; continuing from the offset without the filter would apply
            // them twice. No place recorded: a restart from this file full-syncs.
            return null;
        }
        // A half-received transaction is not counted yet (heldTransaction): the offset is before
        // its MULTI, and a restart receives the whole transaction again.
        return new RdbAux(ids.replId(), offset, Math.max(0, streamDbForRdb()));
    }

    /**
     * The database the stream selects at {@link #offset()}: on a replica the master client's
     * (the primary's stream continues there after a PSYNC), on a primary the encoder's; -1 when
     * the next command selects one anyway.
     */
    private int streamDbForRdb() {
        if (link != null) {
            return masterClient != null ? masterClient.dbIndex() : masterStreamDb;
        }
        return encoder.streamDb();
    }

    /**
     * At startup, before {@code replicaOf}, on a server configured as a replica: takes the place
     * in the replication history recorded in the RDB it loaded as its own, as Redis 7.0 makes a
     * cached master of it, so that the first PSYNC asks for {@code replid offset+1} and a primary
     * whose backlog still holds that continues instead of sending everything again.
     *
     * @return false (nothing changed) when the place cannot be used here
     */
    public boolean resumeAsReplica(RdbAux loaded) {
        if (!usable(loaded)) {
            return false;
        }
        ids.adopt(loaded.replId());
        offset = loaded.replOffset();
        masterStreamDb = loaded.streamDb();
        backlog = new ReplicationBacklog(server.config().getLong("repl-backlog-size"), offset);
        log.notice("Using the RDB's replication id " + loaded.replId() + " and offset " + offset
            + " to try a partial resynchronization");
        return true;
    }

    /**
     * At startup, on a server that is not configured as a replica: as Redis 7.0, the RDB's id
     * becomes the previous id (valid up to its offset) of a new history that continues at that
     * offset, so replicas of this server from before the restart that hold no more than what
     * the file holds partial-resync. Their stream database is unknown to them: the next effect
     * selects one.
     *
     * @return false (nothing changed) when the place cannot be used here
     */
    public boolean resumeAsPrimary(RdbAux loaded) {
        if (!usable(loaded)) {
            return false;
        }
        ids.adopt(loaded.replId());
        ids.shift(loaded.replOffset(), null);
        offset = loaded.replOffset();
        encoder.forceSelect();
        backlog = new ReplicationBacklog(server.config().getLong("repl-backlog-size"), offset);
        return true;
    }

    private boolean usable(RdbAux loaded) {
        return loaded != null && ReplicationIds.isValid(loaded.replId()) && loaded.replOffset() >= 0
            && loaded.streamDb() < server.keyspace().count();
    }

    /**
     * The replication offset of the stream command being applied on a replica, -1 when the
     * current command did not come from the primary. Lets per-key consumers (the accelerator)
     * skip effects older than what they already hold.
     */
    public long applyingOffset() {
        return applyingOffset;
    }

    public boolean isMasterClient(Client c) {
        return c != null && c == masterClient;
    }

    // ------------------------------------------------------------------ primary: the stream

    @Override
    public void propagate(int db, byte[][] effect) {
        if (applyingStream || link != null) {
            // A replica passes on its primary's bytes verbatim (see apply); its own writes stay local.
            return;
        }
        if (backlog == null && replicas.isEmpty()) {
            return;
        }
        feed(encoder.encode(db, effect));
    }

    /** Appends stream bytes: offset, backlog, and every replica (held for those still syncing). */
    private void feed(byte[] bytes) {
        offset += bytes.length;
        if (backlog != null) {
            backlog.append(bytes);
        }
        for (ReplicaHandle h : replicas.values()) {
            switch (h.state()) {
                case ONLINE -> {
                    h.client().out().raw(bytes);
                    h.client().connection().requestFlush();
                }
                case WAIT_BGSAVE_END, SEND_BULK, WAIT_ONLINE_ACK -> h.hold(bytes);
                default -> {
                }
            }
        }
    }

    /**
     * Starts counting the stream now even with no replica yet (a backlog, a replication id), so
     * that every write gets an offset: the primary agent stamps table slots with them.
     */
    public void keepHistory() {
        ensureBacklog();
    }

    /** The database the stream has in force at {@link #offset()}, -1 when the next effect selects one. */
    public int streamDb() {
        return encoder.streamDb();
    }

    private void ensureBacklog() {
        if (backlog == null) {
            // A new history starts here: nothing before it can be continued.
            ids.adopt(ReplicationIds.random());
            backlog = new ReplicationBacklog(server.config().getLong("repl-backlog-size"), offset);
        }
    }

    // ------------------------------------------------------------------ primary: REPLCONF, PSYNC

    /** REPLCONF listening-port. */
    public void replconfListeningPort(Client c, int port) {
        handshake(c).listeningPort = port;
        ReplicaHandle h = replicas.get(c);
        if (h != null) {
            h.listeningPort(port);
        }
    }

    /** REPLCONF ip-address: the replica's own idea of its address (replica-announce-ip). */
    public void replconfIpAddress(Client c, String ip) {
        handshake(c).announcedIp = ip;
        ReplicaHandle h = replicas.get(c);
        if (h != null) {
            h.announcedIp(ip);
        }
    }

    /** REPLCONF capa. */
    public void replconfCapa(Client c, String capa) {
        Handshake hs = handshake(c);
        if (capa.equalsIgnoreCase("eof")) {
            hs.capaEof = true;
        } else if (capa.equalsIgnoreCase("psync2")) {
            hs.capaPsync2 = true;
        }
    }

    private Handshake handshake(Client c) {
        return handshakes.computeIfAbsent(c, k -> new Handshake());
    }

    /** REPLCONF ACK offset, from a replica. */
    public void replconfAck(Client c, long ackOffset) {
        ReplicaHandle h = replicas.get(c);
        if (h == null) {
            return;
        }
        h.acked(ackOffset, server.nowMs());
        if (h.state() == ReplicaHandle.State.WAIT_ONLINE_ACK) {
            syncs.goOnline(h);
        }
        waiters.check(server.nowMs());
        failover.update(server.nowMs());
    }

    /** REPLCONF GETACK, from our primary: answer with the offset applied so far. */
    public void replconfGetAck(Client c) {
        if (c == masterClient && link != null) {
            link.sendAck(offset);
        }
    }

    /** Error text when this server cannot serve a sync now, else null. */
    public String syncRefusal() {
        if (failover.running()) {
            return "NOMASTERLINK Can't SYNC while failing over";
        }
        if (link != null && link.state() != MasterLink.State.CONNECTED) {
            return "NOMASTERLINK Can't SYNC while not connected with my master";
        }
        return null;
    }

    /** Whether {@code PSYNC replId offset} would continue now (REPLCONF rkv-psync-probe); changes nothing. */
    public boolean wouldContinue(String replId, long offset) {
        return syncRefusal() == null && PsyncDecision.decide(replId, offset, ids, backlog) == PsyncDecision.Outcome.CONTINUE;
    }

    /** PSYNC replid offset (or SYNC, with {@code legacy}): continue from the backlog or start a full sync. */
    public void psync(Client c, String requestedId, long requestedOffset, boolean legacy) {
        Handshake hs = handshakes.remove(c);
        if (hs == null) {
            hs = new Handshake();
        }
        long now = server.nowMs();
        ReplicaHandle h = new ReplicaHandle(c, ReplicaHandle.State.WAIT_BGSAVE_START, now);
        h.listeningPort(hs.listeningPort);
        h.announcedIp(hs.announcedIp);
        h.capaEof(hs.capaEof);
        c.kind(ClientKind.REPLICA);
        PsyncDecision.Outcome outcome = legacy ? PsyncDecision.Outcome.FULL_REQUESTED
            : PsyncDecision.decide(requestedId, requestedOffset, ids, backlog);
        if (outcome == PsyncDecision.Outcome.CONTINUE) {
            partialSyncsOk++;
            h.state(ReplicaHandle.State.ONLINE);
            h.acked(requestedOffset - 1, now);
            replicas.put(c, h);
            c.out().simple(hs.capaPsync2 ? "CONTINUE " + ids.replId() : "CONTINUE");
            byte[] missing = backlog.copyFrom(requestedOffset);
            if (missing.length > 0) {
                c.out().raw(missing);
            }
            c.connection().requestFlush();
            log.notice("Partial resynchronization request from " + c.connection().peerAddress() + " accepted. Sending "
                + missing.length + " bytes of backlog starting from offset " + requestedOffset + ".");
            return;
        }
        if (outcome != PsyncDecision.Outcome.FULL_REQUESTED) {
            partialSyncsErr++;
        }
        fullSyncs++;
        h.legacySync = legacy;
        replicas.put(c, h);
        ensureBacklog();
        log.notice("Replica " + c.connection().peerAddress() + " asks for synchronization (" + outcome + ")");
        if (!server.config().getBool("repl-diskless-sync")) {
            syncs.startPending(now, true);
        }
    }

    // ------------------------------------------------------------------ WAIT

    /** Replicas whose acknowledged offset reached {@code target}. */
    public long countAcked(long target) {
        long n = 0;
        for (ReplicaHandle h : replicas.values()) {
            if (h.online() && h.ackOffset() >= target) {
                n++;
            }
        }
        return n;
    }

    /** WAIT: replies now when enough replicas acknowledged the current offset, else blocks. */
    public void await(Client c, long numReplicas, long timeoutMs) {
        long target = offset;
        long acked = countAcked(target);
        if (acked >= numReplicas || c.inMulti()) {
            c.out().integer(acked);
            return;
        }
        long deadline = timeoutMs == 0 ? 0 : server.nowMs() + timeoutMs;
        waiters.block(c, target, numReplicas, deadline);
        requestAcks();
    }

    /** Asks every replica for an ACK, once per event loop iteration. */
    private void requestAcks() {
        if (getAckRequested) {
            return;
        }
        getAckRequested = true;
        loop.execute(() -> {
            getAckRequested = false;
            if (!replicas.isEmpty() && link == null) {
                feed(GETACK);
            }
        });
    }

    /**
     * Keeps a command from a client blocked in WAIT (or held by a FAILOVER) until it is answered
     * (or released), so replies stay in order; true when deferred.
     */
    public boolean deferIfBlocked(Client c, byte[][] argv) {
        return failover.deferIfHeld(c, argv) || waiters.deferIfBlocked(c, argv);
    }

    private void serverDispatch(Client c, byte[][] argv) {
        server.dispatcher().dispatch(c, argv);
    }

    // ------------------------------------------------------------------ REPLICAOF

    /** REPLICAOF host port: starts (or restarts) the link; false when already following that primary. */
    public boolean replicaOf(String host, int port) {
        return replicaOf(host, port, null);
    }

    /**
     * REPLICAOF host port [TCP|RDMA]: as {@link #replicaOf(String, int)}, with the full-sync
     * transport for this link ({@code "rdma"} or {@code "tcp"}; null: the
     * {@code repl-sync-transport} setting).
     */
    public boolean replicaOf(String host, int port, String transport) {
        if (link != null && link.host().equalsIgnoreCase(host) && link.port() == port
            && (transport == null || transport.equals(link.transport()))) {
            return false;
        }
        if (link == null) {
            // As Redis: a primary turned replica reports no down time until a link it had is lost.
            linkDownSinceMs = -1;
        }
        stopLink();
        server.role("slave");
        server.keyspace().expireOnAccess(false);
        recordRole(host + " " + port + (transport != null ? " " + transport : ""));
        link = new MasterLink(this, host, port, transport != null ? transport : server.config().getString("repl-sync-transport"));
        streamFilter = null;
        link.start();
        log.notice("Connecting to MASTER " + host + ":" + port);
        return true;
    }

    /** REPLICAOF NO ONE: becomes a primary with a new history that continues the old one. */
    public void promote() {
        if (link == null) {
            return;
        }
        stopLink();
        link = null;
        recordRole("");
        server.role("master");
        server.keyspace().expireOnAccess(true);
        ids.shift(offset, null);
        encoder.forceSelect();
        disconnectReplicas();
        log.notice("MASTER MODE enabled");
    }

    /**
     * Keeps the {@code replicaof} option equal to the role, so that CONFIG GET shows it and CONFIG
     * REWRITE persists it (Sentinel rewrites the file of every server it reconfigures).
     */
    private void recordRole(String replicaof) {
        try {
            server.config().set("replicaof", replicaof);
        } catch (ConfigException e) {
            throw new IllegalStateException("replicaof rejected its own value '" + replicaof + "'", e);
        }
    }

    private void stopLink() {
        if (link != null) {
            link.stop();
        }
        dropMasterClient();
    }

    private void dropMasterClient() {
        heldTransaction.clear();
        if (masterClient != null) {
            masterStreamDb = masterClient.dbIndex();
            server.clients().close(masterClient);
            masterClient = null;
        }
    }

    private void disconnectReplicas() {
        for (ReplicaHandle h : new ArrayList<>(replicas.values())) {
            h.client().connection().close();
        }
    }

    // ------------------------------------------------------------------ replica: called by MasterLink

    /** On the link thread: what to ask PSYNC for (runs on the event loop, after every queued batch). */
    MasterLink.PsyncRequest psyncRequest(MasterLink from) throws InterruptedException, IOException {
        CompletableFuture<MasterLink.PsyncRequest> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(new MasterLink.PsyncRequest(ids.replId(), offset + 1, failover.inProgress())));
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("event loop did not answer: " + e, e);
        }
    }

    /** On the link thread: a full sync was loaded into {@code fresh}; install it on the event loop. */
    void installFullSync(MasterLink from, Keyspace fresh, String newReplId, long newOffset, int streamDb)
        throws InterruptedException, IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                if (from != link) {
                    return;
                }
                Keyspace live = server.keyspace();
                for (int i = 0; i < Math.min(live.count(), fresh.count()); i++) {
                    live.db(i).replaceWith(fresh.db(i));
                }
                ids.adopt(newReplId);
                offset = newOffset;
                backlog = new ReplicationBacklog(server.config().getLong("repl-backlog-size"), offset);
                disconnectReplicas();
                masterStreamDb = streamDb;
                openMasterClient(from);
                linkDownSinceMs = -1;
                log.notice("MASTER <-> REPLICA sync: Finished with success");
            } finally {
                done.complete(null);
            }
        });
        try {
            done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("installing the dataset failed: " + e, e);
        }
    }

    /**
     * On the link thread: how a classic full sync is loaded, per {@code repl-diskless-load} as in
     * Redis: {@code swapdb} from the socket; {@code disabled} through a file in {@code dir};
     * {@code on-empty-db} from the socket when the dataset is empty, else through a file. In every
     * mode the current dataset stays, and is served, until the new one is complete.
     *
     * @return the file to stage the RDB in, null to load from the socket
     */
    StagedRdb stagedLoad() throws InterruptedException, IOException {
        CompletableFuture<java.util.Optional<Path>> staging = new CompletableFuture<>();
        loop.execute(() -> {
            String m = server.config().getString("repl-diskless-load");
            boolean fromSocket = m.equals("swapdb") || (m.equals("on-empty-db") && datasetEmpty());
            staging.complete(fromSocket ? java.util.Optional.empty() : java.util.Optional.of(Path.of(server.config().getString("dir"))));
        });
        try {
            return staging.get(30, TimeUnit.SECONDS).map(StagedRdb::new).orElse(null);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("event loop did not answer: " + e, e);
        }
    }

    private boolean datasetEmpty() {
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            if (ks.db(i).size() > 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code dir}/{@code dbfilename}: where a staged full sync is kept once loaded. */
    Path dumpFile() {
        return Path.of(server.config().getString("dir")).resolve(server.config().getString("dbfilename"));
    }

    /** Registers the replica agent that pulls full syncs over RDMA (null removes it). */
    public void acceleratedSync(AcceleratedSync agent) {
        accelerated = agent;
    }

    /** Any thread: the agent a link with the rdma transport uses, null when none is attached. */
    AcceleratedSync acceleratedSync() {
        return accelerated;
    }

    /**
     * On the link thread: an accelerated sync was pulled into {@code fresh} and the primary
     * accepted {@code PSYNC replid offset+1}; install it with its stream filter.
     */
    void installAccelerated(MasterLink from, Keyspace fresh, AcceleratedSync.Result result, long millis)
        throws InterruptedException, IOException {
        installFullSync(from, fresh, result.replId(), result.offset(), Math.max(0, result.streamDb()));
        loop.execute(() -> {
            if (from == link) {
                streamFilter = result.filter();
            }
        });
        syncFinished(from.transportName(), millis, result.bytes(), result.keys());
    }

    /** Any thread: what INFO replication reports about the last full sync. */
    void syncFinished(String transport, long millis, long bytes, long keys) {
        lastSync = new ReplicationInfo.LastSync(transport, millis, bytes, keys);
    }

    /** On the link thread: PSYNC answered +CONTINUE, with the primary's id when it sent one. */
    void continued(MasterLink from, String newReplId) {
        loop.execute(() -> {
            if (from != link) {
                return;
            }
            if (newReplId != null && !newReplId.equals(ids.replId())) {
                ids.shift(offset, newReplId);
                disconnectReplicas();
            }
            if (backlog == null) {
                backlog = new ReplicationBacklog(server.config().getLong("repl-backlog-size"), offset);
            }
            openMasterClient(from);
            linkDownSinceMs = -1;
            log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
        });
    }

    private void openMasterClient(MasterLink from) {
        dropMasterClient();
        masterClient = server.clients().open(server, new MasterConnection(from), server.nowMs());
        masterClient.kind(ClientKind.PRIMARY);
        masterClient.authenticated(true);
        masterClient.select(Math.min(masterStreamDb, server.keyspace().count() - 1));
    }

    /** On the link thread: a batch of stream commands to apply in order. */
    void apply(MasterLink from, List<MasterLink.StreamCommand> batch, int permits) {
        loop.execute(() -> {
            try {
                if (from != link || masterClient == null) {
                    return;
                }
                applyingStream = true;
                server.applyingPrimaryStream(true);
                for (MasterLink.StreamCommand cmd : batch) {
                    applyingOffset = cmd.endOffset();
                    byte[][] argv = filtered(from, cmd);
                    if (argv == StreamFilter.RESYNC) {
                        return;
                    }
                    if (argv != null) {
                        server.dispatcher().dispatch(masterClient, argv);
                        masterClient.out().clear();
                    }
                    if (masterClient.inMulti()) {
                        heldTransaction.add(cmd.raw());
                        continue;
                    }
                    for (byte[] held : heldTransaction) {
                        feed(held);
                    }
                    heldTransaction.clear();
                    feed(cmd.raw());
                }
            } finally {
                applyingStream = false;
                server.applyingPrimaryStream(false);
                applyingOffset = -1;
                from.applied(permits);
            }
        });
    }

    /**
     * The command to apply for a stream command after an accelerated sync: itself, a part of
     * it, null when the loaded data already has it, or RESYNC (the link then drops and syncs
     * again in full).
     */
    private byte[][] filtered(MasterLink from, MasterLink.StreamCommand cmd) {
        StreamFilter f = streamFilter;
        if (f == null) {
            return cmd.argv();
        }
        if (cmd.endOffset() > f.horizon()) {
            streamFilter = null;
            return cmd.argv();
        }
        byte[][] argv = f.filter(masterClient.dbIndex(), cmd.argv(), cmd.endOffset());
        if (argv == StreamFilter.RESYNC) {
            log.warning("Stream effect " + new String(cmd.argv()[0], java.nio.charset.StandardCharsets.ISO_8859_1).toUpperCase(java.util.Locale.ROOT)
                + " at offset " + cmd.endOffset() + " cannot be reconciled with the pulled dataset: full resync");
            streamFilter = null;
            from.requireFullSync();
            from.dropConnection();
        } else if (argv == null) {
            filteredSkips++;
        } else if (argv != cmd.argv()) {
            filteredRewrites++;
        }
        return argv;
    }

    /** On the link thread: the connection dropped; the link will reconnect. */
    void linkLost(MasterLink from, boolean wasConnected) {
        loop.execute(() -> {
            if (from != link) {
                return;
            }
            dropMasterClient();
            if (linkDownSinceMs < 0) {
                linkDownSinceMs = server.nowMs();
            }
            if (wasConnected) {
                log.notice("Connection with master lost.");
            }
        });
    }

    /** Any thread. */
    void log(String message) {
        log.notice(message);
    }

    /** Any thread: a failure that should not happen (a bug met by hostile input). */
    void warn(String message) {
        log.warning(message);
    }

    /** Any thread: settings the link reads. */
    long timeoutMs() {
        return server.config().getLong("repl-timeout") * 1000;
    }

    /** {@code repl-link-transport rdma}: the link connects to the primary's RDMA listener. */
    boolean linkOverRdma() {
        return server.config().getString("repl-link-transport").equals("rdma");
    }

    String rdmaProvider() {
        return server.config().getString("rdma-provider");
    }

    String masterAuth() {
        return server.config().getString("masterauth");
    }

    String masterUser() {
        return server.config().getString("masteruser");
    }

    /** The port announced to a primary with REPLCONF listening-port: replica-announce-port, else our own. */
    int listeningPort() {
        long announced = server.config().getLong("replica-announce-port");
        return announced != 0 ? (int) announced : server.listeningPort();
    }

    /** replica-announce-ip: the address a primary reports for this replica; empty for its peer address. */
    String announceIp() {
        return server.config().getString("replica-announce-ip");
    }

    int databases() {
        return server.keyspace().count();
    }

    /** The master client's transport: closing it drops the link (CLIENT KILL TYPE master). */
    private static final class MasterConnection implements Connection {
        private final MasterLink link;

        MasterConnection(MasterLink link) {
            this.link = link;
        }

        @Override
        public String peerAddress() {
            return link.host() + ":" + link.port();
        }

        @Override
        public String localAddress() {
            return "";
        }

        @Override
        public String transport() {
            return "tcp";
        }

        @Override
        public void requestFlush() {
            // Replies to the primary are discarded; ACKs go through the link.
        }

        @Override
        public void closeAfterReply() {
            link.dropConnection();
        }

        @Override
        public void close() {
            link.dropConnection();
        }

        @Override
        public long queryBufferBytes() {
            return 0;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** A client went away: forget it as a replica, a handshake or a waiter. */
    public void clientClosed(Client c) {
        handshakes.remove(c);
        waiters.remove(c);
        failover.clientClosed(c);
        ReplicaHandle h = replicas.remove(c);
        if (h != null) {
            log.notice("Connection with replica " + c.connection().peerAddress() + " lost.");
        }
    }

    /** Periodic work: pings, ACKs, timeouts, diskless sync start, WAIT deadlines. */
    public void cron(long now) {
        long timeout = timeoutMs();
        if (link == null && !replicas.isEmpty()
            && now - lastPingMs >= server.config().getLong("repl-ping-replica-period") * 1000) {
            lastPingMs = now;
            feed(PING);
        }
        long heldLimit = server.config().outputBufferLimits().replica().hardBytes();
        for (ReplicaHandle h : new ArrayList<>(replicas.values())) {
            if (h.state() == ReplicaHandle.State.ONLINE && now - h.ackTimeMs() > timeout) {
                log.warning("Disconnecting timedout replica: " + h.client().connection().peerAddress());
                h.client().connection().close();
            } else if (heldLimit > 0 && h.heldBytes() > heldLimit) {
                // The stream produced while its RDB is on the way counts toward the replica's
                // output buffer limit, as Redis's does.
                log.warning("Replica " + h.client().connection().peerAddress() + " is " + h.heldBytes()
                    + " bytes of stream behind its sync, over client-output-buffer-limit: disconnecting");
                h.client().connection().close();
            }
        }
        if (link != null && link.state() == MasterLink.State.CONNECTED && now - lastAckMs >= 1000) {
            lastAckMs = now;
            link.sendAck(offset);
        }
        if (backlog != null && backlog.size() != server.config().getLong("repl-backlog-size")) {
            backlog.resize(server.config().getLong("repl-backlog-size"));
        }
        syncs.startPending(now, false);
        waiters.check(now);
        failover.update(now);
    }

    /** Stops the link and forgets the replicas (server shutdown). */
    public void shutdown() {
        if (link != null) {
            link.stop();
        }
    }

    /** For tests and CLIENT KILL TYPE replica: closes every replica connection. */
    public void killReplicas() {
        disconnectReplicas();
    }

    /** For tests and CLIENT KILL TYPE master: drops the link to the primary (it reconnects). */
    public void killMasterLink() {
        if (link != null) {
            link.dropConnection();
        }
    }

    // ------------------------------------------------------------------ FAILOVER

    /**
     * FAILOVER [TO host port] [TIMEOUT ms] [FORCE]: starts a coordinated failover to a replica
     * ({@code target} null: the first to catch up); Redis's error text, or null when started.
     */
    public String failover(String target, int port, long timeoutMs, boolean force) {
        String error = failover.start(link != null, target, port, timeoutMs, force, server.nowMs());
        if (error == null) {
            // The replicas ACK every second anyway; asking now lets a caught-up target be seen at once.
            requestAcks();
        }
        return error;
    }

    /** FAILOVER ABORT: Redis's error text, or null when a failover was aborted. */
    public String failoverAbort() {
        return failover.abortCommand();
    }

    /** A failover is running: REPLICAOF is refused meanwhile, as Redis does. */
    public boolean failingOver() {
        return failover.running();
    }

    /**
     * While a failover runs, holds a command of an ordinary client (one the dispatcher found to
     * write or replicate) until it ends; true when held.
     */
    public boolean holdIfPaused(Client c, byte[][] argv) {
        return (c.kind() == ClientKind.NORMAL || c.kind() == ClientKind.PUBSUB) && failover.holdIfPaused(c, argv);
    }

    // ------------------------------------------------------------------ min-replicas-to-write

    /**
     * A primary with {@code min-replicas-to-write} N and {@code min-replicas-max-lag} L (both
     * non-zero) refuses writes while fewer than N online replicas acknowledged within L seconds
     * (Redis's checkGoodReplicasStatus); a replica never does.
     */
    public boolean tooFewGoodReplicas() {
        long toWrite = server.config().getLong("min-replicas-to-write");
        long maxLag = server.config().getLong("min-replicas-max-lag");
        return link == null && toWrite > 0 && maxLag > 0 && goodReplicas(maxLag) < toWrite;
    }

    /** Online replicas whose last ACK is at most {@code maxLag} seconds old (Redis's repl_good_slaves_count). */
    private long goodReplicas(long maxLag) {
        long nowSec = server.nowMs() / 1000;
        long good = 0;
        for (ReplicaHandle h : replicas.values()) {
            if (h.online() && nowSec - h.ackTimeMs() / 1000 <= maxLag) {
                good++;
            }
        }
        return good;
    }

    /**
     * PSYNC replid offset FAILOVER, sent by a primary running FAILOVER to this replica: with our
     * own id, we become a primary (its history continues here, so the PSYNC that follows is a
     * partial one). Redis's error text, or null.
     */
    public String psyncFailover(String replId) {
        if (link == null) {
            return "ERR PSYNC FAILOVER can't be sent to a master.";
        }
        if (!replId.equalsIgnoreCase(ids.replId())) {
            return "ERR PSYNC FAILOVER replid must match my replid.";
        }
        promote();
        log.notice("MASTER MODE enabled (failover request)");
        return null;
    }

    /** On the link thread: the target answered our PSYNC ... FAILOVER with a sync ({@code accepted}) or a refusal. */
    void failoverPsyncAnswered(MasterLink from, boolean accepted) {
        loop.execute(() -> {
            if (from == link) {
                failover.psyncAnswered(accepted);
            }
        });
    }

    /** What the full-sync coordinator reaches of this replication. */
    private final class SyncHost implements FullSyncCoordinator.Host {
        @Override
        public Collection<ReplicaHandle> replicas() {
            return replicas.values();
        }

        @Override
        public boolean isCurrent(ReplicaHandle h) {
            return replicas.get(h.client()) == h;
        }

        @Override
        public RdbAux snapshotPlace() {
            encoder.forceSelect();
            return new RdbAux(ids.replId(), offset);
        }

        @Override
        public String replId() {
            return ids.replId();
        }

        @Override
        public int streamDbForSubReplicas() {
            return masterClient != null ? masterClient.dbIndex() : 0;
        }

        @Override
        public long timeoutMs() {
            return Replication.this.timeoutMs();
        }
    }

    /** What the failover reaches of this replication. */
    private final class FailoverHost implements Failover.Host {
        @Override
        public ReplicaHandle findReplica(String host, int port) {
            for (ReplicaHandle h : replicas.values()) {
                if (h.ip().equalsIgnoreCase(host) && h.listeningPort() == port) {
                    return h;
                }
            }
            return null;
        }

        @Override
        public List<ReplicaHandle> replicas() {
            return new ArrayList<>(replicas.values());
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public void follow(String host, int port) {
            replicaOf(host, port, null);
        }

        @Override
        public void unfollow() {
            promote();
        }

        @Override
        public void redispatch(Client c, Deque<byte[][]> held) {
            while (!held.isEmpty()) {
                // A command that blocks the client again (WAIT, BLPOP) defers the rest by itself.
                server.dispatcher().dispatch(c, held.poll());
            }
            c.connection().requestFlush();
        }

        @Override
        public void log(String message) {
            log.notice(message);
        }
    }

    // ------------------------------------------------------------------ ROLE, INFO

    /** ROLE. */
    public void role(Client c) {
        ReplicationInfo.role(c, infoView);
    }

    /** The "replication" section of INFO, without its header line; CRLF line ends. */
    public String infoSection() {
        return ReplicationInfo.section(infoView);
    }

    /** What INFO and ROLE read of this replication. */
    private final class InfoView implements ReplicationInfo.View {
        @Override
        public long nowMs() {
            return server.nowMs();
        }

        @Override
        public ServerConfig config() {
            return server.config();
        }

        @Override
        public MasterLink link() {
            return link;
        }

        @Override
        public boolean linkUp() {
            return Replication.this.linkUp();
        }

        @Override
        public boolean masterClientOpen() {
            return masterClient != null;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public AcceleratedSync accelerated() {
            return accelerated;
        }

        @Override
        public ReplicationInfo.LastSync lastSync() {
            return lastSync;
        }

        @Override
        public boolean filtering() {
            return streamFilter != null;
        }

        @Override
        public long filteredSkips() {
            return filteredSkips;
        }

        @Override
        public long filteredRewrites() {
            return filteredRewrites;
        }

        @Override
        public long linkDownSinceMs() {
            return linkDownSinceMs;
        }

        @Override
        public Collection<ReplicaHandle> replicas() {
            return replicas.values();
        }

        @Override
        public long goodReplicas(long maxLag) {
            return Replication.this.goodReplicas(maxLag);
        }

        @Override
        public String failoverState() {
            return failover.stateName();
        }

        @Override
        public ReplicationIds ids() {
            return ids;
        }

        @Override
        public ReplicationBacklog backlog() {
            return backlog;
        }
    }

    /** Counters for INFO stats (sync_full, sync_partial_ok, sync_partial_err). */
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sync_full", fullSyncs);
        m.put("sync_partial_ok", partialSyncsOk);
        m.put("sync_partial_err", partialSyncsErr);
        return m;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
