package dev.rkv.experiments.syncstudy;

import dev.rkv.experiments.ProgressBar;
import dev.rkv.experiments.rdma.RdmaBench;
import dev.rkv.experiments.syncstudy.Topology.Link;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sync-time study: for each system, a master in its namespace loaded with {@code 937,000 x
 * scale} keys of 1,000 bytes (937 MB at scale 1), then for each link and each slave count, fresh
 * slaves in their namespaces told REPLICAOF at once, timed until every one is up with every key,
 * with the master's CPU seconds over that window from /proc. Then the Table 2-1 figures: iperf3
 * across each link, fio on the work directory's disk, raw READ bandwidth of soft and shm.
 */
public final class SyncStudy {
    public static final long FULL_KEYS = 937_000;
    public static final int VALUE_SIZE = 1000;
    static final int PORT = 6379;
    static final String PASSWORD = "rkv-study";

    /** A system under test: how its master and slaves run and which REPLICAOF the slaves get. */
    public enum SystemKind {
        REDIS_DISK("redis-disk", "redis-server 7.0, disk sync"),
        REDIS_DISKLESS("redis-diskless", "redis-server 7.0, diskless sync"),
        RKV_DISK("rkv-disk", "rkv classic sync, disk"),
        RKV_DISKLESS("rkv-diskless", "rkv classic sync, diskless"),
        RKV_SOFT("rkv-soft", "rkv RDMA READ sync, soft provider (TCP) through the link"),
        RKV_SHM("rkv-shm", "rkv RDMA READ sync, shm provider (same host memory, no link)");

        public final String label;
        public final String description;

        SystemKind(String label, String description) {
            this.label = label;
            this.description = description;
        }

        boolean redis() {
            return this == REDIS_DISK || this == REDIS_DISKLESS;
        }

        boolean rdma() {
            return this == RKV_SOFT || this == RKV_SHM;
        }

        boolean disk() {
            return this == REDIS_DISK || this == RKV_DISK;
        }

        /** shm does not cross the link: one measurement per slave count, shown for every link. */
        boolean linkIndependent() {
            return this == RKV_SHM;
        }

        public static SystemKind parse(String s) {
            for (SystemKind k : values()) {
                if (k.label.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown system '" + s + "' (" + String.join(", ", Arrays.stream(values())
                .map(k -> k.label).toList()) + ")");
        }
    }

    public record Options(double scale, List<Link> links, List<Integer> replicas, List<SystemKind> systems, Path out,
                          String classpath, boolean keepWork) {
        public long keys() {
            return Math.max(100, Math.round(FULL_KEYS * scale));
        }

        public long bytes() {
            return keys() * VALUE_SIZE;
        }

        public int maxReplicas() {
            return replicas.stream().mapToInt(Integer::intValue).max().orElse(1);
        }
    }

    /** One measured cell; seconds/cpu are NaN when it failed, with the reason in note. */
    public record Cell(SystemKind system, Link link, int replicas, double seconds, double masterCpu, String transport, String note) {
        public boolean ok() {
            return !Double.isNaN(seconds);
        }
    }

    /** Table 2-1: each figure in MB/s, or NaN with the reason. */
    public record Bandwidth(String what, double mbps, String note) {
    }

    public record Results(Options options, List<Cell> cells, List<Bandwidth> bandwidths, Map<String, String> machine,
                          double elapsedSeconds) {
        public Cell cell(SystemKind s, Link l, int n) {
            for (Cell c : cells) {
                if (c.system == s && c.replicas == n && (c.link == l || s.linkIndependent())) {
                    return c;
                }
            }
            return null;
        }
    }

    private final Options o;
    private final PrintStream log;
    private final Path work;
    private final long clockTicks = 100;
    private Topology net;

    public SyncStudy(Options o, PrintStream log) throws IOException {
        this.o = o;
        this.log = log;
        this.work = Files.createTempDirectory("rkv-sync-study-");
    }

    public Results run() throws Exception {
        long t0 = System.nanoTime();
        List<Cell> cells = new ArrayList<>();
        List<Bandwidth> bw = new ArrayList<>();
        try (Topology t = Topology.create(o.maxReplicas())) {
            net = t;
            log.printf(Locale.ROOT, "sync-study: %,d keys x %d B = %s per sync, links %s, slaves %s, systems %s%n", o.keys(), VALUE_SIZE,
                ProgressBar.mb(o.bytes()), o.links().stream().map(Link::label).toList(), o.replicas(),
                o.systems().stream().map(k -> k.label).toList());
            for (SystemKind s : o.systems()) {
                cells.addAll(runSystem(s));
            }
            bw.addAll(linkBandwidths());
        } finally {
            net = null;
            if (!o.keepWork()) {
                deleteTree(work);
            } else {
                log.println("sync-study: work directory kept: " + work);
            }
        }
        bw.add(diskBandwidth());
        bw.addAll(readBandwidths());
        return new Results(o, cells, bw, machine(), (System.nanoTime() - t0) / 1e9);
    }

    // ------------------------------------------------------------------ one system

    private List<Cell> runSystem(SystemKind s) throws Exception {
        List<Cell> cells = new ArrayList<>();
        Path dir = Files.createDirectories(work.resolve(s.label + "-master"));
        net.shape(Link.FAST);
        Process master;
        try {
            master = net.start(Topology.MASTER_NS, masterCommand(s, dir), dir.resolve("server.log"));
            awaitPing(Topology.MASTER_IP, master, dir.resolve("server.log"));
            load(s);
        } catch (Exception e) {
            String why = "master did not start or load: " + e.getMessage();
            log.println("sync-study: " + s.label + ": " + why);
            for (Link l : s.linkIndependent() ? List.of(Link.FAST) : o.links()) {
                for (int n : o.replicas()) {
                    cells.add(new Cell(s, l, n, Double.NaN, Double.NaN, "", why));
                }
            }
            return cells;
        }
        try {
            for (Link l : s.linkIndependent() ? List.of(Link.FAST) : o.links()) {
                net.shape(l);
                for (int n : o.replicas()) {
                    cells.add(measure(s, l, n, master));
                }
            }
        } finally {
            net.stop(master);
        }
        return cells;
    }

    private List<String> masterCommand(SystemKind s, Path dir) {
        List<String> c = new ArrayList<>();
        if (s.redis()) {
            c.addAll(List.of("redis-server", "--bind", Topology.MASTER_IP, "127.0.0.1", "--port", "" + PORT, "--protected-mode", "no",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--rdbcompression", "no", "--repl-diskless-sync",
                s.disk() ? "no" : "yes", "--repl-diskless-sync-delay", "0", "--daemonize", "no", "--loglevel", "warning"));
            return c;
        }
        c.addAll(java(heapMb(4.0)));
        if (s.rdma()) {
            c.addAll(List.of("primary-agent", "--provider", s == SystemKind.RKV_SOFT ? "soft" : "shm", "--agent-bind", Topology.MASTER_IP,
                "--expected-keys", "" + o.keys(), "--expected-value-size", "" + VALUE_SIZE, "--headroom", "1.0"));
        } else {
            c.add("server");
        }
        c.addAll(List.of("--bind", Topology.MASTER_IP, "--port", "" + PORT, "--protected-mode", "no", "--save", "", "--dir",
            dir.toString(), "--repl-diskless-sync", s.disk() ? "no" : "yes", "--repl-diskless-sync-delay", "0",
            "--repl-backlog-size", "64mb", "--loglevel", "warning"));
        return c;
    }

    private List<String> slaveCommand(SystemKind s, int i, Path dir) {
        List<String> c = new ArrayList<>();
        String ip = Topology.slaveIp(i);
        if (s.redis()) {
            c.addAll(List.of("redis-server", "--bind", ip, "--port", "" + PORT, "--protected-mode", "no", "--save", "", "--appendonly",
                "no", "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning"));
            return c;
        }
        c.addAll(java(heapMb(3.5)));
        if (s.rdma()) {
            c.addAll(List.of("replica-agent", "--provider", s == SystemKind.RKV_SOFT ? "soft" : "shm"));
        } else {
            c.add("server");
        }
        c.addAll(List.of("--bind", ip, "--port", "" + PORT, "--protected-mode", "no", "--save", "", "--dir", dir.toString(),
            "--loglevel", "warning"));
        return c;
    }

    private int heapMb(double perDataByte) {
        return (int) Math.max(384, Math.ceil(o.bytes() * perDataByte / 1e6));
    }

    private List<String> java(int heapMb) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m",
            "-XX:+UseParallelGC", "-XX:ParallelGCThreads=2", "-Djava.io.tmpdir=" + work, "-cp", o.classpath(), "dev.rkv.cli.Main");
    }

    private void load(SystemKind s) {
        ProgressBar bar = new ProgressBar(log, "load " + s.label);
        byte[] block = new byte[VALUE_SIZE + 64];
        SplittableRandom rnd = new SplittableRandom(937);
        byte[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < block.length; i++) {
            block[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        long keys = o.keys();
        try (Jedis j = new Jedis(Topology.MASTER_IP, PORT, 120_000)) {
            Pipeline p = j.pipelined();
            for (long i = 0; i < keys; i++) {
                int off = (int) (i % 64);
                p.set(String.format(Locale.ROOT, "key:%012d", i).getBytes(StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(block, off, off + VALUE_SIZE));
                if ((i + 1) % 2000 == 0) {
                    p.sync();
                    bar.update((double) (i + 1) / keys, String.format(Locale.ROOT, "%,d keys", i + 1));
                }
            }
            p.sync();
            long got = j.dbSize();
            if (got != keys) {
                throw new IllegalStateException("master holds " + got + " keys, expected " + keys);
            }
        }
        bar.done(String.format(Locale.ROOT, "%,d keys", keys));
    }

    // ------------------------------------------------------------------ one cell

    private Cell measure(SystemKind s, Link l, int n, Process master) throws Exception {
        String name = s.label + " " + (s.linkIndependent() ? "no link" : l.label()) + " x" + n;
        List<Process> slaves = new ArrayList<>();
        try {
            for (int i = 1; i <= n; i++) {
                Path dir = Files.createDirectories(work.resolve(s.label + "-" + l.label() + "-" + n + "-" + i));
                Files.deleteIfExists(dir.resolve("server.log"));
                Process p = net.start(Topology.slaveNs(i), slaveCommand(s, i, dir), dir.resolve("server.log"));
                slaves.add(p);
                awaitPing(Topology.slaveIp(i), p, dir.resolve("server.log"));
            }
            double cpu0 = cpuSeconds(master.pid());
            long t0 = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                try (Jedis j = new Jedis(Topology.slaveIp(i), PORT, 10_000)) {
                    if (s.redis()) {
                        j.replicaof(Topology.MASTER_IP, PORT);
                    } else {
                        j.sendCommand(Protocol.Command.REPLICAOF, Topology.MASTER_IP, "" + PORT, s.rdma() ? "RDMA" : "TCP");
                    }
                }
            }
            double expected = o.bytes() * (double) n / (l.rate == null || s.linkIndependent() ? 200e6 : rateBytes(l, n));
            double seconds = follow(name, n, t0, slaves, 120 + 5 * expected);
            settle(s);
            double cpu = cpuSeconds(master.pid()) - cpu0;
            String transport = info(Topology.slaveIp(1), "replication").getOrDefault("master_last_sync_transport", s.redis() ? "tcp" : "?");
            log.printf(Locale.ROOT, "sync-study: %s: %.3f s, master CPU %.2f s%s%n", name, seconds, cpu,
                s.redis() ? "" : ", transport " + transport);
            String note = s.rdma() && !transport.startsWith("rdma") ? "fell back to " + transport : "";
            return new Cell(s, l, n, seconds, cpu, transport, note);
        } catch (Exception e) {
            log.println("sync-study: " + name + ": FAILED: " + e.getMessage());
            return new Cell(s, l, n, Double.NaN, Double.NaN, "", e.getMessage());
        } finally {
            for (Process p : slaves) {
                net.stop(p);
            }
        }
    }

    private static double rateBytes(Link l, int n) {
        double bits = switch (l) {
            case ROUTER -> 100e6 / n;
            case DIRECT -> 1e9 / n;
            case ROCE -> 1.5e9 / n;
            case FAST -> 1e10;
        };
        return bits / 8 * n;
    }

    /** Polls the slaves until each is up with every key; returns seconds since t0. */
    private double follow(String name, int n, long t0, List<Process> slaves, double timeoutSeconds) throws Exception {
        ProgressBar bar = new ProgressBar(log, name);
        List<Jedis> js = new ArrayList<>();
        try {
            for (int i = 1; i <= n; i++) {
                js.add(new Jedis(Topology.slaveIp(i), PORT, 30_000));
            }
            while (true) {
                double elapsed = (System.nanoTime() - t0) / 1e9;
                if (elapsed > timeoutSeconds) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "not synced within %.0f s", timeoutSeconds));
                }
                int up = 0;
                long read = 0;
                for (int i = 0; i < n; i++) {
                    if (!slaves.get(i).isAlive()) {
                        throw new IllegalStateException("slave " + (i + 1) + " exited with " + slaves.get(i).exitValue());
                    }
                    Map<String, String> info = parse(js.get(i).info("replication"));
                    if ("up".equals(info.get("master_link_status")) && "0".equals(info.getOrDefault("master_sync_in_progress", "0"))
                        && js.get(i).dbSize() == o.keys()) {
                        up++;
                        read += o.bytes();
                    } else {
                        read += Math.max(0, num(info.get("master_sync_read_bytes")));
                    }
                }
                if (up == n) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    bar.done(String.format(Locale.ROOT, "%.3f s", s));
                    return s;
                }
                bar.update(read / (double) (o.bytes() * n), String.format(Locale.ROOT, "%s, %d/%d up, %.1f s", ProgressBar.mb(read), up, n,
                    elapsed));
                Thread.sleep(10);
            }
        } finally {
            js.forEach(Jedis::close);
        }
    }

    /** Waits until the master's snapshot child (redis) or thread (rkv) is done, so its CPU is counted. */
    private void settle(SystemKind s) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<String, String> p = info(Topology.MASTER_IP, "persistence");
            if ("0".equals(p.getOrDefault("rdb_bgsave_in_progress", "0"))) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(s.redis() ? 250 : 50); // redis reaps its child in serverCron (hz 10)
    }

    /** utime + stime + cutime + cstime of a process, in seconds (children: redis's fork). */
    double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return ticks / (double) clockTicks;
    }

    private void awaitPing(String ip, Process p, Path logFile) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(ip + " exited: " + tail(logFile));
            }
            try (Jedis j = new Jedis(ip, PORT, 2000)) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(ip + " did not answer PING in 60 s: " + (last == null ? "" : last.getMessage()) + " " + tail(logFile));
    }

    private static String tail(Path f) {
        try {
            List<String> lines = Files.readAllLines(f);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static Map<String, String> info(String ip, String section) {
        try (Jedis j = new Jedis(ip, PORT, 10_000)) {
            return parse(j.info(section));
        }
    }

    static Map<String, String> parse(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        return m;
    }

    private static long num(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ Table 2-1

    private List<Bandwidth> linkBandwidths() throws IOException {
        List<Bandwidth> out = new ArrayList<>();
        boolean have = Topology.which("iperf3") != null;
        for (Link l : o.links()) {
            String what = "iperf3 " + l.label() + " (master -> slave 1)";
            if (!have) {
                out.add(new Bandwidth(what, Double.NaN, "iperf3 not installed (apt-get install -y iperf3)"));
                continue;
            }
            net.shape(l);
            Path logFile = work.resolve("iperf3-server-" + l.label() + ".log");
            Process server = net.start(Topology.slaveNs(1), List.of("iperf3", "-s", "-1", "-B", Topology.slaveIp(1)), logFile);
            try {
                Topology.Cmd r = null;
                for (int attempt = 0; attempt < 20; attempt++) {
                    r = net.exec(Topology.MASTER_NS, List.of("iperf3", "-c", Topology.slaveIp(1), "-t", "3", "-J"), 30);
                    if (r.code() == 0) {
                        break;
                    }
                    Thread.sleep(100);
                }
                Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)").matcher(r.out());
                if (r.code() == 0 && m.find()) {
                    double mbps = Double.parseDouble(m.group(1)) / 8 / 1e6;
                    out.add(new Bandwidth(what, mbps, ""));
                    log.printf(Locale.ROOT, "sync-study: %s: %.1f MB/s%n", what, mbps);
                } else {
                    out.add(new Bandwidth(what, Double.NaN, "iperf3 failed: " + r.out().strip().lines().findFirst().orElse("")));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                net.stop(server);
            }
        }
        net.shape(Link.FAST);
        return out;
    }

    private Bandwidth diskBandwidth() {
        String what = "fio sequential write, 1 MiB blocks, end fsync (" + System.getProperty("java.io.tmpdir") + ")";
        if (Topology.which("fio") == null) {
            return new Bandwidth(what, Double.NaN, "fio not installed (apt-get install -y fio)");
        }
        try {
            Path dir = Files.createTempDirectory("rkv-fio-");
            try {
                long mb = Math.max(64, Math.min(512, o.bytes() / 1_000_000));
                Topology.Cmd r = Topology.Cmd.run(List.of("fio", "--name=write", "--rw=write", "--bs=1m", "--size=" + mb + "m",
                    "--end_fsync=1", "--directory=" + dir, "--output-format=json"), 300);
                Matcher m = Pattern.compile("\"write\"\\s*:\\s*\\{[^{]*?\"bw_bytes\"\\s*:\\s*(\\d+)").matcher(r.out());
                if (r.code() == 0 && m.find()) {
                    double mbps = Long.parseLong(m.group(1)) / 1e6;
                    log.printf(Locale.ROOT, "sync-study: disk write %.1f MB/s%n", mbps);
                    return new Bandwidth(what, mbps, mb + " MB file");
                }
                return new Bandwidth(what, Double.NaN, "fio failed: " + r.out().strip().lines().findFirst().orElse(""));
            } finally {
                deleteTree(dir);
            }
        } catch (IOException e) {
            return new Bandwidth(what, Double.NaN, "fio failed: " + e.getMessage());
        }
    }

    private List<Bandwidth> readBandwidths() {
        List<Bandwidth> out = new ArrayList<>();
        for (String p : List.of("soft", "shm")) {
            String what = "raw READ " + p + " (1 MiB, 8 outstanding, same host, unshaped)";
            try {
                PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
                RdmaBench.Result r = RdmaBench.run(p, "read", 1 << 20, 8, 2.0, 0.5, quiet);
                out.add(new Bandwidth(what, r.mbps(), ""));
                log.printf(Locale.ROOT, "sync-study: %s: %.1f MB/s%n", what, r.mbps());
            } catch (Exception e) {
                out.add(new Bandwidth(what, Double.NaN, "failed: " + e.getMessage()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ machine

    private static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores", "" + Runtime.getRuntime().availableProcessors());
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    m.put("memory", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
            m.put("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
            m.put("load average at end", Files.readString(Path.of("/proc/loadavg")).strip());
        } catch (IOException e) {
            // best effort
        }
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try {
            String v = Topology.Cmd.run(List.of("redis-server", "--version"), 10).out().strip();
            m.put("redis-server", v);
        } catch (IOException e) {
            m.put("redis-server", "not found");
        }
        return m;
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // gone already
        }
    }
}
