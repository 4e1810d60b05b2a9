package dev.rkv.cli;

import dev.rkv.experiments.ProgressBar;
import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.repl.AcceleratedSync;
import dev.rkv.kvserver.store.DatasetDigest;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import dev.rkv.replica.ReplicaAgent;
import dev.rkv.replica.ReplicaAgentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code rkv demo}: the accelerator in one command. Starts a primary with an agent, loads a
 * dataset, starts replicas with agents, has them all sync over RDMA at once with a progress
 * bar, checks that every replica equals the primary, and prints the times.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start a primary with an agent, load KEYS keys of VALUE_SIZE bytes, start REPLICAS replicas, sync them all "
        + "at once with RDMA READ (REPLICAOF host port RDMA), verify each equals the primary, and print the times.",
        "With --types, the keys are dealt round robin to the types named. A string holds VALUE_SIZE bytes; a collection holds "
        + "elements of ELEMENT_SIZE bytes, about VALUE_SIZE bytes per key on average: most have 1 to VALUE_SIZE/ELEMENT_SIZE "
        + "elements (listpack-sized with the defaults), one in 500 of each type has 250 times that average, at most "
        + "1,000,000 (15,500 elements with the defaults).",
        "A replica whose primary agent cannot serve the data over RDMA (its table is off) syncs with the classic sync, "
        + "and the demo says so (sync=classic).",
        "Ends with: RESULT provider=... replicas=... keys=... types=string:N,... bytes=... sync_s=... sync=rdma|classic|mixed "
        + "verified=yes|no"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keys", defaultValue = "100000", description = "Keys to load (key:000000000000 ..., hash:000000000001 ... "
        + "with --types), 1 to 100,000,000. Default: ${DEFAULT-VALUE}.")
    long keys;

    @Option(names = "--value-size", defaultValue = "1000", description = "Bytes per string value, and the average bytes per "
        + "collection key, 1 to 1,000,000. Default: ${DEFAULT-VALUE}.")
    int valueSize;

    @Option(names = "--types", split = ",", defaultValue = "string", description = "Types to load, comma-separated: string, hash, "
        + "list, set, zset. Default: ${DEFAULT-VALUE}.")
    List<String> types;

    @Option(names = "--element-size", defaultValue = "16", description = "Bytes per collection element (list element, set or "
        + "sorted set member, hash field value; an element is at least as long as its number), 1 to 1,000,000. "
        + "Default: ${DEFAULT-VALUE}.")
    int elementSize;

    @Option(names = "--replicas", defaultValue = "1", description = "Replicas to sync at once, 1 to 8. Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(names = "--provider", defaultValue = "soft", description = "RDMA provider: soft or shm (disni needs an RDMA NIC). Default: ${DEFAULT-VALUE}.")
    String provider;

    @Option(names = "--endpoints", defaultValue = "2", description = "Endpoints per replica. Default: ${DEFAULT-VALUE}.")
    int endpoints;

    @Option(names = "--read-size", defaultValue = "1048576", description = "Bytes per READ. Default: ${DEFAULT-VALUE}.")
    int readSize;

    @Option(names = "--outstanding", defaultValue = "8", description = "READs outstanding per endpoint. Default: ${DEFAULT-VALUE}.")
    int outstanding;

    // Picocli sets a boolean to the opposite of its default when its declared name appears, so an option
    // that is on by default is declared by its negative name (declared as --measure with default true,
    // --no-measure measured and --measure did not). --measure is the generated negated form.
    @Option(names = "--no-measure", negatable = true,
        description = "Also measure the primary's read p99 (GET, or each type's read) idle and during the sync, the provider's raw READ time for the table, and memory. Default: on.")
    boolean measure = true;

    @Override
    public Integer call() throws Exception {
        ReplicaAgentOptions replicaOptions;
        DemoDataset data;
        try {
            check("--keys", keys, 1, 100_000_000);
            check("--value-size", valueSize, 1, 1_000_000);
            check("--element-size", elementSize, 1, 1_000_000);
            data = new DemoDataset(keys, valueSize, elementSize, DemoDataset.parseTypes(types));
            check("--replicas", replicas, 1, 8);
            if (!provider.equals("soft") && !provider.equals("shm") && !provider.equals("disni")) {
                throw new IllegalArgumentException("--provider must be soft, shm or disni, was '" + provider + "'");
            }
            String problem = ServerArgs.providerProblem(provider);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            replicaOptions = new ReplicaAgentOptions(provider, endpoints, readSize, outstanding, 1000, 10_000, 5).validate();
        } catch (IllegalArgumentException e) {
            System.err.println("rkv demo: " + e.getMessage());
            return 2;
        }
        // Every server runs in a private directory: a dump.rdb in the user's working directory must not be
        // loaded into the primary or the replicas (it would be measured and "verified" as the demo's data).
        ScratchDirectory scratch = ScratchDirectory.create("rkv-demo-");
        List<AutoCloseable> started = new CopyOnWriteArrayList<>();
        // Ctrl-C or SIGTERM: the JVM runs hooks, not finally blocks, so the hook releases what the run holds.
        Thread onSignal = new Thread(() -> release(started, scratch), "rkv-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            RkvServer primary = start(started, scratch.sub("primary"), "--repl-backlog-size", "256mb");
            PrimaryAgent agent = PrimaryAgent.attach(primary, PrimaryAgentOptions.defaults().withProvider(provider)
                .withExpected(keys, valueSize));
            started.add(agent);
            step("primary on port " + primary.port() + ", agent on " + provider + " endpoint 127.0.0.1:" + agent.rdmaPort());

            long t0 = System.nanoTime();
            String loaded = load(data, primary.port());
            double loadS = seconds(t0);
            PrimaryAgent.Stats stats = agent.stats();
            step(String.format(Locale.ROOT, "loaded %s in %.2f s; table %s, epoch %d", loaded, loadS,
                ProgressBar.mb(stats.tableBytes()), stats.epoch()));
            if (stats.unavailable() != null) {
                step("the primary agent's table is off (" + stats.unavailable() + "): replicas will fall back to the classic sync");
            }
            long heap = measure ? usedHeapAfterGc() : -1;

            List<RkvServer> reps = new ArrayList<>();
            List<ReplicaAgent> replicaAgents = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                RkvServer r = start(started, scratch.sub("replica-" + (i + 1)));
                ReplicaAgent ra = ReplicaAgent.attach(r, replicaOptions);
                started.add(ra);
                replicaAgents.add(ra);
                reps.add(r);
            }
            step(replicas + " replica(s) started with " + provider + " agents");

            LatencyProbe idle = null;
            if (measure) {
                idle = LatencyProbe.run(primary.port(), data, 1_500);
                step(String.format(Locale.ROOT, "primary %s latency idle: p50 %.3f ms, p99 %.3f ms (%d reads)", data.readCommands(),
                    idle.p50(), idle.p99(), idle.count()));
            }
            LatencyProbe.Background during = measure ? LatencyProbe.start(primary.port(), data) : null;
            long s0 = System.nanoTime();
            for (RkvServer r : reps) {
                try (Jedis j = new Jedis("127.0.0.1", r.port(), 10_000)) {
                    j.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(primary.port()), "RDMA");
                }
            }
            double[] perReplica = follow(reps, s0);
            double syncS = seconds(s0);
            LatencyProbe sync = during == null ? null : during.stop();
            long bytes = Long.parseLong(infoOf(reps.get(0)).getOrDefault("master_last_sync_bytes", "0"));
            String transport = infoOf(reps.get(0)).getOrDefault("master_last_sync_transport", "?");
            List<String> transports = new ArrayList<>();
            for (RkvServer r : reps) {
                transports.add(infoOf(r).getOrDefault("master_last_sync_transport", "?"));
            }

            for (ReplicaAgent ra : replicaAgents) {
                if (!ra.lastPhases().isEmpty()) {
                    step("pull phases (ms): " + ra.lastPhases());
                }
            }
            boolean verified = true;
            long now = System.currentTimeMillis();
            String expected = primary.call(() -> DatasetDigest.of(primary.context().keyspace(), now));
            Map<String, Long> expectedCounts = data.expectedCounts();
            Map<String, Long> primaryCounts = primary.call(() -> KeyTypeCounts.of(primary.context().keyspace(), now));
            if (!primaryCounts.equals(expectedCounts)) {
                verified = false;
                step("the primary holds " + primaryCounts + ", the demo loaded " + expectedCounts);
            }
            for (int i = 0; i < reps.size(); i++) {
                RkvServer r = reps.get(i);
                String got = r.call(() -> DatasetDigest.of(r.context().keyspace(), now));
                long n = r.call(() -> r.context().keyspace().totalKeys());
                Map<String, Long> counts = r.call(() -> KeyTypeCounts.of(r.context().keyspace(), now));
                boolean same = expected.equals(got) && n == keys && counts.equals(expectedCounts);
                verified &= same;
                step(String.format(Locale.ROOT, "replica %d (port %d): %,d keys%s, digest %s, synced over %s in %.3f s", i + 1, r.port(), n,
                    data.stringsOnly() ? "" : " " + counts, same ? "equals the primary's" : "DIFFERS", transports.get(i), perReplica[i]));
            }
            String syncPath = syncPath(transports);
            if (!syncPath.equals("rdma")) {
                String off = agent.stats().unavailable();
                // The classic sync's time includes its wait for more replicas (repl-diskless-sync-delay, 5 s by
                // default): say so, or the figure reads as transfer time.
                step("not every replica synced over RDMA (" + String.join(", ", transports) + "): sync=" + syncPath
                    + (off == null ? "" : "; the primary agent's table is off: " + off)
                    + "; a classic sync's time includes repl-diskless-sync-delay");
            }
            if (sync != null) {
                step(String.format(Locale.ROOT, "primary %s latency during the sync: p50 %.3f ms, p99 %.3f ms (%d reads)",
                    data.readCommands(), sync.p50(), sync.p99(), sync.count()));
            }
            String extra = "";
            if (measure && agent.stats().unavailable() != null) {
                // There is no table to READ: a raw figure would be of nothing.
                step("no raw READ of the table: the primary agent's table is off");
                extra = String.format(Locale.ROOT, " raw_read_s=-1 p99_idle_ms=%.3f p99_sync_ms=%.3f primary_heap_bytes=%d table_bytes=0",
                    idle.p99(), sync == null ? -1 : sync.p99(), heap);
            } else if (measure) {
                try (ReplicaAgent raw = new ReplicaAgent(replicaOptions)) {
                    ReplicaAgent.RawRead rr = raw.rawRead(new AcceleratedSync.Request("127.0.0.1", primary.port(), "", "", 16));
                    step(String.format(Locale.ROOT, "raw %s READ of the same table: %s in %.3f s (%.2f GB/s)", provider,
                        ProgressBar.mb(rr.bytes()), rr.seconds(), rr.bytes() / rr.seconds() / 1e9));
                    extra = String.format(Locale.ROOT, " raw_read_s=%.3f p99_idle_ms=%.3f p99_sync_ms=%.3f primary_heap_bytes=%d table_bytes=%d",
                        rr.seconds(), idle.p99(), sync == null ? -1 : sync.p99(), heap, stats.tableBytes());
                }
            }
            System.out.println(String.format(Locale.ROOT, "DETAIL transport=%s load_s=%.2f per_replica_s=%s%s", transport, loadS,
                Arrays.toString(perReplica).replace(" ", ""), extra));
            System.out.println(String.format(Locale.ROOT,
                "RESULT provider=%s replicas=%d keys=%d types=%s bytes=%d sync_s=%.3f sync=%s verified=%s",
                provider, replicas, keys, data.countsField(), bytes, syncS, syncPath, verified ? "yes" : "no"));
            return verified ? 0 : 1;
        } finally {
            if (removeHook(onSignal)) {
                release(started, scratch);
            }
        }
    }

    /** "rdma" when every replica pulled over RDMA, "classic" when none did, "mixed" otherwise. */
    static String syncPath(List<String> transports) {
        long rdma = transports.stream().filter(t -> t.startsWith("rdma")).count();
        return rdma == transports.size() ? "rdma" : rdma == 0 ? "classic" : "mixed";
    }

    /** False when the JVM is already shutting down: the hook is then the one releasing everything. */
    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** Closes agents and servers, last started first (an agent before its server), then deletes the directory. */
    private static void release(List<AutoCloseable> started, ScratchDirectory scratch) {
        List<AutoCloseable> order = new ArrayList<>(started);
        Collections.reverse(order);
        for (AutoCloseable c : order) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("rkv demo: closing " + c.getClass().getSimpleName() + " failed: " + e);
            }
        }
        try {
            scratch.close();
        } catch (IOException e) {
            System.err.println("rkv demo: could not delete " + scratch.path() + ": " + e);
        }
    }

    private static void check(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + v);
        }
    }

    private static RkvServer start(List<AutoCloseable> started, Path dir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--dir", dir.toString(), "--save", "", "--loglevel", "warning"));
        args.addAll(List.of(extra));
        ServerConfig config = new ServerConfig();
        config.applyArgs(args);
        RkvServer s = new RkvServer(config);
        started.add(s);
        return s.start();
    }

    /** Loads the dataset pipelined; returns what was loaded, in words, for the summary. */
    private static String load(DemoDataset data, int port) {
        ProgressBar bar = new ProgressBar(System.err, "load");
        long elements = 0;
        long large = 0;
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            Pipeline p = j.pipelined();
            long pending = 0;
            for (long i = 0; i < data.keys(); i++) {
                pending += data.write(p, i);
                if (data.typeOf(i) != DemoDataset.Type.STRING) {
                    elements += data.elementsOf(i);
                    large += data.isLarge(i) ? 1 : 0;
                }
                if (pending >= DemoDataset.syncEveryBytes()) {
                    p.sync();
                    pending = 0;
                }
                if ((i + 1) % 50_000 == 0) {
                    bar.update((double) (i + 1) / data.keys(), String.format(Locale.ROOT, "%,d keys", i + 1));
                }
            }
            p.sync();
        }
        bar.done(String.format(Locale.ROOT, "%,d keys", data.keys()));
        if (data.stringsOnly()) {
            return String.format(Locale.ROOT, "%,d keys x %,d bytes", data.keys(), data.valueSize());
        }
        return String.format(Locale.ROOT, "%,d keys (%s), %,d collection elements of %,d bytes, %,d large collections",
            data.keys(), data.countsField().replace(",", ", ").replace(":", " "), elements, data.elementSize(), large);
    }

    /** Shows the replicas' progress until every link is up; returns each replica's seconds from {@code s0}. */
    private double[] follow(List<RkvServer> reps, long s0) throws Exception {
        ProgressBar bar = new ProgressBar(System.err, "sync");
        double[] done = new double[reps.size()];
        Arrays.fill(done, -1);
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            long read = 0;
            long total = 0;
            long loaded = 0;
            int up = 0;
            for (int i = 0; i < reps.size(); i++) {
                Map<String, String> info = infoOf(reps.get(i));
                boolean linkUp = "up".equals(info.get("master_link_status")) && "0".equals(info.get("master_sync_in_progress"));
                if (linkUp) {
                    if (done[i] < 0) {
                        done[i] = seconds(s0);
                    }
                    up++;
                    long b = Long.parseLong(info.getOrDefault("master_last_sync_bytes", "0"));
                    read += b;
                    total += b;
                    loaded += Long.parseLong(info.getOrDefault("master_last_sync_keys", "0"));
                } else {
                    read += Long.parseLong(info.getOrDefault("master_sync_read_bytes", "0"));
                    total += Math.max(0, Long.parseLong(info.getOrDefault("master_sync_total_bytes", "0")));
                    loaded += Long.parseLong(info.getOrDefault("master_sync_keys_loaded", "0"));
                }
            }
            if (up == reps.size()) {
                bar.done(String.format(Locale.ROOT, "%s pulled, %,d keys loaded, %d/%d replicas up", ProgressBar.mb(read), loaded, up,
                    reps.size()));
                return done;
            }
            bar.update(total > 0 ? (double) read / total : 0, String.format(Locale.ROOT, "%s / %s, %,d keys, %d/%d replicas up",
                ProgressBar.mb(read), ProgressBar.mb(total), loaded, up, reps.size()));
            Thread.sleep(20);
        }
        throw new IllegalStateException("replicas did not sync within 600 s");
    }

    private static Map<String, String> infoOf(RkvServer r) throws Exception {
        return ReplicaofCommand.info(r.call(() -> r.context().replication().infoSection()));
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void step(String s) {
        System.out.println("* " + s);
    }

    /** Read latencies against the primary: one connection, random existing keys. */
    record LatencyProbe(double p50, double p99, int count) {
        static LatencyProbe run(int port, DemoDataset data, long millis) {
            Background b = start(port, data);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return b.stop();
        }

        static Background start(int port, DemoDataset data) {
            Background b = new Background(port, data);
            b.thread.start();
            return b;
        }

        static LatencyProbe of(long[] nanos, int n) {
            if (n == 0) {
                return new LatencyProbe(-1, -1, 0);
            }
            long[] s = Arrays.copyOf(nanos, n);
            Arrays.sort(s);
            return new LatencyProbe(s[(int) (n * 0.50)] / 1e6, s[Math.min(n - 1, (int) (n * 0.99))] / 1e6, n);
        }

        /** A thread issuing reads of random keys back to back, each with its type's read command, until stopped. */
        static final class Background {
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread thread;
            long[] samples = new long[1 << 16];
            int n;

            Background(int port, DemoDataset data) {
                thread = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(42);
                    try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
                        while (!stop.get()) {
                            DemoDataset.Command read = data.read(rnd.nextLong(data.keys()));
                            long t = System.nanoTime();
                            j.sendCommand(read.name(), read.args());
                            long d = System.nanoTime() - t;
                            if (n == samples.length) {
                                samples = Arrays.copyOf(samples, n * 2);
                            }
                            samples[n++] = d;
                        }
                    }
                }, "rkv-demo-latency");
                thread.setDaemon(true);
            }

            LatencyProbe stop() {
                stop.set(true);
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return of(samples, n);
            }
        }
    }
}
