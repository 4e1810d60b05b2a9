package dev.rkv.cli.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A data directory that fills up after a few bytes. As root it is a small tmpfs (writes fail
 * with ENOSPC, "No space left on device", as on a full disk); without root, the child runs under
 * {@code prlimit --fsize} (writes past the limit fail with EFBIG, "File too large": the JVM
 * ignores SIGXFSZ).
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final boolean mounted;
    private final long bytes;

    private SmallDisk(Path dir, boolean mounted, long bytes) {
        this.dir = dir;
        this.mounted = mounted;
        this.bytes = bytes;
    }

    public static SmallDisk create(Path dir, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        boolean mounted = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString()));
        return new SmallDisk(dir, mounted, bytes);
    }

    public Path dir() {
        return dir;
    }

    /** What the child must run under: nothing on a tmpfs, a file-size limit otherwise. */
    public List<String> prefix() {
        return mounted ? List.of() : List.of("prlimit", "--fsize=" + bytes, "--");
    }

    /** "tmpfs of N bytes" or "file-size limit of N bytes", for the report. */
    public String kind() {
        return (mounted ? "tmpfs of " : "file-size limit of ") + bytes + " bytes";
    }

    private static boolean run(List<String> cmd) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            run(List.of("umount", "-l", dir.toString()));
        }
    }
}
