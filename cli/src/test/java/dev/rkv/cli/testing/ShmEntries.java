package dev.rkv.cli.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shm provider's region directories in /dev/shm ({@code rkv-shm-<pid>-<secret>}) that belong to one process. */
public final class ShmEntries {
    private static final Path ROOT = Path.of("/dev/shm");

    private ShmEntries() {
    }

    public static List<Path> of(long pid) throws IOException {
        if (!Files.isDirectory(ROOT)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(p -> p.getFileName().toString().startsWith("rkv-shm-" + pid + "-")).toList();
        }
    }
}
