package dev.rkv.ha;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The topology the issue describes, all on loopback with ephemeral ports: one rkv primary, two
 * rkv replicas, each a {@code rkv server <file>} process with its own config file (Sentinel
 * rewrites those), and three stock redis-sentinel processes, each with its own config file,
 * monitoring the primary as {@value #MASTER} with quorum 2. Sentinel's timings are short so a
 * failover takes seconds: down-after-milliseconds 1000, failover-timeout 10000.
 */
final class SentinelSetup implements AutoCloseable {
    static final String MASTER = "m";
    /** Generous: three JVMs and three sentinels share two cores with other builds. */
    static final long TIMEOUT_MS = 60_000;

    /**
     * -Dha.server=redis runs the same setup with redis-server 7.0 in place of rkv: a check of the
     * tests themselves, which must pass against the server rkv imitates.
     */
    static final boolean REFERENCE = "redis".equals(System.getProperty("ha.server"));

    private final Path dir;
    private final List<Node> servers = new ArrayList<>();
    private final List<ChildProcess> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();

    /** One rkv server: its port, its config file, its process, its requirepass (empty: none). */
    record Node(String name, int port, Path conf, ChildProcess process, String password) {
        Jedis jedis() {
            Jedis j = new Jedis("127.0.0.1", port, 5_000);
            if (!password.isEmpty()) {
                j.auth(password);
            }
            return j;
        }

        HostAndPort address() {
            return new HostAndPort("127.0.0.1", port);
        }
    }

    private final String password;

    private SentinelSetup(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /**
     * Starts the three servers, waits until both replicas are in sync, then starts the sentinels
     * and waits until each of them knows both replicas and the two other sentinels.
     */
    static SentinelSetup start(String... extraServerOptions) throws Exception {
        return start("", extraServerOptions);
    }

    /**
     * As {@link #start(String...)}, with every server protected by {@code password} (requirepass,
     * masterauth) and the sentinels told it with {@code sentinel auth-pass}.
     */
    static SentinelSetup startWithPassword(String password, String... extraServerOptions) throws Exception {
        return start(password, extraServerOptions);
    }

    private static SentinelSetup start(String password, String... extraServerOptions) throws Exception {
        SentinelSetup s = new SentinelSetup(Files.createTempDirectory("rkv-ha-"), password);
        try {
            Node primary = s.startServer("primary", null, extraServerOptions);
            s.startServer("replica1", primary, extraServerOptions);
            s.startServer("replica2", primary, extraServerOptions);
            for (Node n : s.servers) {
                await(n.name() + " answers PING", () -> ping(n));
            }
            await("both replicas in sync", () -> replicasInSync(primary, 2));
            for (int i = 1; i <= 3; i++) {
                s.startSentinel("sentinel" + i, primary.port());
            }
            await("every sentinel sees 2 replicas and 2 other sentinels", () -> {
                for (int port : s.sentinelPorts) {
                    Map<String, String> m = sentinelMaster(port);
                    if (!"2".equals(m.get("num-slaves")) || !"2".equals(m.get("num-other-sentinels"))) {
                        return false;
                    }
                }
                return true;
            });
            return s;
        } catch (Exception | AssertionError e) {
            s.close();
            throw e;
        }
    }

    private Node startServer(String name, Node primaryOf, String... extra) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        int port = freePort();
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "save \"\"", "dir " + home,
            // Replicas (re)joining get their sync at once rather than after Redis's 5 s batching delay.
            "repl-diskless-sync-delay 0"));
        if (primaryOf != null) {
            lines.add("replicaof 127.0.0.1 " + primaryOf.port());
        }
        if (!password.isEmpty()) {
            lines.add("requirepass " + password);
            lines.add("masterauth " + password);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            lines.add(extra[i].replaceFirst("^--", "") + " " + extra[i + 1]);
        }
        Path conf = home.resolve("rkv.conf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        ChildProcess process = REFERENCE ? ChildProcess.start(name, home, List.of("redis-server", conf.toString()))
            : ChildProcess.rkv(name, home, "server", conf.toString());
        Node n = new Node(name, port, conf, process, password);
        servers.add(n);
        return n;
    }

    private void startSentinel(String name, int primaryPort) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        int port = freePort();
        Path conf = home.resolve("sentinel.conf");
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "daemonize no", "dir " + home,
            "logfile " + home.resolve("sentinel.log"),
            "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
            "sentinel down-after-milliseconds " + MASTER + " 1000",
            "sentinel failover-timeout " + MASTER + " 10000"));
        if (!password.isEmpty()) {
            lines.add("sentinel auth-pass " + MASTER + " " + password);
        }
        Files.write(conf, lines, StandardCharsets.UTF_8);
        sentinels.add(ChildProcess.start(name, home, List.of(sentinelBinary(), conf.toString())));
        sentinelPorts.add(port);
    }

    /** $REDIS_SENTINEL, else redis-sentinel on PATH (Debian's redis-sentinel package; .ci/run installs it). */
    private static String sentinelBinary() {
        String env = System.getenv("REDIS_SENTINEL");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "redis-sentinel");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("redis-sentinel not found on PATH: apt-get install -y redis-sentinel, as .ci/run does");
    }

    Node server(String name) {
        return servers.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    /** The servers other than {@code n}. */
    List<Node> others(Node n) {
        return servers.stream().filter(o -> o != n).toList();
    }

    /** The node at a port, as Sentinel reports the primary. */
    Node atPort(int port) {
        return servers.stream().filter(n -> n.port() == port).findFirst()
            .orElseThrow(() -> new AssertionError("no server on port " + port));
    }

    Set<String> sentinelAddresses() {
        Set<String> out = new LinkedHashSet<>();
        for (int p : sentinelPorts) {
            out.add("127.0.0.1:" + p);
        }
        return out;
    }

    /** The primary's port as the first sentinel reports it now. */
    int primaryPortBySentinel() {
        try (Jedis s = new Jedis("127.0.0.1", sentinelPorts.get(0), 5_000)) {
            return Integer.parseInt(s.sentinelGetMasterAddrByName(MASTER).get(1));
        }
    }

    /** SENTINEL FAILOVER: the first sentinel hands the role to a replica without waiting for the primary to fail. */
    void sentinelFailover() {
        try (Jedis s = new Jedis("127.0.0.1", sentinelPorts.get(0), 5_000)) {
            s.sentinelFailover(MASTER);
        }
    }

    /** Whether every sentinel names {@code n} as the primary. */
    boolean allSentinelsName(Node n) {
        for (int port : sentinelPorts) {
            try (Jedis s = new Jedis("127.0.0.1", port, 5_000)) {
                if (Integer.parseInt(s.sentinelGetMasterAddrByName(MASTER).get(1)) != n.port()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** SENTINEL MASTER, empty while the sentinel does not answer yet. */
    private static Map<String, String> sentinelMaster(int port) {
        try (Jedis s = new Jedis("127.0.0.1", port, 5_000)) {
            return s.sentinelMaster(MASTER);
        } catch (RuntimeException notYet) {
            return Map.of();
        }
    }

    /** The end of every log, for a failure message. */
    String logs() {
        StringBuilder b = new StringBuilder("logs in " + dir + ":\n");
        for (Node n : servers) {
            b.append("---- ").append(n.name()).append(" (port ").append(n.port()).append(")\n").append(tail(n.process().output()));
        }
        for (int i = 0; i < sentinels.size(); i++) {
            Path log = dir.resolve("sentinel" + (i + 1)).resolve("sentinel.log");
            try {
                b.append("---- sentinel").append(i + 1).append('\n').append(tail(Files.readString(log)));
            } catch (IOException e) {
                b.append("[no ").append(log).append("]\n");
            }
        }
        return b.toString();
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    /** Sentinels first, so that none reconfigures a server being stopped; then the servers; then the files. */
    @Override
    public void close() throws InterruptedException {
        for (ChildProcess p : sentinels) {
            p.close();
        }
        for (Node n : servers) {
            n.process().close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory is not worth failing a test for.
        }
    }

    // ------------------------------------------------------------------ checks

    static boolean ping(Node n) {
        try (Jedis j = n.jedis()) {
            return "PONG".equals(j.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A field of INFO replication or INFO stats, null when absent or the server does not answer. */
    static String info(Node n, String section, String field) {
        try (Jedis j = n.jedis()) {
            for (String line : j.info(section).split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1);
                }
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static long stat(Node n, String field) {
        return Long.parseLong(info(n, "stats", field));
    }

    /** {@code n} is a primary with {@code count} online replicas at its own offset. */
    static boolean replicasInSync(Node n, int count) {
        try (Jedis j = n.jedis()) {
            String info = j.info("replication");
            if (!info.contains("role:master") || !info.contains("connected_slaves:" + count)) {
                return false;
            }
            String offset = field(info, "master_repl_offset");
            for (int i = 0; i < count; i++) {
                String line = field(info, "slave" + i);
                if (line == null || !line.contains("state=online") || !line.contains("offset=" + offset + ",")) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code replica} follows {@code primary} with its link up. */
    static boolean follows(Node replica, Node primary) {
        return "slave".equals(info(replica, "replication", "role"))
            && Integer.toString(primary.port()).equals(info(replica, "replication", "master_port"))
            && "up".equals(info(replica, "replication", "master_link_status"));
    }

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code condition} until it holds; fails after {@link #TIMEOUT_MS}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT_MS + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }
}
