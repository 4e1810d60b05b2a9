package dev.rkv.rdma.shm;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * shm region directories do not outlive their process: gone after SIGTERM, swept at the next
 * open after SIGKILL, and never swept while their owner may be alive (this process, or a
 * process of another PID namespace this one cannot see). Each test uses its own root, not
 * /dev/shm, so devices of other tests and processes are never touched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShmDirectoryLifecycleTest {
    @TempDir
    Path root;

    @Test
    void sigtermRemovesTheRegionDirectory() throws Exception {
        Process child = startOwner();
        try {
            Path dir = awaitReady(child);
            assertTrue(Files.isDirectory(dir), dir + " missing while its owner runs");
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the owner ignored SIGTERM");
            assertEquals(List.of(), shmEntries(), "SIGTERM left region files behind");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sigkillLeavesFilesThatTheNextOpenSweeps() throws Exception {
        Process child = startOwner();
        Path dir;
        try {
            dir = awaitReady(child);
        } finally {
            child.destroyForcibly(); // SIGKILL: no hook runs
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.isDirectory(dir), "a killed process cannot clean up; expected " + dir + " to remain");
        try (RdmaDevice d = open()) {
            assertEquals(List.of(((ShmDevice) d).directory().getFileName().toString()), shmEntries(),
                    "the dead owner's directory must be swept, leaving only the new device's");
        }
    }

    @Test
    void directoriesThatMayStillBeOwnedAreKept() throws Exception {
        long deadPid = deadPid();
        long ownNamespace = ownPidNamespace();
        List<String> kept = List.of(
                // this very process: alive
                "rkv-shm-" + ProcessHandle.current().pid() + "-ns" + ownNamespace + "-0123456789abcdef01234567",
                // a pid that is dead here, but in another PID namespace, where it may be alive
                "rkv-shm-" + deadPid + "-ns" + (ownNamespace + 1) + "-0123456789abcdef01234567",
                // no namespace recorded (an older rkv): its owner cannot be proven dead
                "rkv-shm-" + deadPid + "-0123456789abcdef01234567");
        for (String name : kept) {
            Path d = Files.createDirectory(root.resolve(name));
            Files.createFile(d.resolve("mr-00000001"));
        }
        try (RdmaDevice d = open()) {
            List<String> left = shmEntries();
            for (String name : kept) {
                assertTrue(left.contains(name), name + " was swept although its owner may be alive: " + left);
            }
        }
    }

    private RdmaDevice open() {
        return new ShmProvider().open(DeviceOptions.defaults().withShmDirectory(root));
    }

    private Process startOwner() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ShmRegionMain.class.getName(),
                root.toString()).redirectErrorStream(true).start();
    }

    private static Path awaitReady(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertNotNull(line, "the owner process printed nothing");
        assertTrue(line.startsWith("READY "), line);
        return Path.of(line.substring("READY ".length()));
    }

    private List<String> shmEntries() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rkv-shm-")).sorted().toList();
        }
    }

    /** The pid of a process that has exited (and, right after, is very unlikely to be reused). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.pid();
    }

    /** The inode of this process's PID namespace, from the /proc/self/ns/pid link "pid:[N]". */
    private static long ownPidNamespace() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }
}
