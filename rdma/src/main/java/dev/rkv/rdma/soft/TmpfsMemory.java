package dev.rkv.rdma.soft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Large zeroed memory taken without a page fault per page: a file in a tmpfs
 * ({@link dev.rkv.rdma.DeviceOptions#shmDirectory()}, {@code /dev/shm} by default),
 * unlinked as soon as it is open, filled with zeros by {@code write} and then mapped.
 *
 * <p>{@link ByteBuffer#allocateDirect} zeroes its memory by touching every page, one fault per
 * 4 KiB: about 10 us each on the virtual machines this project measures on, so seconds for a
 * table, on the event loop at a primary's first write and at every growth. Writing the file
 * lets the kernel allocate the pages without faulting. The write also reserves them: a sparse
 * mapping would fail with SIGBUS on a later store once {@code /dev/shm} filled up, where a
 * write fails here with an error and the caller falls back to a direct buffer. The collector
 * unmaps the memory once nothing refers to it, as it frees a direct buffer.
 */
final class TmpfsMemory {
    /** Below this, allocateDirect's zeroing is too cheap to matter. */
    static final long MIN_BYTES = 64L << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private TmpfsMemory() {
    }

    /** {@code length} zero bytes in a file of {@code tmpfs}, or null when it does not exist or has no room for them (use allocateDirect). */
    static ByteBuffer mapOrNull(Path tmpfs, long length) {
        try {
            if (!Files.isDirectory(tmpfs) || Files.getFileStore(tmpfs).getUsableSpace() < length) {
                return null;
            }
            Path f = Files.createTempFile(tmpfs, "rkv-soft-region-", "");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                Files.delete(f);
                for (long at = 0; at < length; ) {
                    ByteBuffer z = ZEROS.duplicate();
                    z.limit((int) Math.min(z.capacity(), length - at));
                    at += ch.write(z, at);
                }
                return ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No room after all (another process filled /dev/shm meanwhile): the file is gone with the channel.
            return null;
        }
    }
}
