package dev.rkv.cli;

import dev.rkv.cli.testing.ChildJvm;
import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rkv demo} must measure only what it loads: run from a directory that holds someone's
 * dump.rdb, its servers must not load it, and it must leave no directory of its own behind,
 * whether it ends normally or by SIGTERM (Ctrl-C in a terminal sends SIGINT, handled the same way).
 */
class DemoWorkingDirectoryIT {
    private static final int STALE_KEYS = 3_000;

    @TempDir
    Path work;

    @Test
    void demoIgnoresADumpRdbInTheWorkingDirectoryAndRemovesItsDirectory() throws Exception {
        writeStaleDump(work);
        try (ChildJvm demo = ChildJvm.start("demo", work, "demo", "--keys", "2000", "--value-size", "32", "--replicas", "1",
            "--provider", "shm", "--no-measure")) {
            int exit = demo.awaitExit(Duration.ofSeconds(90));
            String out = demo.outputText();
            assertTrue(out.contains("replica 1 (port "), out);
            assertTrue(out.matches("(?s).*replica 1 \\(port \\d+\\): 2,000 keys, digest equals the primary's.*"), out);
            assertTrue(out.contains("verified=yes"), out);
            assertEquals(0, exit, out);
        }
        assertTrue(Files.exists(work.resolve("dump.rdb")), "the user's dump.rdb is left alone");
        assertEquals(List.of(), entries(work.resolve("tmp")), "the demo's private directory is deleted");
    }

    @Test
    void demoStoppedBySigtermRemovesItsDirectory() throws Exception {
        try (ChildJvm demo = ChildJvm.start("demo", work, "demo", "--keys", "2000000", "--value-size", "100", "--replicas", "1",
            "--provider", "shm", "--no-measure")) {
            demo.awaitLine("primary on port", Duration.ofSeconds(60));
            assertTrue(entries(work.resolve("tmp")).stream().anyMatch(p -> p.getFileName().toString().startsWith("rkv-demo")),
                "the demo runs in a private directory: " + entries(work.resolve("tmp")));
            demo.terminate();
            int exit = demo.awaitExit(Duration.ofSeconds(20));
            assertTrue(exit >= 0, "the demo exits on SIGTERM; output:\n" + demo.outputText());
        }
        assertEquals(List.of(), entries(work.resolve("tmp")), "the demo's private directory is deleted");
    }

    /** A dump.rdb with keys the demo never writes, as a user's working directory may hold. */
    private static void writeStaleDump(Path dir) throws Exception {
        ServerConfig config = new ServerConfig();
        config.applyArgs(List.of("--port", "0", "--dir", dir.toString(), "--save", ""));
        try (RkvServer server = new RkvServer(config).start(); Jedis j = new Jedis("127.0.0.1", server.port())) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < STALE_KEYS; i++) {
                p.set("stale:" + i, "from another run");
            }
            p.sync();
            assertEquals("OK", j.save());
        }
        assertTrue(Files.size(dir.resolve("dump.rdb")) > 0);
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("hsperfdata")).toList();
        }
    }
}
