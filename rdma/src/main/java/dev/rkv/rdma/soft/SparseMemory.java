package dev.rkv.rdma.soft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Large zeroed memory that costs nothing until it is written: a mapping of a file in
 * {@code /dev/shm}, unlinked as soon as it is open.
 *
 * <p>{@link ByteBuffer#allocateDirect} zeroes every byte before it returns, so a 1.4 GB table
 * costs its full size in RSS at once and, where first touch is dear (about 10 us per 4 KiB
 * page on the virtual machines this project measures on), seconds before the first write:
 * at an agent's start, and again on the event loop each time the table grows. A tmpfs
 * mapping reads as zeros and takes pages only where written. The collector unmaps it once
 * nothing refers to it, as it frees a direct buffer.
 */
final class SparseMemory {
    /** Below this, allocateDirect's zeroing is too cheap to matter. */
    static final long MIN_BYTES = 64L << 20;
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private SparseMemory() {
    }

    /** {@code length} zero bytes, or null when there is no /dev/shm with room for them (use allocateDirect). */
    static ByteBuffer mapOrNull(long length) {
        try {
            if (!Files.isDirectory(SHARED_MEMORY) || Files.getFileStore(SHARED_MEMORY).getUsableSpace() < length) {
                return null;
            }
            Path f = Files.createTempFile(SHARED_MEMORY, "rkv-soft-region-", "");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                Files.delete(f);
                return ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
