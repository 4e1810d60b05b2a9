package dev.rkv.cli.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A running {@code rkv server}, {@code rkv primary-agent} or {@code rkv replica-agent} child
 * process with its own port and data directory, plus the client-side look at it a test needs:
 * a Jedis connection and INFO fields.
 */
public final class RkvNode implements AutoCloseable {
    private final ChildJvm jvm;
    private final int port;
    private final Path dir;

    private RkvNode(ChildJvm jvm, int port, Path dir) {
        this.jvm = jvm;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts {@code rkv <command> [commandOptions] --port P --dir <home>/data [serverOptions]} and
     * waits until it answers PING.
     *
     * @param prefix a command the JVM runs under (see {@link ChildJvm#start(String, Path, List, List)})
     */
    public static RkvNode start(String name, Path home, List<String> prefix, String command, List<String> commandOptions,
                                String... serverOptions) throws IOException, InterruptedException {
        return launch(name, home, prefix, FreePort.next(), home.resolve("data"), command, commandOptions, serverOptions);
    }

    /** As {@link #start}, on a given port and data directory (a restart in place, or a directory on a small disk). */
    public static RkvNode launch(String name, Path home, List<String> prefix, int port, Path dir, String command,
                                 List<String> commandOptions, String... serverOptions) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(commandOptions);
        args.addAll(List.of("--port", Integer.toString(port), "--dir", dir.toString(), "--loglevel", "notice"));
        args.addAll(List.of(serverOptions));
        RkvNode node = new RkvNode(ChildJvm.start(name, home, prefix, args), port, dir);
        try {
            node.awaitPing(Duration.ofSeconds(30));
        } catch (AssertionError | InterruptedException e) {
            node.close();
            throw e;
        }
        return node;
    }

    public static RkvNode server(String name, Path home, String... serverOptions) throws IOException, InterruptedException {
        return start(name, home, List.of(), "server", List.of(), serverOptions);
    }

    public static RkvNode primaryAgent(String name, Path home, String provider, String... serverOptions)
        throws IOException, InterruptedException {
        return start(name, home, List.of(), "primary-agent", List.of("--provider", provider), serverOptions);
    }

    public static RkvNode replicaAgent(String name, Path home, String provider, List<String> agentOptions, String... serverOptions)
        throws IOException, InterruptedException {
        List<String> opts = new ArrayList<>(List.of("--provider", provider));
        opts.addAll(agentOptions);
        return start(name, home, List.of(), "replica-agent", opts, serverOptions);
    }

    public ChildJvm jvm() {
        return jvm;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** A new connection; the caller closes it. Short timeouts: a stalled peer must fail the call, not the test run. */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port, 5_000);
    }

    /** INFO of one section as name → value. */
    public Map<String, String> info(String section) {
        try (Jedis j = jedis()) {
            return parseInfo(j.info(section));
        }
    }

    static Map<String, String> parseInfo(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        return m;
    }

    public void awaitPing(Duration timeout) throws InterruptedException {
        awaitInfo("server", m -> true, timeout, "PONG");
    }

    /**
     * Polls INFO {@code section} until {@code condition} holds; fails with the last INFO and the
     * child's output otherwise. Connection errors while waiting count as "not yet".
     */
    public Map<String, String> awaitInfo(String section, Predicate<Map<String, String>> condition, Duration timeout, String what)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> last = Map.of();
        String error = "";
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new AssertionError(jvm.name() + " exited while waiting for " + what + "; output:\n" + jvm.outputText());
            }
            try {
                last = info(section);
                if (condition.test(last)) {
                    return last;
                }
            } catch (JedisException e) {
                error = e.toString();
            }
            Thread.sleep(5);
        }
        throw new AssertionError(jvm.name() + ": no " + what + " within " + timeout + "; last INFO " + section + ": " + last + " " + error
            + "\noutput:\n" + jvm.outputText());
    }

    @Override
    public void close() {
        jvm.close();
    }
}
