package dev.rkv.kvserver;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;
import dev.rkv.kvserver.command.CommandDispatcher;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.commands.Commands;
import dev.rkv.kvserver.config.OutputBufferLimits;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.net.BindAddress;
import dev.rkv.kvserver.net.ClientInput;
import dev.rkv.kvserver.net.EventLoop;
import dev.rkv.kvserver.net.IoBatch;
import dev.rkv.kvserver.net.IoThreads;
import dev.rkv.kvserver.net.RdmaAcceptor;
import dev.rkv.kvserver.net.RdmaConnection;
import dev.rkv.kvserver.net.RdmaRefusal;
import dev.rkv.kvserver.net.RdmaTimers;
import dev.rkv.kvserver.net.TcpAcceptor;
import dev.rkv.kvserver.net.StreamConnection;
import dev.rkv.kvserver.net.TcpConnection;
import dev.rkv.kvserver.persist.Persistence;
import dev.rkv.kvserver.persist.RdbAux;
import dev.rkv.kvserver.protocol.ProtocolLimits;
import dev.rkv.kvserver.repl.Replication;
import dev.rkv.kvserver.store.Database;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running rkv server: binds its listeners, owns the event loop thread and wires the command
 * table, keyspace and connections together.
 */
public final class RkvServer implements AutoCloseable {
    static final String PROTECTED_MODE_DENIED = "-DENIED rkv is running in protected mode because protected mode is "
        + "enabled and no password is set for the default user. In this mode connections are only accepted from the "
        + "loopback interface. If you want to connect from external computers to rkv you may adopt one of the "
        + "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' "
        + "from the loopback interface by connecting to rkv from the same host the server is running, however MAKE "
        + "SURE rkv is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change "
        + "permanent. 2) Alternatively you can just disable the protected mode by editing the rkv configuration file, "
        + "and setting the protected mode option to 'no', and then restarting the server. 3) If you started the "
        + "server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an "
        + "authentication password for the default user. NOTE: You only need to do one of the above things in "
        + "order for the server to start accepting connections from the outside.\r\n";

    private final ServerConfig config;
    private final ServerLog log;
    private final ServerContext context;
    private final CommandDispatcher dispatcher;
    private final EventLoop loop;
    /** io-threads beyond the loop's own; null with io-threads 1. */
    private final IoThreads ioThreads;
    private final Persistence persistence;
    private final Replication replication;
    private final List<TcpAcceptor> acceptors = new ArrayList<>();
    private final List<RdmaAcceptor> rdmaAcceptors = new ArrayList<>();
    /** The RDMA device of the RDMA listeners; null when rdma-port is 0. */
    private RdmaDevice rdmaDevice;
    private RdmaTimers rdmaTimers;
    private final Map<Client, StreamConnection> connections = new HashMap<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean started;

    public RkvServer(ServerConfig config) throws IOException {
        this.config = config;
        this.log = new ServerLog(config.getString("loglevel"), config.getString("logfile"));
        CommandTable table = Commands.table();
        this.context = new ServerContext(config, table);
        Commands.attach(context);
        this.dispatcher = new CommandDispatcher(context);
        this.loop = new EventLoop(t -> log.warning("event loop error: " + dev.rkv.kvserver.util.Throwables.stackTrace(t)));
        int ioThreadCount = config.getInt("io-threads");
        if (ioThreadCount > 1) {
            // Redis's io-threads N: the loop is one of the N.
            // rkv.io-threads.hand-over-from: the fewest ready connections handed to the threads
            // (default 2 per thread, as Redis); tests lower it so that the threads see work.
            this.ioThreads = new IoThreads(ioThreadCount - 1, "rkv-io",
                Integer.getInteger("rkv.io-threads.hand-over-from", 2 * ioThreadCount));
            loop.batch(new IoBatch(loop, ioThreads, config.getBool("io-threads-do-reads")));
        } else {
            this.ioThreads = null;
        }
        context.shutdownHook(this::stopAsync);
        context.warnings(log::warning);
        context.dispatcher(dispatcher);
        this.persistence = new Persistence(context, loop::execute, log);
        context.persistence(persistence);
        this.replication = new Replication(context, loop, log);
        context.replication(replication);
        context.propagator(replication);
        persistence.replicationInfo(replication::rdbAux);
        config.onChange((name, value) -> {
            if (name.equals("loglevel")) {
                log.level((String) value);
            }
        });
    }

    public ServerConfig config() {
        return config;
    }

    public ServerContext context() {
        return context;
    }

    public CommandDispatcher dispatcher() {
        return dispatcher;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public ServerLog log() {
        return log;
    }

    /**
     * Loads the RDB file (dir/dbfilename) if there is one, binds every configured address and
     * starts the event loop.
     *
     * @throws IOException when binding fails or the RDB file is corrupt (the server must not run)
     */
    public RkvServer start() throws IOException {
        persistence.loadAtStartup();
        int port = config.getInt("port");
        int backlog = config.getInt("tcp-backlog");
        for (BindAddress address : BindAddress.parseAll(config.getString("bind"))) {
            String host = address.host();
            int bindPort = acceptors.isEmpty() ? port : acceptors.get(0).port();
            try {
                TcpAcceptor a = new TcpAcceptor(loop, new InetSocketAddress(InetAddress.getByName(host), bindPort),
                    backlog, this::accepted);
                a.register();
                acceptors.add(a);
            } catch (IOException e) {
                if (!address.optional()) {
                    closeAcceptors();
                    throw new IOException("Could not create server TCP listening socket " + host + ":" + bindPort
                        + ": " + e.getMessage(), e);
                }
                log.verbose("optional bind address " + host + " skipped: " + e.getMessage());
            }
        }
        if (acceptors.isEmpty()) {
            throw new IOException("no bind address could be used: " + config.getString("bind"));
        }
        context.listeningPort(port());
        startRdma();
        long period = Math.max(1, 1000 / config.getInt("hz"));
        loop.every(period, this::cron);
        // Blocking commands' timeouts are answered within about 10 ms, not at cron's pace.
        loop.every(10, () -> context.blocked().checkTimeouts(context.nowMs()));
        String replicaof = config.getString("replicaof");
        RdbAux loaded = persistence.loadedReplication();
        if (replicaof.isBlank()) {
            loop.execute(() -> replication.resumeAsPrimary(loaded));
        } else {
            String[] hp = replicaof.trim().split("\\s+");
            // rkv: an optional third word picks the full-sync transport, as REPLICAOF host port RDMA does.
            String transport = hp.length > 2 ? hp[2].toLowerCase(java.util.Locale.ROOT) : null;
            loop.execute(() -> {
                replication.resumeAsReplica(loaded);
                replication.replicaOf(hp[0], Integer.parseInt(hp[1]), transport);
            });
        }
        loop.start("rkv-event-loop");
        started = true;
        log.notice("rkv server started, port " + port() + ", bind " + config.getString("bind"));
        log.notice("Ready to accept connections tcp");
        if (!rdmaAcceptors.isEmpty()) {
            log.notice("Ready to accept connections rdma (" + rdmaDevice.provider() + ", port " + rdmaPort() + ")");
        }
        return this;
    }

    /**
     * Binds the RDMA listeners when rdma-port is set: on rdma-bind, or on the TCP bind addresses
     * when it is empty, with the provider rdma-provider names.
     */
    private void startRdma() throws IOException {
        int rdmaPort = config.getInt("rdma-port");
        if (rdmaPort == 0) {
            return;
        }
        String provider = config.getString("rdma-provider");
        RespRdmaOptions options;
        try {
            options = RespRdmaOptions.defaults().withRxSize((int) config.getLong("rdma-rx-size"));
            rdmaDevice = Providers.open(provider);
        } catch (RdmaException | IllegalArgumentException e) {
            closeAcceptors();
            throw new IOException("Could not open RDMA provider " + provider + ": " + e.getMessage(), e);
        }
        rdmaTimers = new RdmaTimers(loop);
        String bind = config.getString("rdma-bind").isBlank() ? config.getString("bind") : config.getString("rdma-bind");
        for (BindAddress address : BindAddress.parseAll(bind)) {
            String host = address.host();
            int bindPort = rdmaAcceptors.isEmpty() ? rdmaPort : rdmaAcceptors.get(0).port();
            try {
                RdmaAcceptor a = new RdmaAcceptor(loop, rdmaDevice, host, bindPort, options, this::acceptedRdma);
                a.register();
                rdmaAcceptors.add(a);
            } catch (RdmaException e) {
                if (!address.optional()) {
                    closeAcceptors();
                    throw new IOException("Could not create server RDMA listening socket " + host + ":" + bindPort
                        + " (" + provider + "): " + e.getMessage(), e);
                }
                log.verbose("optional RDMA bind address " + host + " skipped: " + e.getMessage());
            }
        }
        if (rdmaAcceptors.isEmpty()) {
            closeAcceptors();
            throw new IOException("no RDMA bind address could be used: " + bind);
        }
    }

    /** The RDMA port bound, 0 when rdma-port is 0 (off). */
    public int rdmaPort() {
        return rdmaAcceptors.isEmpty() ? 0 : rdmaAcceptors.get(0).port();
    }

    /** The TCP port actually bound (useful with port 0). */
    public int port() {
        return acceptors.get(0).port();
    }

    /** Null when a new connection from {@code remote} may become a client, else the error reply refusing it. */
    private String refusal(InetAddress remote) {
        if (config.getBool("protected-mode") && !context.requiresAuth() && !remote.isLoopbackAddress()) {
            return PROTECTED_MODE_DENIED;
        }
        if (context.clients().size() >= config.getLong("maxclients")) {
            context.stats().rejectedConnections++;
            return "-ERR max number of clients reached\r\n";
        }
        return null;
    }

    private void accepted(SocketChannel ch) throws IOException {
        context.stats().connectionsReceived++;
        ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        String refused = refusal(((InetSocketAddress) ch.getRemoteAddress()).getAddress());
        if (refused != null) {
            refuse(ch, refused);
            return;
        }
        ClientInput input = newClientInput();
        TcpConnection conn = new TcpConnection(ch, loop, input, connectionListener());
        attach(input, conn);
        conn.register();
    }

    private void acceptedRdma(RespRdmaChannel ch) {
        context.stats().connectionsReceived++;
        String refused = refusal(ch.remoteAddress().getAddress());
        if (refused != null) {
            new RdmaRefusal(ch, refused.getBytes(StandardCharsets.US_ASCII), loop, rdmaTimers).start();
            return;
        }
        ClientInput input = newClientInput();
        // One line per connection that ends on the peer's side: a protocol error is worth a warning,
        // a client going away only a verbose line (as Redis logs client closes).
        RdmaConnection conn = new RdmaConnection(ch, loop, rdmaTimers, input, connectionListener(),
            line -> {
                if (line.contains("protocol error")) {
                    log.warning(line);
                } else {
                    log.verbose(line);
                }
            });
        attach(input, conn);
        conn.register();
    }

    private ClientInput newClientInput() {
        return new ClientInput(protocolLimits(), config.getLong("client-query-buffer-limit"), dispatcher);
    }

    private void attach(ClientInput input, StreamConnection conn) {
        Client client = context.clients().open(context, conn, context.nowMs());
        input.attach(client);
        connections.put(client, conn);
    }

    private StreamConnection.Listener connectionListener() {
        return new StreamConnection.Listener() {
            @Override
            public void closed(StreamConnection c) {
                forget(c.client());
            }

            @Override
            public void closeFailed(StreamConnection c, IOException e) {
                log.verbose("closing " + c.peerAddress() + ": " + e.getMessage());
            }

            @Override
            public boolean outputOverLimit(StreamConnection c) {
                return c.client() != null && overOutputLimit(c.client(), config.outputBufferLimits(), context.nowMs());
            }

            @Override
            public void transferred(long in, long out) {
                context.stats().netInputBytes += in;
                context.stats().netOutputBytes += out;
            }
        };
    }

    /**
     * Limits for a new connection. Redis 7.0 accepts multibulk counts up to INT_MAX (the parser
     * grows its argument array as arguments arrive, so a large count costs nothing up front);
     * a bulk cannot exceed what one Java array holds, whatever proto-max-bulk-len says.
     */
    private ProtocolLimits protocolLimits() {
        long maxBulk = Math.min(config.getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 8);
        return new ProtocolLimits(maxBulk, Integer.MAX_VALUE, 64 * 1024);
    }

    private static void refuse(SocketChannel ch, String reply) throws IOException {
        // Best effort: the peer gets the reason if its socket buffer has room, then the close.
        ch.configureBlocking(false);
        ch.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
        ch.close();
    }

    private void forget(Client c) {
        if (c == null) {
            return;
        }
        connections.remove(c);
        replication.clientClosed(c);
        context.blocked().forget(c);
        context.pubsub().forget(c);
        context.watches().unwatchAll(c);
        context.clients().close(c);
    }

    /** Periodic work, hz times a second: active expiry, idle clients, output limits, stats. */
    private void cron() {
        long now = context.nowMs();
        context.stats().sample(now);
        long budgetNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, 250 / config.getInt("hz")));
        long deadline = System.nanoTime() + budgetNanos;
        // A replica does not expire keys itself: its primary's DELs do (as in Redis).
        for (int i = 0; i < context.keyspace().count() && !replication.isReplica(); i++) {
            Database db = context.keyspace().db(i);
            db.activeExpireStep(now, 1024, deadline);
        }
        persistence.cron(now);
        replication.cron(now);
        long timeoutMs = config.getLong("timeout") * 1000;
        OutputBufferLimits limits = config.outputBufferLimits();
        for (Client c : new ArrayList<>(context.clients().all())) {
            StreamConnection conn = connections.get(c);
            if (conn == null) {
                continue;
            }
            boolean idle = timeoutMs > 0 && c.kind() == ClientKind.NORMAL && !c.isSubscribed()
                && now - c.lastInteractionMs() > timeoutMs;
            if (idle || overOutputLimit(c, limits, now)) {
                conn.close();
            }
        }
    }

    private static boolean overOutputLimit(Client c, OutputBufferLimits limits, long now) {
        OutputBufferLimits.Limit l = switch (c.kind()) {
            case REPLICA -> limits.replica();
            case PUBSUB -> limits.pubsub();
            default -> c.isSubscribed() ? limits.pubsub() : limits.normal();
        };
        long pending = c.output().pending();
        if (l.hardBytes() > 0 && pending > l.hardBytes()) {
            return true;
        }
        if (l.softBytes() > 0 && pending > l.softBytes()) {
            if (c.softLimitSinceMs() == 0) {
                c.softLimitSinceMs(now);
            }
            return now - c.softLimitSinceMs() > l.softSeconds() * 1000;
        }
        c.softLimitSinceMs(0);
        return false;
    }

    /** Runs a task on the event loop and waits for its result (for tools and tests). */
    public <T> T call(Callable<T> task) throws InterruptedException, ExecutionException, TimeoutException {
        if (loop.inLoop()) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(task.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private void stopAsync() {
        loop.stop();
    }

    /** Blocks until the server has stopped (SHUTDOWN or close). */
    public void awaitTermination() throws InterruptedException {
        loop.awaitStop();
    }

    private void closeAcceptors() {
        for (TcpAcceptor a : acceptors) {
            a.close();
        }
        for (RdmaAcceptor a : rdmaAcceptors) {
            a.close();
        }
        rdmaAcceptors.clear();
        if (rdmaDevice != null) {
            // closes every RDMA endpoint, queue and buffer of the clients too
            rdmaDevice.close();
        }
    }

    /** How long a stopping server waits for the event loop to take its last tasks. */
    private static final long LOOP_GRACE_MS = 5_000;

    /** What the final save on a signal did. */
    public enum SignalSave {
        /** Saved the RDB. */
        SAVED,
        /** No save points configured: nothing to save. */
        NOT_CONFIGURED,
        /** The save ran and failed (disk full ...): see the log. */
        FAILED,
        /** A command held the event loop past the grace period: not saved. */
        LOOP_HELD
    }

    /**
     * SIGTERM and SIGINT, as Redis handles them: long commands are told to give up, the final
     * RDB is saved when save points are configured, then the server closes. Returns within a few
     * seconds even when a command holds the event loop (a bug, or one that does not poll
     * {@link dev.rkv.kvserver.command.ServerContext#stopping()}): then it exits without the
     * final save and says so, rather than hang. A save that has started is waited for.
     *
     * @return false when the final save was due but failed or could not run
     */
    public boolean shutdownOnSignal() {
        SignalSave save = saveOnSignal();
        close();
        return save == SignalSave.SAVED || save == SignalSave.NOT_CONFIGURED;
    }

    /**
     * The first half of {@link #shutdownOnSignal}, for callers that close something between the
     * save and {@link #close()} (the CLI closes its agent there): tells long commands to give up
     * and saves when save points say so, within the grace period.
     */
    public SignalSave saveOnSignal() {
        context.beginStopping();
        if (!started || config.savePoints().points().isEmpty()) {
            return SignalSave.NOT_CONFIGURED;
        }
        return finalSave();
    }

    /** True once a stop found a command holding the event loop: later waits for it are short. */
    public boolean loopHeld() {
        return loopHeld;
    }

    private volatile boolean loopHeld;

    private SignalSave finalSave() {
        CompletableFuture<Void> picked = new CompletableFuture<>();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        // Taken by the loop when it starts the save, or by the signal handler when it gives up:
        // a save the handler reported as not done must not run later, once the command lets go.
        java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        loop.execute(() -> {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            picked.complete(null);
            try {
                done.complete(persistence.saveForShutdown());
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        try {
            picked.get(LOOP_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (claimed.compareAndSet(false, true)) {
                log.warning("A command has held the event loop for more than " + LOOP_GRACE_MS / 1000
                    + " s after the shutdown request: exiting WITHOUT the final RDB save.");
                loopHeld = true;
                return SignalSave.LOOP_HELD;
            }
            // The loop took the save just now: wait for it below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SignalSave.FAILED;
        } catch (ExecutionException e) {
            return SignalSave.FAILED;
        }
        try {
            return done.get() ? SignalSave.SAVED : SignalSave.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SignalSave.FAILED;
        } catch (ExecutionException e) {
            log.warning("The final RDB save failed: " + e.getCause());
            return SignalSave.FAILED;
        }
    }

    /** Stops and releases everything; waits for the event loop at most a few seconds (less once it was found held). */
    @Override
    public void close() {
        // When the loop did not even take the final save, it is held: do not wait for it again.
        close(loopHeld ? 500 : LOOP_GRACE_MS);
    }

    private void close(long graceMs) {
        replication.shutdown();
        if (!started) {
            closeAcceptors();
            persistence.close();
            if (ioThreads != null) {
                ioThreads.close();
            }
            return;
        }
        context.beginStopping();
        loop.stop();
        try {
            if (!loop.awaitStop(graceMs)) {
                log.warning("The event loop is still busy " + graceMs + " ms after the stop request (a long command); "
                    + "closing without waiting for it.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAcceptors();
        persistence.close();
        if (ioThreads != null) {
            ioThreads.close();
        }
        terminated.complete(null);
    }
}
