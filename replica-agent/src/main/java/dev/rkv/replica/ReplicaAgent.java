package dev.rkv.replica;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.repl.AcceleratedSync;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.table.TableHeader;

import java.io.IOException;

/**
 * The replica's side of the accelerator, the server's {@link AcceleratedSync}: asks the
 * primary for its agent's descriptor, pulls the table with RDMA READ into the keyspace it is
 * given, and returns where the stream continues with the filter for the keys loaded newer
 * than that. An epoch change during a pull starts it over with a new descriptor; a failed
 * sync leaves the server's dataset alone and the next attempt waits longer (backoff).
 *
 * <p>{@link #sync} runs on the server's replication link thread, one at a time.
 */
public final class ReplicaAgent implements AcceleratedSync, AutoCloseable {
    private static final long MAX_BACKOFF_MS = 5_000;

    private final ReplicaAgentOptions options;
    private final PullLimits limits;
    private final RdmaDevice device;
    private volatile TablePuller.Listener testListener = new TablePuller.Listener() { };
    private volatile TableCopyFileOpener tableCopyFiles = TableCopyFileOpener.PLAIN;
    private volatile RkvServer server;
    private volatile int consecutiveFailures;
    private volatile long lastTornReads;
    private volatile int lastRestarts;
    private volatile String lastPhases = "";
    private volatile long completedSyncs;
    /** Bytes the last completed pull stored in its adopted table copy (0: values went onto the heap). */
    private volatile long lastTableCopyBytes;
    private volatile String lastTableCopyMode = "none";
    /** Whether the last completed pull's strings stayed in the table copy, and if not all, why: {@link TablePuller#adoption()}. */
    private volatile String lastAdoption = "none (no pull yet)";

    /** Pulls that completed (the link may still have fallen back afterwards). */
    public long completedSyncs() {
        return completedSyncs;
    }

    /** Milliseconds per phase of the last pull (descriptor, connect, header, bulk, torn+overflow, index). */
    public String lastPhases() {
        return lastPhases;
    }

    public ReplicaAgent(ReplicaAgentOptions options) {
        this.options = options.validate();
        this.limits = new PullLimits(this.options);
        this.device = Providers.open(options.provider());
    }

    /**
     * Creates an agent and registers it with {@code server}: from then on a full sync of a link
     * whose transport is rdma ({@code REPLICAOF host port RDMA}, or {@code repl-sync-transport
     * rdma}) pulls with it. Closing the agent unregisters it.
     */
    public static ReplicaAgent attach(RkvServer server, ReplicaAgentOptions options) {
        ReplicaAgent agent = new ReplicaAgent(options);
        agent.server = server;
        server.context().replication().acceleratedSync(agent);
        return agent;
    }

    public ReplicaAgentOptions options() {
        return options;
    }

    @Override
    public String transportName() {
        return "rdma/" + options.provider();
    }

    /** Tests: hooks between the phases of every pull. */
    public void listener(PullListener l) {
        testListener = new TablePuller.Listener() {
            @Override
            public void header(TableHeader header) {
                l.header(header.epoch(), header.replicationOffset());
            }

            @Override
            public void bulkDone(int tornSlots) {
                l.bulkDone(tornSlots);
            }
        };
    }

    /** Tests: how pulls open their table copy files (one that runs out of space, say). */
    void tableCopyFiles(TableCopyFileOpener opener) {
        tableCopyFiles = opener;
    }

    /** What tests may observe or do between the phases of a pull. */
    public interface PullListener {
        default void header(long epoch, long offset) {
        }

        default void bulkDone(int tornSlots) {
        }
    }

    /** How long the next sync waits before it starts: the backoff after consecutive failed pulls (0 after a success). */
    public long retryDelayMillis() {
        return consecutiveFailures == 0 ? 0 : Math.min(MAX_BACKOFF_MS, 100L << Math.min(consecutiveFailures, 6));
    }

    /**
     * INFO accelerator: the agent's settings and its last pull, notably the memory its strings
     * live in (shared memory, not JVM heap: {@code used_memory} does not count it).
     */
    @Override
    public void info(dev.rkv.kvserver.info.InfoFields f) {
        f.put("replica_agent_provider", options.provider());
        f.put("replica_agent_table_copy_dir", options.tableCopyDirectory() == null ? "none" : options.tableCopyDirectory());
        f.put("replica_agent_completed_syncs", completedSyncs);
        long copy = lastTableCopyBytes;
        f.put("replica_agent_last_pull_table_copy_bytes", copy);
        f.put("replica_agent_last_pull_table_copy_human", dev.rkv.kvserver.info.InfoFields.human(copy));
        f.put("replica_agent_last_pull_adoption", lastAdoption);
        f.put("replica_agent_last_pull_table_copy_mode", lastTableCopyMode);
        f.put("replica_agent_last_pull_torn_reads", lastTornReads);
        f.put("replica_agent_last_pull_restarts", lastRestarts);
        f.put("replica_agent_last_pull_phases_ms", lastPhases.trim().replace("(", "").replace(")", "").replace(' ', ','));
    }

    /** Whether the strings of the last completed pull stayed in its table copy: "complete", "none (why)" or "stopped (why) ...". */
    public String lastAdoption() {
        return lastAdoption;
    }

    /** Slot READs repeated in the last pull because a copy was torn or corrupt. */
    public long lastTornReads() {
        return lastTornReads;
    }

    /** Times the last sync started over on an epoch change. */
    public int lastRestarts() {
        return lastRestarts;
    }

    @Override
    public Result sync(Request request, Keyspace into, ProgressSink progress) throws IOException, InterruptedException {
        long backoff = retryDelayMillis();
        if (backoff > 0) {
            Thread.sleep(backoff);
        }
        try {
            Result r = syncOnce(request, into, progress);
            consecutiveFailures = 0;
            completedSyncs++;
            return r;
        } catch (Unavailable e) {
            throw e;
        } catch (IOException | RdmaException e) {
            consecutiveFailures++;
            into.flushAll();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // Whatever a broken primary's bytes provoke, the link thread must get an IOException it retries after,
            // never an exception that ends it: the half-pulled dataset goes, the server's own stays.
            consecutiveFailures++;
            into.flushAll();
            throw new IOException("the pull failed on unexpected input (" + e + "); this is a bug, please report it", e);
        }
    }

    private Result syncOnce(Request request, Keyspace into, ProgressSink progress) throws IOException, InterruptedException {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, options.stallMillis());
        lastRestarts = 0;
        for (int restart = 0; ; restart++) {
            long t0 = System.nanoTime();
            Descriptor d = DescriptorClient.fetch(request, timeoutMs);
            long descriptorMs = (System.nanoTime() - t0) / 1_000_000;
            limits.checkRegion(d);
            if (!d.provider().equals(options.provider())) {
                throw new Unavailable("primary agent uses provider " + d.provider() + ", this replica " + options.provider());
            }
            progress.total(d.region().length());
            DatasetLoader loader = new DatasetLoader(into, d.offset());
            TablePuller.Listener hooks = testListener;
            TablePuller.Listener listener = new TablePuller.Listener() {
                @Override
                public void planned(long bytes) {
                    // What the bulk phase will READ: the classes up to their written bounds, not the whole region.
                    progress.total(bytes);
                }

                @Override
                public void header(TableHeader header) {
                    hooks.header(header);
                }

                @Override
                public void pulled(long bytes) {
                    progress.pulled(bytes);
                }

                @Override
                public void loaded(long keys) {
                    progress.loaded(keys);
                }

                @Override
                public void bulkDone(int tornSlots) {
                    hooks.bulkDone(tornSlots);
                }
            };
            try (TablePuller puller = new TablePuller(device, d, options, tableCopyFiles)) {
                TableHeader start;
                try {
                    start = pullFrom(puller, loader, listener);
                } finally {
                    lastTornReads = puller.tornReads();
                    lastPhases = "descriptor=" + descriptorMs + " " + puller.phases();
                }
                LsnFilter filter = loader.filter();
                if (!start.replid().equals(d.replid())) {
                    throw new TablePuller.EpochChanged("replication id changed from " + d.replid() + " to " + start.replid());
                }
                // The descriptor's offset, not the header's: the table held every write up to it
                // before the pull began, and the stream's database there is known.
                lastTableCopyBytes = puller.adoptedBytes();
                lastAdoption = puller.adoption();
                lastTableCopyMode = puller.tableCopyMode();
                return new Result(d.replid(), d.offset(), d.streamDb(), filter, into.totalKeys(), puller.bytesPulled());
            } catch (TablePuller.AccessRefused e) {
                // Either this replica holds a wrong key, or the primary moved to a new region meanwhile.
                Descriptor now = DescriptorClient.fetch(request, timeoutMs);
                if (now.epoch() == d.epoch() && now.region().equals(d.region())) {
                    throw e;
                }
                loader.reset();
                lastRestarts = restart + 1;
                if (restart >= options.maxRestarts()) {
                    throw new IOException("table changed epoch " + (restart + 1) + " times during the pull: " + e.getMessage(), e);
                }
            } catch (TablePuller.EpochChanged e) {
                loader.reset();
                lastRestarts = restart + 1;
                if (restart >= options.maxRestarts()) {
                    throw new IOException("table changed epoch " + (restart + 1) + " times during the pull: " + e.getMessage(), e);
                }
            }
        }
    }

    private static TableHeader pullFrom(TablePuller puller, DatasetLoader loader, TablePuller.Listener listener)
        throws IOException, InterruptedException {
        return puller.pull(loader, listener);
    }

    /**
     * READs a primary's whole table once without decoding it, as a sync would (same
     * endpoints, READ size and outstanding READs): the provider's raw READ time for the bytes
     * a sync pulls. For benchmarks.
     */
    public RawRead rawRead(Request request) throws IOException, InterruptedException {
        Descriptor d = DescriptorClient.fetch(request, (int) options.stallMillis());
        limits.checkRegion(d);
        try (TablePuller puller = new TablePuller(device, d, options)) {
            long t0 = System.nanoTime();
            long bytes = puller.rawPull();
            return new RawRead(bytes, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Bytes of one raw READ pass and its seconds. */
    public record RawRead(long bytes, double seconds) {
    }

    @Override
    public void close() {
        RkvServer s = server;
        if (s != null) {
            s.context().replication().acceleratedSync(null);
        }
        device.close();
    }
}
