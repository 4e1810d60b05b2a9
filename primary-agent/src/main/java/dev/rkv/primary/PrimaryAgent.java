package dev.rkv.primary;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.EndpointState;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.table.TableWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The primary's side of the accelerator, paired with a server in the same process: keeps a
 * mapping table current as the server writes ({@link TableMirror}), registers it with an RDMA
 * provider, accepts replicas' endpoints, and serves the table's descriptor through
 * {@code RKVSYNC DESCRIPTOR secret}. Replicas then READ the table without this process's
 * threads (the provider's responder, or nobody with shm).
 *
 * <p>{@link #attach} and {@link #close} may be called from any thread; the table is written
 * on the server's event loop.
 */
public final class PrimaryAgent implements AutoCloseable {
    private static final int CQ_CAPACITY = 4096;

    private final RkvServer server;
    private final PrimaryAgentOptions options;
    private final RdmaDevice device;
    private final CompletionQueue cq;
    private final ConnectionListener listener;
    private final Thread acceptor;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final AtomicLong descriptorsServed = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong declined = new AtomicLong();
    private TableMirror mirror;
    private volatile boolean closed;

    private PrimaryAgent(RkvServer server, PrimaryAgentOptions options, RdmaDevice device) {
        this.server = server;
        this.options = options;
        this.device = device;
        this.cq = device.createCompletionQueue(CQ_CAPACITY);
        this.listener = device.listen(options.bindHost(), options.port());
        this.acceptor = new Thread(this::acceptLoop, "rkv-primary-agent-accept-" + listener.localAddress().getPort());
        acceptor.setDaemon(true);
    }

    /**
     * Attaches an agent to a started server: builds the table from the keyspace as it is,
     * then keeps it current.
     *
     * @throws IllegalArgumentException when the options are invalid (the provider refuses a bad
     *                                  device property, such as a listener limit, here)
     * @throws RdmaException            when the provider cannot open, listen or register
     */
    public static PrimaryAgent attach(RkvServer server, PrimaryAgentOptions options) throws InterruptedException {
        options.validate();
        return attach(server, options, Providers.open(options.provider(), options.deviceOptions()));
    }

    /**
     * {@link #attach(RkvServer, PrimaryAgentOptions)} with a device the caller opened (of the
     * options' provider); the agent owns it from now on and closes it. Tests pass a device
     * whose registrations fail on demand.
     */
    static PrimaryAgent attach(RkvServer server, PrimaryAgentOptions options, RdmaDevice device) throws InterruptedException {
        options.validate();
        PrimaryAgent agent;
        try {
            agent = new PrimaryAgent(server, options, device);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        try {
            server.call(() -> {
                ServerContext ctx = server.context();
                ctx.replication().keepHistory();
                agent.mirror = new TableMirror(ctx, server.log(), device, options, server.eventLoop()::execute);
                agent.mirror.start();
                ctx.addKeyspaceListener(agent.mirror);
                ctx.addPropagationListener(agent.mirror);
                DescriptorCommand.install(ctx.commands(), agent);
                ctx.info().contribute("accelerator", agent::info);
                return null;
            });
        } catch (ExecutionException | TimeoutException e) {
            agent.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("attaching the agent failed: " + cause, cause);
        }
        agent.acceptor.start();
        server.log().notice("rkv primary agent: table registered with " + options.provider() + ", RDMA endpoint "
            + options.bindHost() + ":" + agent.rdmaPort());
        return agent;
    }

    /** The port replicas connect their RDMA endpoints to. */
    public int rdmaPort() {
        return listener.localAddress().getPort();
    }

    public PrimaryAgentOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ descriptor (event loop)

    /** The secret replicas must present: the configured one, else the server's requirepass. */
    String secret(ServerContext ctx) {
        return options.secret() != null ? options.secret() : ctx.config().getString("requirepass");
    }

    /** Why a descriptor cannot be served now, or null. */
    String refusal(ServerContext ctx) {
        if (closed || mirror == null) {
            return "agent is closed";
        }
        if (ctx.replication().isReplica()) {
            return "this server is a replica; sync from its primary";
        }
        // A table behind the keyspace (it could not grow, big collections wait for more writes)
        // catches up here, not only on the next write.
        mirror.catchUp();
        String why = mirror.unavailable();
        if (why != null) {
            return why;
        }
        return mirror.writer() == null ? "no table" : null;
    }

    AgentDescriptor descriptor() {
        mirror.catchUp();
        TableWriter w = mirror.writer();
        MemoryRegion r = mirror.region();
        descriptorsServed.incrementAndGet();
        return new AgentDescriptor(options.provider(), options.bindHost(), rdmaPort(), r.remote(), w.epoch(), w.replid(),
            w.replicationOffset(), server.context().replication().streamDb(), w.geometry().toString());
    }

    void refused() {
        refusals.incrementAndGet();
    }

    /** A replica with the right secret was told to use the classic sync (this server is a replica, the table is off or behind). */
    void declined() {
        declined.incrementAndGet();
    }

    // ------------------------------------------------------------------ INFO (event loop)

    /**
     * INFO accelerator's primary agent fields: whether the table holds the keyspace now
     * ({@code primary_agent_table_current}: a replica's table is rebuilt after each full sync at
     * the next write, and may be behind when it cannot grow), its size, and what replicas got.
     * Contributed for good when attached (INFO has no removal): a closed agent says so.
     */
    private void info(InfoFields f) {
        f.put("primary_agent_provider", options.provider());
        if (closed || mirror == null) {
            f.put("primary_agent_state", "closed");
            return;
        }
        ServerContext ctx = server.context();
        TableWriter w = mirror.writer();
        String why = mirror.unavailable();
        f.put("primary_agent_state", ctx.replication().isReplica() ? "replica (served once promoted)" : "serving");
        f.put("primary_agent_rdma_port", rdmaPort());
        f.put("primary_agent_table_current", w != null && why == null && mirror.current() ? 1 : 0);
        f.put("primary_agent_table_keys", w == null ? 0 : w.keyCount());
        f.put("primary_agent_table_bytes", w == null ? 0 : w.geometry().tableLength());
        f.put("primary_agent_table_epoch", w == null ? 0 : w.epoch());
        f.put("primary_agent_unavailable", why == null ? "" : why);
        f.put("primary_agent_descriptors_served", descriptorsServed.get());
        f.put("primary_agent_descriptors_declined", declined.get());
        f.put("primary_agent_wrong_secrets", refusals.get());
    }

    // ------------------------------------------------------------------ endpoints

    private void acceptLoop() {
        EndpointOptions opts = EndpointOptions.of(cq).withDepths(1, 1);
        while (!closed) {
            try {
                Endpoint ep = listener.accept(opts, 200, TimeUnit.MILLISECONDS);
                synchronized (endpoints) {
                    endpoints.removeIf(e -> {
                        if (e.state() == EndpointState.ERROR || e.state() == EndpointState.CLOSED) {
                            e.close();
                            return true;
                        }
                        return false;
                    });
                    if (ep != null) {
                        endpoints.add(ep);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RdmaException e) {
                if (!closed) {
                    server.log().warning("rkv primary agent: accepting a replica endpoint failed: " + e.getMessage());
                }
            }
        }
    }

    // ------------------------------------------------------------------ tests and tools

    /** Runs {@code task} with the table on the event loop (tests: provoke torn slots, epochs). */
    public <T> T withTable(TableTask<T> task) throws Exception {
        return server.call(() -> task.run(mirror.writer(), mirror.region()));
    }

    /** A task over the live table. */
    @FunctionalInterface
    public interface TableTask<T> {
        T run(TableWriter writer, MemoryRegion region) throws Exception;
    }

    /** Starts a new epoch now, as growing does (tests). */
    public void rebuildNow() throws Exception {
        server.call(() -> {
            mirror.rebuildNow();
            return null;
        });
    }

    /** Counters for INFO-like reports: table bytes, keys, epoch, grows, failed grows, rebuilds, descriptors, refusals. */
    public Stats stats() throws Exception {
        return server.call(() -> {
            TableWriter w = mirror.writer();
            return new Stats(w == null ? 0 : w.geometry().tableLength(), w == null ? 0 : w.touchedBytes(), w == null ? 0 : w.keyCount(),
                w == null ? 0 : w.epoch(), mirror.grows(), mirror.growFailures(), mirror.rebuilds(), descriptorsServed.get(), refusals.get(),
                mirror.unavailable(), mirror.batchedPending());
        });
    }

    /**
     * A snapshot of the agent's counters.
     *
     * @param batchedCollections big collections whose record waits for more writes before it is rewritten
     */
    public record Stats(long tableBytes, long touchedBytes, long keys, long epoch, long grows, long growFailures, long rebuilds,
                        long descriptorsServed, long refusals, String unavailable, long batchedCollections) {
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        acceptor.interrupt();
        java.util.concurrent.CompletableFuture<Void> detached = new java.util.concurrent.CompletableFuture<>();
        server.eventLoop().execute(() -> {
            try {
                ServerContext ctx = server.context();
                ctx.removeKeyspaceListener(mirror);
                ctx.removePropagationListener(mirror);
                DescriptorCommand.uninstall(ctx.commands(), this);
                if (mirror != null) {
                    mirror.close();
                }
            } finally {
                detached.complete(null);
            }
        });
        try {
            // A stopped server's loop never runs the task: nothing is left to detach from then.
            detached.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            server.log().verbose("rkv primary agent: server loop gone, detached without it");
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (endpoints) {
            endpoints.forEach(Endpoint::close);
            endpoints.clear();
        }
        listener.close();
        cq.close();
        device.close();
    }
}
