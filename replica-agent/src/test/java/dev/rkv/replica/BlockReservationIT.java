package dev.rkv.replica;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fallocate on a real tmpfs of 8 MiB: a range that fits is reserved, and its pages can be
 * written through a mapping after the tmpfs is full (no SIGBUS: the JVM would die, not fail
 * the test); a range larger than the tmpfs is refused as "no room" and takes nothing.
 */
class BlockReservationIT {
    @Test
    void aReservedRangeIsWritableThroughAMappingAfterTheTmpfsFills(@TempDir Path dir) throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("tmpfs"));
        try (TinyTmpfs tmpfs = TinyTmpfs.mountOrSkip(mountPoint, 8)) {
            Path f = Files.createFile(tmpfs.directory().resolve("copy"));
            int length = 4 << 20;
            BlockReservation.Result r = BlockReservation.reserve(f, 4096, length);
            assertEquals(BlockReservation.Outcome.RESERVED, r.outcome(), r.detail());
            tmpfs.fill();
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 4096, length);
                for (int at = 0; at < length; at += 4096) {
                    m.putLong(at, at);
                }
                for (int at = 0; at < length; at += 4096) {
                    assertEquals(at, m.getLong(at));
                }
            }
        }
    }

    @Test
    void aRangeLargerThanTheTmpfsIsNoRoomAndTakesNothing(@TempDir Path dir) throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("tmpfs"));
        try (TinyTmpfs tmpfs = TinyTmpfs.mountOrSkip(mountPoint, 8)) {
            Path f = Files.createFile(tmpfs.directory().resolve("copy"));
            long free = Files.getFileStore(tmpfs.directory()).getUsableSpace();
            BlockReservation.Result r = BlockReservation.reserve(f, 0, 16 << 20);
            assertEquals(BlockReservation.Outcome.NO_ROOM, r.outcome(), r.detail());
            assertTrue(r.detail().contains("No space left on device"), r.detail());
            assertEquals(free, Files.getFileStore(tmpfs.directory()).getUsableSpace(), "a failed reservation gives its blocks back");
        }
    }

    @Test
    void aBadRangeIsRefusedBeforeAnythingRuns(@TempDir Path dir) {
        Path f = dir.resolve("copy");
        assertThrows(IllegalArgumentException.class, () -> BlockReservation.reserve(f, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> BlockReservation.reserve(f, 0, 0));
    }
}
