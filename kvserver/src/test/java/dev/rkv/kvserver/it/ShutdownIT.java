package dev.rkv.kvserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

/**
 * SIGTERM (what the CLI's signal handler calls: {@code RkvServer#shutdownOnSignal}) while the
 * event loop is held by a long command or a BGSAVE runs: the server stops within seconds and,
 * with save points configured, writes the final RDB first. Before, the handler waited for the
 * loop forever.
 */
class ShutdownIT {
    /** Only catches a hang: the stop takes well under a second when it works. */
    private static final Duration HANG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private RkvTestServer serverWithKeys(int keys) throws Exception {
        return serverWithKeys(keys, "");
    }

    private RkvTestServer serverWithKeys(int keys, String keyPadding) throws Exception {
        RkvTestServer rkv = RkvTestServer.start("--dir", dir.toString(), "--save", "3600 1", "--enable-debug-command", "local");
        try (Jedis j = rkv.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set("key:" + i + keyPadding, "value:" + i);
            }
            p.sync();
        }
        return rkv;
    }

    /** Starts {@code command} on its own client and returns once the loop is busy with it. */
    private static Thread busyWith(RkvTestServer rkv, AtomicReference<Object> reply, String... command) throws Exception {
        CountDownLatch sent = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (Jedis j = new Jedis("127.0.0.1", rkv.port(), 60_000)) {
                j.getConnection().sendCommand(() -> command[0].getBytes(), java.util.Arrays.copyOfRange(command, 1, command.length));
                sent.countDown();
                reply.set(j.getConnection().getOne());
            } catch (Exception e) {
                reply.set(e);
            }
        });
        t.start();
        assertTrue(sent.await(10, TimeUnit.SECONDS));
        Thread.sleep(300); // let the loop take the command
        return t;
    }

    @Test
    void aLongDebugSleepGivesWayToTheFinalSave() throws Exception {
        RkvTestServer rkv = serverWithKeys(1000);
        AtomicReference<Object> reply = new AtomicReference<>();
        Thread client = busyWith(rkv, reply, "DEBUG", "SLEEP", "600");
        boolean saved = assertTimeoutPreemptively(HANG, () -> rkv.server().shutdownOnSignal());
        assertTrue(saved);
        client.join(10_000);
        assertTrue(String.valueOf(reply.get()).contains("shutting down"), String.valueOf(reply.get()));
        assertSavedKeys(1000);
    }

    @Test
    void aLongKeysGivesWayToTheFinalSave() throws Exception {
        RkvTestServer rkv = serverWithKeys(20_000, "a".repeat(2_000));
        AtomicReference<Object> reply = new AtomicReference<>();
        // Every 2 KB key costs the matcher 2,000 x 100 steps: an honest KEYS that takes many seconds.
        Thread client = busyWith(rkv, reply, "KEYS", "*" + "?".repeat(100) + "x");
        boolean saved = assertTimeoutPreemptively(HANG, () -> rkv.server().shutdownOnSignal());
        assertTrue(saved);
        client.join(10_000);
        assertTrue(String.valueOf(reply.get()).contains("shutting down"), String.valueOf(reply.get()));
        assertSavedKeys(20_000);
    }

    @Test
    void aScanWithAHugeCountGivesWayToTheFinalSave() throws Exception {
        RkvTestServer rkv = serverWithKeys(20_000, "a".repeat(2_000));
        AtomicReference<Object> reply = new AtomicReference<>();
        Thread client = busyWith(rkv, reply, "SCAN", "0", "COUNT", "1000000000", "MATCH", "*" + "?".repeat(100) + "x");
        boolean saved = assertTimeoutPreemptively(HANG, () -> rkv.server().shutdownOnSignal());
        assertTrue(saved);
        client.join(10_000);
        assertTrue(String.valueOf(reply.get()).contains("shutting down"), String.valueOf(reply.get()));
        assertSavedKeys(20_000);
    }

    @Test
    void aCommandThatNeverYieldsCannotHoldTheExit() throws Exception {
        RkvTestServer rkv = serverWithKeys(10);
        CountDownLatch release = new CountDownLatch(1);
        rkv.call(() -> {
            rkv.server().context().commands().register(CommandSpec.command("t.spin", 1).handler((c, argv) -> {
                try {
                    release.await(60, TimeUnit.SECONDS); // a bug: ignores the stop request
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                c.out().simple("OK");
            }).build());
            return null;
        });
        AtomicReference<Object> reply = new AtomicReference<>();
        busyWith(rkv, reply, "t.spin");
        try {
            long start = System.nanoTime();
            boolean saved = assertTimeoutPreemptively(HANG, () -> rkv.server().shutdownOnSignal());
            assertFalse(saved, "no final save is possible while the loop is held");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
        } finally {
            release.countDown();
        }
        Thread.sleep(300); // the held command has returned: the abandoned save must not run now
        assertFalse(Files.exists(dir.resolve("dump.rdb")), "a save reported as not done ran later");
    }

    @Test
    void aRunningBgsaveIsCancelledAndTheFinalSaveWritten() throws Exception {
        RkvTestServer rkv = serverWithKeys(100_000);
        try (Jedis j = rkv.jedis()) {
            j.sendCommand(Protocol.Command.BGSAVE);
        }
        boolean saved = assertTimeoutPreemptively(HANG, () -> rkv.server().shutdownOnSignal());
        assertTrue(saved);
        assertSavedKeys(100_000);
    }

    private void assertSavedKeys(int expected) throws Exception {
        Path rdb = dir.resolve("dump.rdb");
        assertTrue(Files.exists(rdb));
        try (RkvTestServer restarted = RkvTestServer.start("--dir", dir.toString(), "--save", "");
             Jedis j = restarted.jedis()) {
            assertEquals(expected, j.dbSize());
        }
    }
}
