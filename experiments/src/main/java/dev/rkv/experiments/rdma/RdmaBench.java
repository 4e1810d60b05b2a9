package dev.rkv.experiments.rdma;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.WorkRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read bandwidth and latency of an RDMA provider, shaped like {@code ib_read_bw} /
 * {@code ib_read_lat}: one client endpoint keeps {@code outstanding} READs (or WRITEs) of
 * {@code size} bytes in flight for {@code seconds} against a region registered by a server
 * device in the same process, over loopback. Bandwidth counts completed bytes over the
 * measured time; latency is post-to-completion of each request (with outstanding 1 this is
 * the round-trip latency of {@code ib_read_lat}).
 *
 * <p>{@code --compare} measures reference figures in the same run: memcpy between direct
 * buffers, a TCP ping-pong of the same size over loopback, and iperf3 over loopback if it is
 * installed. {@code --sweep} runs the table of sizes × outstanding and prints it as markdown
 * with the targets.
 */
public final class RdmaBench {

    /** Options of one run (or of a sweep). */
    public record Options(List<String> providers, String op, List<Integer> sizes, List<Integer> outstanding,
                          double seconds, double warmupSeconds, boolean sweep, boolean compare) {
        public Options {
            if (!op.equals("read") && !op.equals("write")) {
                throw new IllegalArgumentException("--op must be read or write, got " + op);
            }
            for (int s : sizes) {
                if (s < 1 || s > (64 << 20)) {
                    throw new IllegalArgumentException("--size " + s + " not in [1, 64 MiB]");
                }
            }
            for (int o : outstanding) {
                if (o < 1 || o > 1024) {
                    throw new IllegalArgumentException("--outstanding " + o + " not in [1, 1024]");
                }
            }
            if (seconds <= 0) {
                throw new IllegalArgumentException("--seconds must be positive");
            }
            providers = List.copyOf(providers);
            sizes = List.copyOf(sizes);
            outstanding = List.copyOf(outstanding);
        }

        /** One provider, one size, one depth. */
        public static Options single(String provider, String op, int size, int outstanding, double seconds) {
            return new Options(List.of(provider), op, List.of(size), List.of(outstanding), seconds,
                    Math.min(1.0, seconds / 4), false, false);
        }
    }

    /** The outcome of one configuration. */
    public record Result(String provider, String op, int size, int outstanding, double mbps, double p50us, double p99us,
                         long ops) {
        /** The machine-readable line the tool ends with. */
        public String line() {
            return String.format(Locale.ROOT, "RESULT provider=%s op=%s size=%d outstanding=%d MBps=%.1f p50_us=%.2f p99_us=%.2f",
                    provider, op, size, outstanding, mbps, p50us, p99us);
        }
    }

    /** Reference figures measured in the same run; {@code memcpySameShape} by "provider/size/outstanding". */
    public record Reference(double memcpyMBps, double iperf3MBps, String iperf3Note, List<PingPong> pingPongs,
                            java.util.Map<String, Double> memcpySameShape) {
    }

    /** TCP ping-pong round trip of {@code size} bytes each way. */
    public record PingPong(int size, double p50us, double p99us) {
    }

    private RdmaBench() {
    }

    // ------------------------------------------------------------------ one configuration

    /** Runs one configuration and prints its RESULT line. */
    public static Result run(String provider, String op, int size, int outstanding, double seconds, double warmup,
                             PrintStream out) throws Exception {
        return run(provider, op, size, outstanding, seconds, warmup, null, out);
    }

    /**
     * Runs one configuration; if {@code memcpyOut} is given, memcpy of the same block size and
     * working set is measured interleaved with it in 100 ms slices, so both figures see the same
     * machine (on a shared machine, separate measurements drift by 2x), and stored in memcpyOut[0].
     */
    public static Result run(String provider, String op, int size, int outstanding, double seconds, double warmup,
                             double[] memcpyOut, PrintStream out) throws Exception {
        long workingSet = workingSet(size, outstanding);
        try (RdmaDevice server = Providers.open(provider); RdmaDevice client = Providers.open(provider)) {
            MemoryRegion remote = server.allocate(workingSet, Access.LOCAL_WRITE | Access.REMOTE_READ | Access.REMOTE_WRITE);
            ByteBuffer rb = remote.buffer();
            while (rb.remaining() >= 8) {
                rb.putLong(rb.position());
            }
            MemoryRegion local = client.allocate(workingSet, Access.LOCAL_WRITE);
            CompletionQueue scq = server.createCompletionQueue(64);
            CompletionQueue ccq = client.createCompletionQueue(Math.max(64, outstanding * 2));
            try (ConnectionListener l = server.listen("127.0.0.1", 0)) {
                CompletableFuture<Endpoint> accepted = CompletableFuture.supplyAsync(() -> {
                    try {
                        return l.accept(EndpointOptions.of(scq).withDepths(16, 16));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                Endpoint ep = client.connect("127.0.0.1", l.localAddress().getPort(),
                        EndpointOptions.of(ccq).withDepths(outstanding, 1));
                accepted.get(10, TimeUnit.SECONDS);
                Loop loop = new Loop(ep, ccq, local, remote, op, size, outstanding, workingSet);
                loop.run((long) (warmup * 1e9), false);
                loop.reset();
                Result r;
                if (memcpyOut == null) {
                    r = loop.run((long) (seconds * 1e9), true).toResult(provider, op);
                } else {
                    ByteBuffer src = ByteBuffer.allocateDirect((int) workingSet);
                    ByteBuffer dst = ByteBuffer.allocateDirect((int) workingSet);
                    copyLoop(src, dst, size, workingSet, Math.min(0.2, warmup));
                    long slice = 100_000_000L;
                    long copied = 0;
                    long copyNanos = 0;
                    for (long done = 0; done < (long) (seconds * 1e9); done += slice) {
                        loop.run(slice, true);
                        long t0 = System.nanoTime();
                        copied += copyBytes(src, dst, size, workingSet, slice / 1e9);
                        copyNanos += System.nanoTime() - t0;
                    }
                    memcpyOut[0] = copied / (copyNanos / 1e9) / 1e6;
                    r = loop.toResult(provider, op);
                }
                out.println(r.line());
                return r;
            }
        }
    }

    /**
     * Bytes of remote (and local) memory one configuration cycles through: all outstanding
     * requests at once, at least 16 MiB, at most 1 GiB, a whole number of requests.
     */
    public static long workingSet(int size, int outstanding) {
        long ws = Math.min(1L << 30, Math.max((long) size * outstanding, 16L << 20));
        return Math.max(size, ws / size * size);
    }

    /** The measuring loop: keeps every slot busy, records latency per completion. */
    private static final class Loop {
        private final Endpoint ep;
        private final CompletionQueue cq;
        private final MemoryRegion local;
        private final MemoryRegion remote;
        private final boolean read;
        private final int size;
        private final int outstanding;
        private final long slots;
        private final long[] postedAt;
        private long next;
        private long[] lat = new long[1 << 16];
        private int latN;
        private long bytes;
        private long elapsed;

        Loop(Endpoint ep, CompletionQueue cq, MemoryRegion local, MemoryRegion remote, String op, int size,
             int outstanding, long workingSet) {
            this.ep = ep;
            this.cq = cq;
            this.local = local;
            this.remote = remote;
            this.read = op.equals("read");
            this.size = size;
            this.outstanding = outstanding;
            this.slots = workingSet / size;
            this.postedAt = new long[outstanding];
        }

        private WorkRequest request(int slot) {
            long off = (next++ % slots) * size;
            return read ? WorkRequest.read(slot, local.sge(off, size), remote.address() + off, remote.rkey())
                    : WorkRequest.write(slot, local.sge(off, size), remote.address() + off, remote.rkey());
        }

        void reset() {
            latN = 0;
            bytes = 0;
            elapsed = 0;
        }

        /** Runs for {@code nanos}, adding to the totals since {@link #reset()}. */
        Loop run(long nanos, boolean record) throws InterruptedException {
            List<WorkRequest> batch = new ArrayList<>(outstanding);
            long start = System.nanoTime();
            for (int s = 0; s < outstanding; s++) {
                postedAt[s] = System.nanoTime();
                batch.add(request(s));
            }
            post(batch);
            Completion[] buf = new Completion[outstanding];
            long end = start + nanos;
            int inFlight = outstanding;
            while (inFlight > 0) {
                int n = cq.await(buf, buf.length, 10, TimeUnit.SECONDS);
                if (n == 0) {
                    throw new IllegalStateException("no completion for 10 s");
                }
                long now = System.nanoTime();
                batch.clear();
                for (int i = 0; i < n; i++) {
                    Completion c = buf[i];
                    if (!c.ok()) {
                        throw new IllegalStateException("work request failed: " + c);
                    }
                    int slot = (int) c.wrId();
                    if (record) {
                        if (latN == lat.length) {
                            lat = Arrays.copyOf(lat, lat.length * 2);
                        }
                        lat[latN++] = now - postedAt[slot];
                        bytes += size;
                    }
                    if (now < end) {
                        postedAt[slot] = now;
                        batch.add(request(slot));
                    } else {
                        inFlight--;
                    }
                }
                post(batch);
            }
            elapsed += System.nanoTime() - start;
            return this;
        }

        private void post(List<WorkRequest> batch) {
            int done = 0;
            while (done < batch.size()) {
                done += ep.postSend(batch.subList(done, batch.size()));
            }
        }

        Result toResult(String provider, String op) {
            long[] l = Arrays.copyOf(lat, latN);
            Arrays.sort(l);
            double mbps = bytes / (elapsed / 1e9) / 1e6;
            return new Result(provider, op, size, outstanding, mbps, pct(l, 0.50) / 1e3, pct(l, 0.99) / 1e3, latN);
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }

    // ------------------------------------------------------------------ references

    /** memcpy bandwidth: bulk copies of {@code block} bytes between direct buffers over a working set beyond the caches. */
    public static double memcpyMBps(int block, double seconds) {
        return memcpyMBps(block, 256L << 20, seconds);
    }

    /**
     * memcpy bandwidth with the same shape as a benchmark configuration: copies of {@code block}
     * bytes cycling through {@code ws} bytes of source and destination.
     */
    public static double memcpyMBps(int block, long ws, double seconds) {
        ByteBuffer src = ByteBuffer.allocateDirect((int) ws);
        ByteBuffer dst = ByteBuffer.allocateDirect((int) ws);
        copyLoop(src, dst, block, ws, 0.2);
        return copyLoop(src, dst, block, ws, seconds);
    }

    private static double copyLoop(ByteBuffer src, ByteBuffer dst, int block, long ws, double seconds) {
        long t0 = System.nanoTime();
        long bytes = copyBytes(src, dst, block, ws, seconds);
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    /** Copies {@code block}-byte pieces cycling through {@code ws} bytes for about {@code seconds}; returns bytes copied. */
    private static long copyBytes(ByteBuffer src, ByteBuffer dst, int block, long ws, double seconds) {
        int blocks = (int) (ws / block);
        long bytes = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int i = 0;
        do {
            for (int k = 0; k < 16; k++) {
                int off = (i++ % blocks) * block;
                dst.put(off, src, off, block);
                bytes += block;
            }
        } while (System.nanoTime() < end);
        return bytes;
    }

    /** TCP ping-pong over loopback: {@code size} bytes each way, blocking channels, TCP_NODELAY. */
    public static PingPong tcpPingPong(int size, double seconds) throws IOException, InterruptedException {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread echo = new Thread(() -> {
                try (SocketChannel s = ss.accept()) {
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ByteBuffer b = ByteBuffer.allocateDirect(size);
                    while (true) {
                        b.clear();
                        while (b.hasRemaining()) {
                            if (s.read(b) < 0) {
                                return;
                            }
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            s.write(b);
                        }
                    }
                } catch (IOException e) {
                    // the client closed the connection: the measurement is over
                    return;
                }
            }, "tcp-echo");
            echo.setDaemon(true);
            echo.start();
            long[] lat = new long[1 << 20];
            int n = 0;
            try (SocketChannel c = SocketChannel.open(ss.getLocalAddress())) {
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                long warmEnd = System.nanoTime() + (long) (Math.min(0.5, seconds / 4) * 1e9);
                long end = warmEnd + (long) (seconds * 1e9);
                boolean measuring = false;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    b.clear();
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    b.clear();
                    while (b.hasRemaining()) {
                        if (c.read(b) < 0) {
                            throw new IOException("echo closed");
                        }
                    }
                    long t1 = System.nanoTime();
                    if (!measuring && t1 >= warmEnd) {
                        measuring = true;
                    }
                    if (measuring && n < lat.length) {
                        lat[n++] = t1 - t0;
                    }
                }
            }
            echo.join(5000);
            long[] l = Arrays.copyOf(lat, n);
            Arrays.sort(l);
            return new PingPong(size, pct(l, 0.5) / 1e3, pct(l, 0.99) / 1e3);
        }
    }

    /**
     * iperf3 over loopback ({@code iperf3 -s -1} and {@code iperf3 -c 127.0.0.1 -J}); NaN with a
     * note if iperf3 is not installed or fails.
     */
    public static double iperf3MBps(int seconds, StringBuilder note) {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            note.append("no free port: ").append(e);
            return Double.NaN;
        }
        Process server = null;
        try {
            server = new ProcessBuilder("iperf3", "-s", "-1", "-p", String.valueOf(port)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String json = null;
            for (int attempt = 0; attempt < 50 && json == null; attempt++) {
                Process c = new ProcessBuilder("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-t",
                        String.valueOf(seconds), "-J").redirectErrorStream(true).start();
                String text = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                c.waitFor();
                if (c.exitValue() == 0) {
                    json = text;
                } else if (!text.contains("Connection refused")) {
                    note.append("iperf3 client failed: ").append(text.strip());
                    return Double.NaN;
                } else {
                    // server not listening yet: its start-up races with ours
                    Thread.sleep(100);
                }
            }
            if (json == null) {
                note.append("iperf3 server never came up");
                return Double.NaN;
            }
            Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)")
                    .matcher(json);
            if (!m.find()) {
                note.append("iperf3 output had no sum_received.bits_per_second");
                return Double.NaN;
            }
            note.append("iperf3 -c 127.0.0.1 -t ").append(seconds).append(" (one TCP stream)");
            return Double.parseDouble(m.group(1)) / 8 / 1e6;
        } catch (IOException e) {
            note.append("iperf3 not available: ").append(e.getMessage());
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            note.append("interrupted");
            return Double.NaN;
        } finally {
            if (server != null) {
                server.destroy();
            }
        }
    }

    /** memcpy, iperf3 and a TCP ping-pong per size, measured now. */
    public static Reference reference(List<Integer> sizes, double seconds, PrintStream out) throws Exception {
        double memcpy = memcpyMBps(1 << 20, Math.max(1, seconds));
        out.printf(Locale.ROOT, "REFERENCE memcpy block=1048576 MBps=%.1f%n", memcpy);
        StringBuilder note = new StringBuilder();
        double iperf = iperf3MBps((int) Math.max(2, Math.round(seconds)), note);
        out.printf(Locale.ROOT, "REFERENCE iperf3 MBps=%.1f (%s)%n", iperf, note);
        List<PingPong> pps = new ArrayList<>();
        for (int s : sizes) {
            PingPong pp = tcpPingPong(s, Math.min(2, seconds));
            pps.add(pp);
            out.printf(Locale.ROOT, "REFERENCE tcp-pingpong size=%d p50_us=%.2f p99_us=%.2f%n", s, pp.p50us, pp.p99us);
        }
        return new Reference(memcpy, iperf, note.toString(), pps, new java.util.HashMap<>());
    }

    // ------------------------------------------------------------------ sweep and table

    /** Runs every configuration of {@code o}; prints RESULT lines, then (sweep) a markdown table. */
    public static List<Result> run(Options o, PrintStream out) throws Exception {
        Reference ref = o.compare() ? reference(o.sizes(), Math.min(3, Math.max(1, o.seconds())), out) : null;
        List<Result> results = new ArrayList<>();
        for (String p : o.providers()) {
            for (int s : o.sizes()) {
                for (int q : o.outstanding()) {
                    String shape = p + "/" + s + "/" + q;
                    double[] memcpy = ref != null ? new double[1] : null;
                    if (ref != null) {
                        out.printf(Locale.ROOT, "REFERENCE memcpy block=%d working_set=%d interleaved with the next run%n",
                                s, workingSet(s, q));
                    }
                    results.add(run(p, o.op(), s, q, o.seconds(), o.warmupSeconds(), memcpy, out));
                    if (ref != null) {
                        ref.memcpySameShape().put(shape, memcpy[0]);
                    }
                }
            }
        }
        if (o.sweep()) {
            out.println();
            out.print(table(results, ref));
        }
        return results;
    }

    /** The markdown table of a sweep, with reference figures and the targets. */
    public static String table(List<Result> results, Reference ref) {
        StringBuilder sb = new StringBuilder();
        sb.append("| provider | op | size | outstanding | MB/s | p50 µs | p99 µs | vs reference |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.0f | %.1f | %.1f | %s |%n", r.provider, r.op,
                    human(r.size), r.outstanding, r.mbps, r.p50us, r.p99us, versus(r, ref)));
        }
        if (ref != null) {
            sb.append(String.format(Locale.ROOT, "%nReference, same run: memcpy %.0f MB/s (1 MiB blocks, 256 MiB working set; same-shape memcpy uses the "
                    + "configuration's block size and working set, measured in 100 ms slices alternating with it); "
                    + "iperf3 loopback %.0f MB/s; TCP ping-pong p50:", ref.memcpyMBps, ref.iperf3MBps));
            for (PingPong pp : ref.pingPongs) {
                sb.append(String.format(Locale.ROOT, " %s %.1f µs;", human(pp.size), pp.p50us));
            }
            sb.append('\n');
            sb.append("Targets: soft READ 1 MiB ≥ 80% of iperf3; shm READ ≥ 50% of memcpy; soft READ 64 B p50 ≤ 2× TCP ping-pong.\n");
        }
        return sb.toString();
    }

    private static String versus(Result r, Reference ref) {
        if (ref == null || !r.op.equals("read")) {
            return "";
        }
        if (r.provider.equals("soft")) {
            String bw = Double.isNaN(ref.iperf3MBps) ? "" : String.format(Locale.ROOT, "%.0f%% of iperf3", 100 * r.mbps / ref.iperf3MBps);
            if (r.size == 64) {
                for (PingPong pp : ref.pingPongs) {
                    if (pp.size == r.size) {
                        return bw + String.format(Locale.ROOT, "; p50 %.2f× ping-pong", r.p50us / pp.p50us);
                    }
                }
            }
            return bw;
        }
        if (r.provider.equals("shm")) {
            Double same = ref.memcpySameShape().get(r.provider + "/" + r.size + "/" + r.outstanding);
            String v = String.format(Locale.ROOT, "%.0f%% of memcpy", 100 * r.mbps / ref.memcpyMBps);
            if (same != null) {
                v += String.format(Locale.ROOT, "; %.0f%% of interleaved same-shape memcpy (%.0f MB/s)", 100 * r.mbps / same,
                        same);
            }
            return v;
        }
        return "";
    }

    private static String human(int size) {
        if (size >= (1 << 20) && size % (1 << 20) == 0) {
            return (size >> 20) + " MiB";
        }
        if (size >= 1024 && size % 1024 == 0) {
            return (size >> 10) + " KiB";
        }
        return size + " B";
    }

    // ------------------------------------------------------------------ command line

    static final String USAGE = "usage: rdma-bench --provider soft|shm[,…] [--op read|write] [--size BYTES[,…]] "
            + "[--outstanding N[,…]] [--seconds S] [--warmup S] [--sweep] [--compare]\n"
            + "  --sweep    sizes 64,4096,65536,1048576,4194304 × outstanding 1,16 (unless given) and a markdown table\n"
            + "  --compare  also measure memcpy, TCP ping-pong and iperf3 (if installed) in the same run";

    /** Parses the command-line flags. */
    public static Options parse(String[] args) {
        List<String> providers = List.of("soft");
        String op = "read";
        List<Integer> sizes = null;
        List<Integer> outstanding = null;
        double seconds = 5;
        Double warmup = null;
        boolean sweep = false;
        boolean compare = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--provider":
                    providers = Arrays.asList(value(args, ++i, a).split(","));
                    break;
                case "--op":
                    op = value(args, ++i, a).toLowerCase(Locale.ROOT);
                    break;
                case "--size":
                    sizes = ints(value(args, ++i, a), a);
                    break;
                case "--outstanding":
                    outstanding = ints(value(args, ++i, a), a);
                    break;
                case "--seconds":
                    seconds = positive(value(args, ++i, a), a);
                    break;
                case "--warmup":
                    warmup = positive(value(args, ++i, a), a);
                    break;
                case "--sweep":
                    sweep = true;
                    break;
                case "--compare":
                    compare = true;
                    break;
                case "-h":
                case "--help":
                    throw new IllegalArgumentException(USAGE);
                default:
                    throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (sizes == null) {
            sizes = sweep ? List.of(64, 4096, 65536, 1 << 20, 4 << 20) : List.of(1 << 20);
        }
        if (outstanding == null) {
            outstanding = sweep ? List.of(1, 16) : List.of(16);
        }
        return new Options(providers, op, sizes, outstanding, seconds, warmup != null ? warmup : Math.min(1.0, seconds / 4),
                sweep, compare);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static List<Integer> ints(String csv, String flag) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " takes whole numbers (comma-separated), got '" + s + "'");
            }
            if (v < 1) {
                throw new IllegalArgumentException(flag + " must be at least 1, got " + v);
            }
            out.add(v);
        }
        return out;
    }

    private static double positive(String s, String flag) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a number of seconds, got '" + s + "'");
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(flag + " must be a finite number of seconds >= 0, got " + s);
        }
        return v;
    }

    /**
     * Entry point for {@code rkv rdma-bench}. Prints one RESULT line per configuration; a single
     * run therefore ends with exactly one RESULT line (a sweep ends with its table).
     *
     * @return the process exit code: 0, or 2 for bad arguments
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        run(o, out);
        return 0;
    }

    public static void main(String[] args) throws Exception {
        System.exit(execute(args, System.out, System.err));
    }
}
