package dev.rkv.rdma.shm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps region directories from outliving their process. A device's own directory goes when
 * it is closed, or at JVM exit (normal exit, System.exit, SIGTERM/SIGINT/SIGHUP) through one
 * shutdown hook for all devices still open. What a killed process (SIGKILL, crash) left is
 * swept when the next device opens, but only when provably stale: its owner recorded the same
 * PID namespace as ours and that pid is not running here. Anything else is left alone.
 */
final class ShmDirectoryJanitor {
    private static final System.Logger LOG = System.getLogger(ShmDirectoryJanitor.class.getName());
    private static final Set<ShmDevice> OPEN = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(ShmDirectoryJanitor::releaseAllAtExit,
                    "rkv-shm-exit-cleanup"));
        } catch (IllegalStateException e) {
            // Loaded while the JVM is already exiting: devices still delete their files on close.
            LOG.log(System.Logger.Level.DEBUG, "shm: no exit hook, the JVM is shutting down");
        }
    }

    private ShmDirectoryJanitor() {
    }

    /** Releases {@code device}'s regions and directory at JVM exit unless it is closed before. */
    static void releaseAtExit(ShmDevice device) {
        OPEN.add(device);
    }

    /** The device was closed: nothing left to do for it at exit. */
    static void forget(ShmDevice device) {
        OPEN.remove(device);
    }

    private static void releaseAllAtExit() {
        for (ShmDevice d : OPEN) {
            try {
                d.releaseAtExit();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "shm: releasing " + d.directory() + " at exit: " + e);
                delete(d.directory());
            }
        }
    }

    /** Removes directories under {@code root} whose owner is provably gone. */
    static void sweepStale(Path root) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ShmDirectoryName.PREFIX + "*")) {
            for (Path p : ds) {
                Optional<ShmDirectoryName> owner = ShmDirectoryName.parse(p.getFileName().toString());
                if (owner.isEmpty() || !owner.get().inOwnPidNamespace()) {
                    // Older format, unknown namespace or another namespace: its owner may be alive.
                    continue;
                }
                long pid = owner.get().pid();
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                    delete(p);
                    LOG.log(System.Logger.Level.INFO, "shm: removed " + p + ", left by process " + pid
                            + " which is no longer running");
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "shm: cannot sweep stale directories in " + root + ": " + e);
        }
    }

    /** Deletes a region directory and the region files in it (it holds nothing else). */
    static void delete(Path dir) {
        // A region file created while we list is caught by the second pass.
        for (int pass = 0; pass < 2 && Files.exists(dir); pass++) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path f : ds) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                if (pass == 1) {
                    LOG.log(System.Logger.Level.WARNING, "shm: cannot delete " + dir + ": " + e);
                }
            }
        }
    }
}
