package dev.rkv.cli;

import dev.rkv.cli.testing.RkvNode;
import dev.rkv.cli.testing.ShmEntries;
import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM (what {@code kill PID}, systemd and Docker send) to each command that runs a server:
 * with save points configured it saves first, as redis-server does, then exits within seconds,
 * leaving no shared-memory region of its RDMA provider behind.
 */
class SignalShutdownIT {
    private static final int KEYS = 5_000;

    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"server", "primary-agent", "replica-agent"})
    void sigtermSavesThenExitsAndLeavesNoShmRegion(String command) throws Exception {
        List<String> agentOptions = command.equals("server") ? List.of() : List.of("--provider", "shm");
        try (RkvNode node = RkvNode.start(command, home, List.of(), command, agentOptions, "--save", "3600 1")) {
            long pid = node.jvm().pid();
            if (!command.equals("server")) {
                // Signalled once the agent is attached. (A SIGTERM while the primary agent attaches does save, but
                // the half-opened shm device is left for the provider's own exit hook, issue 8 item 10.)
                node.jvm().awaitLine("rkv " + command + ": server on port", Duration.ofSeconds(30));
            }
            try (Jedis j = node.jedis()) {
                Pipeline p = j.pipelined();
                for (int i = 0; i < KEYS; i++) {
                    p.set("k:" + i, "v" + i);
                }
                p.sync();
            }
            node.jvm().terminate();
            int exit = node.jvm().awaitExit(Duration.ofSeconds(10));
            String out = node.jvm().outputText();
            assertTrue(exit >= 0, command + " still runs 10 s after SIGTERM; output:\n" + out);
            assertTrue(out.contains("rkv " + command + ": stopped by signal: saved dump.rdb"), out);
            assertTrue(Files.isRegularFile(node.dir().resolve("dump.rdb")), "dump.rdb written; output:\n" + out);
            assertEquals(KEYS, keysIn(node.dir()), "keys in the saved dump.rdb");
            if (!command.equals("server")) {
                assertEquals(List.of(), ShmEntries.of(pid), "shm regions of pid " + pid + " left in /dev/shm; output:\n" + out);
            }
        }
    }

    /**
     * The report: a long command held the event loop and SIGTERM then hung for good.
     * Now the command gives way, the final save runs, and the process exits within seconds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"server", "primary-agent"})
    void sigtermDuringALongCommandStillSavesAndExits(String command) throws Exception {
        List<String> agentOptions = command.equals("server") ? List.of() : List.of("--provider", "shm");
        try (RkvNode node = RkvNode.start(command, home, List.of(), command, agentOptions, "--save", "3600 1",
            "--enable-debug-command", "local")) {
            if (!command.equals("server")) {
                node.jvm().awaitLine("rkv " + command + ": server on port", Duration.ofSeconds(30));
            }
            try (Jedis j = node.jedis()) {
                for (int i = 0; i < 100; i++) {
                    j.set("k:" + i, "v" + i);
                }
            }
            Thread sleeper = new Thread(() -> {
                try (Jedis j = node.jedis()) {
                    j.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "600");
                } catch (RuntimeException expected) {
                    // the server goes away under it
                }
            });
            sleeper.setDaemon(true);
            sleeper.start();
            Thread.sleep(500); // the loop is asleep in DEBUG SLEEP now
            node.jvm().terminate();
            int exit = node.jvm().awaitExit(Duration.ofSeconds(15));
            String out = node.jvm().outputText();
            assertTrue(exit >= 0, command + " still runs 15 s after SIGTERM during DEBUG SLEEP; output:\n" + out);
            assertTrue(out.contains("stopped by signal: saved dump.rdb"), out);
            assertEquals(100, keysIn(node.dir()), "keys in the saved dump.rdb");
        }
    }

    /** Loads a directory's dump.rdb into a throwaway in-process server and counts its keys. */
    private static long keysIn(Path dir) throws Exception {
        ServerConfig config = new ServerConfig();
        config.applyArgs(List.of("--port", "0", "--dir", dir.toString(), "--save", ""));
        try (RkvServer server = new RkvServer(config).start()) {
            return server.call(() -> server.context().keyspace().totalKeys());
        }
    }
}
