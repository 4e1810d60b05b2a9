package dev.rkv.replica;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the file an {@link AdoptedTable} stores pulled ranges in, and reserves its blocks. The
 * agent always uses {@link #PLAIN}; the seam exists so that tests can make the file run out of
 * space on cue, as a tmpfs does when another process fills it during a pull, without mounting
 * one, and can take away the reservation (a system without fallocate) to test the staged copy.
 */
@FunctionalInterface
interface TableCopyFileOpener {
    TableCopyFileOpener PLAIN = file -> FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);

    /** A channel that reads, writes and maps {@code file}, which exists and is empty. */
    FileChannel open(Path file) throws IOException;

    /** Reserves the blocks of {@code length} bytes of {@code file} (open, still linked) from {@code offset}. */
    default BlockReservation.Result reserve(Path file, long offset, long length) throws InterruptedException {
        return BlockReservation.reserve(file, offset, length);
    }
}
