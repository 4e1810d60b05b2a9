package dev.rkv.experiments.syncstudy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The study's network: a master namespace and up to three slave namespaces, each joined by a veth
 * pair to one bridge in the root namespace (where the study itself runs, loads data and polls).
 * Links are emulated by {@code tc tbf} on the right end of the right veth:
 * <pre>
 *   rkvst-m (10.231.0.1) eth0 ==[router: 100 Mbit egress]== rkvst-hm ─┐
 *                                                                    rkvst-br (10.231.0.254)
 *   rkvst-sN (10.231.0.1N) eth0 ==[direct/roce: 1/1.5 Gbit to the slave]== rkvst-hN ─┘
 * </pre>
 * "router" shapes the master's single uplink, so every slave shares 100 Mbit, as behind one
 * router; "direct" and "roce" shape each slave's own link; "fast" shapes nothing. Every child
 * process started here is killed and every namespace deleted by {@link #close()}, which also runs
 * from a shutdown hook (Ctrl-C).
 */
public final class Topology implements AutoCloseable {
    static final String PREFIX = "rkvst";
    static final String BRIDGE = PREFIX + "-br";
    static final String MASTER_NS = PREFIX + "-m";
    static final String MASTER_IP = "10.231.0.1";
    static final String BRIDGE_IP = "10.231.0.254";

    /** A link kind: its name, the rate tc shapes to (null: unshaped) and where. */
    public enum Link {
        ROUTER("100mbit", true), DIRECT("1gbit", false), ROCE("1500mbit", false), FAST(null, false);

        final String rate;
        final boolean sharedUplink;

        Link(String rate, boolean sharedUplink) {
            this.rate = rate;
            this.sharedUplink = sharedUplink;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Link parse(String s) {
            for (Link l : values()) {
                if (l.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown link '" + s + "' (router, direct, roce, fast)");
        }
    }

    private final int slaves;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::teardown, "sync-study-teardown");
    private volatile boolean closed;

    private Topology(int slaves) {
        this.slaves = slaves;
    }

    static String slaveNs(int i) {
        return PREFIX + "-s" + i;
    }

    static String slaveIp(int i) {
        return "10.231.0." + (10 + i);
    }

    /** Why the study cannot run here (not root, ip or tc missing, netns refused), or null when it can. */
    public static String problem() {
        if (!isRoot()) {
            return "must run as root (it creates network namespaces, veth pairs and tc qdiscs); try sudo";
        }
        for (String tool : List.of("ip", "tc")) {
            if (which(tool) == null) {
                return "'" + tool + "' not found on PATH (Debian: apt-get install -y iproute2; as root /usr/sbin must be on PATH)";
            }
        }
        String probe = PREFIX + "-probe";
        try {
            Cmd r = Cmd.run(List.of("ip", "netns", "add", probe), 10);
            if (r.code != 0) {
                return "'ip netns add' fails here (" + r.out.strip() + "): network namespaces are not available";
            }
            Cmd.run(List.of("ip", "netns", "del", probe), 10);
        } catch (IOException e) {
            return "cannot run ip: " + e.getMessage();
        }
        return null;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** The tool's path on PATH, or null. */
    public static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /** Removes whatever an earlier, killed run left (our prefix only), then builds master + {@code slaves} namespaces. */
    public static Topology create(int slaves) throws IOException {
        removeLeftovers();
        Topology t = new Topology(slaves);
        Runtime.getRuntime().addShutdownHook(t.hook);
        try {
            t.must("ip", "link", "add", BRIDGE, "type", "bridge");
            t.must("ip", "addr", "add", BRIDGE_IP + "/24", "dev", BRIDGE);
            t.must("ip", "link", "set", BRIDGE, "up");
            t.attach(MASTER_NS, PREFIX + "-hm", MASTER_IP);
            for (int i = 1; i <= slaves; i++) {
                t.attach(slaveNs(i), PREFIX + "-h" + i, slaveIp(i));
            }
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void attach(String ns, String hostSide, String ip) throws IOException {
        must("ip", "netns", "add", ns);
        must("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
        must("ip", "link", "set", hostSide, "master", BRIDGE);
        must("ip", "link", "set", hostSide, "up");
        must("ip", "-n", ns, "link", "set", "lo", "up");
        must("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        must("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    /** Shapes the network as {@code link}: clears every qdisc of ours first. */
    public void shape(Link link) throws IOException {
        Cmd.run(List.of("tc", "-n", MASTER_NS, "qdisc", "del", "dev", "eth0", "root"), 10);
        for (int i = 1; i <= slaves; i++) {
            Cmd.run(List.of("tc", "qdisc", "del", "dev", PREFIX + "-h" + i, "root"), 10);
        }
        if (link.rate == null) {
            return;
        }
        // burst must hold at least rate/HZ and one GSO segment (64 KiB); latency bounds the queue.
        String burst = link.sharedUplink ? "256kb" : "2mb";
        if (link.sharedUplink) {
            must("tc", "-n", MASTER_NS, "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", link.rate, "burst", burst, "latency", "50ms");
        } else {
            for (int i = 1; i <= slaves; i++) {
                must("tc", "qdisc", "add", "dev", PREFIX + "-h" + i, "root", "tbf", "rate", link.rate, "burst", burst, "latency", "50ms");
            }
        }
    }

    /** Starts {@code command} inside namespace {@code ns}; output to {@code log}. Killed by close(). */
    public Process start(String ns, List<String> command, Path log) throws IOException {
        if (closed) {
            throw new IllegalStateException("topology closed");
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        processes.add(p);
        return p;
    }

    /** Runs a command in {@code ns} to completion (null ns: the root namespace). */
    public Cmd exec(String ns, List<String> command, int timeoutSeconds) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns));
        }
        cmd.addAll(command);
        return Cmd.run(cmd, timeoutSeconds);
    }

    /** Stops one process (and what it forked): SIGTERM, then SIGKILL after 5 s. */
    public void stop(Process p) {
        List<ProcessHandle> kids = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        kids.forEach(ProcessHandle::destroyForcibly);
        processes.remove(p);
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        removeLeftovers();
    }

    /** Deletes our namespaces (their veth ends go with them) and the bridge. */
    static void removeLeftovers() {
        for (String ns : namespaces()) {
            try {
                // Processes still inside (a killed earlier run's) would keep the namespace alive.
                Cmd pids = Cmd.run(List.of("ip", "netns", "pids", ns), 10);
                for (String pid : pids.out.split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Cmd.run(List.of("ip", "netns", "del", ns), 10);
            } catch (IOException e) {
                // best effort: reported by namespaces() still listing it
            }
        }
        try {
            Cmd.run(List.of("ip", "link", "del", BRIDGE), 10);
        } catch (IOException e) {
            // not there
        }
    }

    /** Our namespaces that exist now. */
    public static List<String> namespaces() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Cmd.run(List.of("ip", "netns", "list"), 10).out.split("\n")) {
                String name = line.trim().split("\\s+")[0];
                if (name.startsWith(PREFIX + "-")) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            // no ip: nothing of ours can exist
        }
        return out;
    }

    private void must(String... cmd) throws IOException {
        Cmd r = Cmd.run(List.of(cmd), 20);
        if (r.code != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.out.strip());
        }
    }

    /** A finished command: exit code and its stdout+stderr. */
    public record Cmd(int code, String out) {
        static Cmd run(List<String> cmd, int timeoutSeconds) throws IOException {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                byte[] bytes = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Cmd(-1, "timed out");
                }
                return new Cmd(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
