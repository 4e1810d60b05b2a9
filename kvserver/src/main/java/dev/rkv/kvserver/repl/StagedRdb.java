package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.persist.RdbFormatException;
import dev.rkv.kvserver.persist.RdbLoadResult;
import dev.rkv.kvserver.persist.RdbLoader;
import dev.rkv.kvserver.store.Keyspace;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A full sync received through a file, as Redis does with {@code repl-diskless-load disabled}
 * (and {@code on-empty-db} over a non-empty dataset): the primary's RDB goes to
 * {@code temp-<unixtime>.<pid>.rdb} in {@code dir} first, is loaded from there, and once the
 * dataset is installed becomes the server's {@code dbfilename}, as Redis renames it.
 * Unlike Redis, a file that does not load leaves both the dataset and the old dump in place.
 */
final class StagedRdb {
    private static final int CHUNK = 64 * 1024;

    private final Path file;

    StagedRdb(Path dir) {
        this.file = dir.resolve("temp-" + System.currentTimeMillis() / 1000 + "." + ProcessHandle.current().pid() + ".rdb");
    }

    Path file() {
        return file;
    }

    /** Copies the RDB to the file (synced to disk), then loads it into {@code into}. */
    RdbLoadResult receiveAndLoad(InputStream rdb, Keyspace into) throws IOException, RdbFormatException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            rdb.transferTo(out);
            out.flush();
            ch.force(true);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            return RdbLoader.load(in, into, Long.MIN_VALUE);
        }
    }

    /** The loaded file becomes {@code dbfilename}: the dump now holds what the primary sent. */
    void keepAs(Path dump) throws IOException {
        Files.move(file, dump, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the file if it is still there (a failed or abandoned sync). */
    void discard() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temp-*.rdb wastes space only; the next staged sync has another name.
        }
    }
}
