package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.Keyspace;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * RDB files on disk. A save never damages the previous file: it writes {@code temp-<pid>.rdb}
 * in the same directory, fsyncs it, renames it over the target and fsyncs the directory, so
 * that after a crash at any point the target is either the old file or the complete new one.
 */
public final class RdbFiles {
    private RdbFiles() {
    }

    /** Writes the body of an RDB to a stream. */
    @FunctionalInterface
    public interface Body {
        long writeTo(OutputStream out) throws IOException;
    }

    /** The temp file a save in this process writes before renaming it (Redis's temp-%d.rdb). */
    public static Path tempFile(Path dir) {
        return dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb");
    }

    /**
     * Writes {@code body} to the temp file and, only once it is complete and on disk, renames it
     * to {@code dir/filename}. On failure the temp file is removed and the target is untouched.
     *
     * @return bytes written
     */
    public static long writeAtomically(Path dir, String filename, Body body) throws IOException {
        Path tmp = tempFile(dir);
        Path target = dir.resolve(filename);
        try {
            long n;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(ch);
                n = body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(dir);
            return n;
        } catch (IOException | RuntimeException e) {
            removeTemp(tmp, e);
            throw e;
        }
    }

    private static void removeTemp(Path tmp, Exception cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Makes a rename in {@code dir} durable (Linux allows fsync on a directory opened read-only). */
    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Loads {@code file} into {@code target}.
     *
     * @return null when the file does not exist
     */
    public static RdbLoadResult load(Path file, Keyspace target, long nowMs) throws IOException, RdbFormatException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try (InputStream in = new BufferedInputStream(raw, 256 * 1024)) {
            return RdbLoader.load(in, target, nowMs);
        }
    }
}
