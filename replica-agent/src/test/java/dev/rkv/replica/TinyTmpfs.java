package dev.rkv.replica;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few megabytes mounted for one test, so that "the tmpfs filled up" is the
 * kernel's own ENOSPC. Mounting needs root and CAP_SYS_ADMIN: where it is refused (a CI
 * container, a developer's machine) the test is skipped, never failed.
 */
final class TinyTmpfs implements AutoCloseable {
    private final Path directory;

    private TinyTmpfs(Path directory) {
        this.directory = directory;
    }

    /** Mounts a tmpfs of {@code megabytes} on {@code directory} (an empty directory), or skips the test. */
    static TinyTmpfs mountOrSkip(Path directory, int megabytes) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "tmpfs is Linux's");
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", directory.toString());
        Assumptions.assumeTrue(out == null, () -> "cannot mount a tmpfs here: " + out);
        return new TinyTmpfs(directory);
    }

    Path directory() {
        return directory;
    }

    /** Writes a file in the tmpfs until the kernel refuses with ENOSPC, as another process filling it would. */
    void fill() throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        try (FileChannel f = FileChannel.open(directory.resolve("filler"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    f.write(chunk);
                }
            }
        } catch (IOException e) {
            if (Files.getFileStore(directory).getUsableSpace() > 0) {
                throw e;
            }
        }
    }

    /** Unmounts lazily: a table copy still mapped (values the collector has not freed yet) would keep the mount busy. */
    @Override
    public void close() throws IOException, InterruptedException {
        String out = run("umount", "-l", directory.toString());
        if (out != null) {
            throw new IOException("umount " + directory + ": " + out);
        }
    }

    /** Runs a command; null if it succeeded, else its exit code and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
