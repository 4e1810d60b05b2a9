package dev.rkv.kvserver.testing;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ConfigException;
import dev.rkv.kvserver.config.ServerConfig;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An in-process rkv server on a free loopback port, for tests. Options use redis.conf names. */
public final class RkvTestServer implements AutoCloseable {
    private final RkvServer server;
    /** The private directory made for a server started without --dir, removed on close. */
    private final Path ownDir;

    private RkvTestServer(RkvServer server, Path ownDir) {
        this.server = server;
        this.ownDir = ownDir;
    }

    /**
     * Starts a server; {@code options} are "--name value" pairs as on the command line. Without
     * a {@code --dir}, the server gets a private temporary directory, so that no test reads or
     * leaves a dump.rdb in the working directory (which would fool the next server started there).
     */
    /**
     * Makes servers with io-threads hand even two ready connections to their threads (the
     * default waits for 2 per thread), so that tests with a few clients exercise the threads.
     */
    public static void handOverEverything() {
        System.setProperty("rkv.io-threads.hand-over-from", "2");
    }

    public static RkvTestServer start(String... options) {
        return start(null, options);
    }

    /** As {@link #start(String...)}, on top of a config file (which CONFIG REWRITE then rewrites). */
    public static RkvTestServer startWithConfigFile(Path configFile, String... options) {
        return start(configFile, options);
    }

    private static RkvTestServer start(Path configFile, String... options) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--save", ""));
        Path ownDir = null;
        try {
            if (!List.of(options).contains("--dir")) {
                ownDir = Files.createTempDirectory("rkv-test-");
                args.addAll(List.of("--dir", ownDir.toString()));
            }
            args.addAll(List.of(options));
            // -Drkv.it.io-threads=N runs every test server with N io threads reading too, so that
            // a suite can be run again on threaded IO (see README, "IO threads").
            String ioThreads = System.getProperty("rkv.it.io-threads");
            if (ioThreads != null && !ioThreads.isBlank() && !List.of(options).contains("--io-threads")) {
                args.addAll(List.of("--io-threads", ioThreads.trim(), "--io-threads-do-reads", "yes"));
                handOverEverything();
            }
            ServerConfig config = new ServerConfig();
            if (configFile != null) {
                config.loadFile(configFile);
            }
            config.applyArgs(args);
            config.set("loglevel", "warning");
            return new RkvTestServer(new RkvServer(config).start(), ownDir);
        } catch (ConfigException e) {
            deleteQuietly(ownDir);
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            deleteQuietly(ownDir);
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is not worth failing a test for (the walk also fails
            // when a file vanishes under it, e.g. a sync thread's temp-repl RDB deleted meanwhile)
        }
    }

    public int port() {
        return server.port();
    }

    public RkvServer server() {
        return server;
    }

    /** A client with a 10 s timeout: syncs and big loads can be slow on a busy 2-core machine. */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port(), 10_000);
    }

    /** Runs a task on the server's event loop and returns its result. */
    public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
        return server.call(task);
    }

    /** Connected clients, read on the event loop. */
    public int connectedClients() {
        try {
            return server.call(() -> server.context().clients().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("event loop did not answer", e);
        }
    }

    /**
     * Polls until exactly {@code n} clients are connected (closed connections are noticed by
     * the event loop asynchronously); fails after 10 s with the last count seen.
     */
    public void awaitConnectedClients(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int seen;
        while ((seen = connectedClients()) != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " connected clients, still " + seen + " after 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        server.close();
        deleteQuietly(ownDir);
    }
}
