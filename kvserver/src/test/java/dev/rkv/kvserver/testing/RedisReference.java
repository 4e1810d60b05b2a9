package dev.rkv.kvserver.testing;

import redis.clients.jedis.Jedis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's 7.0) started on a free loopback port, the reference for
 * differential tests. Fails loudly when redis-server is not installed: .ci/run installs it.
 */
public final class RedisReference implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisReference(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The redis-server binary: $REDIS_SERVER, else the first on PATH. */
    public static String binary() {
        String env = System.getenv("REDIS_SERVER");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("redis-server not found on PATH: install Debian's redis-server "
            + "(apt-get install -y redis-server redis-tools), as .ci/run does");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Starts redis-server with extra redis.conf-style options ("--name", "value", ...). */
    public static RedisReference start(String... options) throws IOException, InterruptedException {
        return start(null, options);
    }

    /**
     * Starts redis-server from a config file (which CONFIG REWRITE then rewrites), with the same
     * command-line options as {@link #start(String...)} on top of it.
     */
    public static RedisReference startWithConfigFile(Path configFile, String... options) throws IOException, InterruptedException {
        return start(configFile, options);
    }

    private static RedisReference start(Path configFile, String... options) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("redis-ref");
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(binary()));
        if (configFile != null) {
            cmd.add(configFile.toAbsolutePath().toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisReference ref = new RedisReference(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (RawClient c = new RawClient(port)) {
                String reply = c.call("PING");
                if (reply.equals("+PONG\r\n") || reply.startsWith("-NOAUTH")) {
                    return ref;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        ref.close();
        throw new IOException("redis-server did not answer PING within 10 s on port " + port);
    }

    public int port() {
        return port;
    }

    public Jedis jedis() {
        return new Jedis("127.0.0.1", port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not remove " + dir, e);
        }
    }
}
