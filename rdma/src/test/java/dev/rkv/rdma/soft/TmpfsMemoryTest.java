package dev.rkv.rdma.soft;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.MemoryRegion;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Large soft regions are zeroed, reserved tmpfs mappings that leave no file behind. */
class TmpfsMemoryTest {

    @Test
    void largeRegionsAreZeroedMappingsAndLeaveNoFile() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/dev/shm")), "needs /dev/shm");
        try (SoftDevice device = (SoftDevice) new SoftProvider().open(dev.rkv.rdma.DeviceOptions.defaults())) {
            MemoryRegion big = device.allocate(TmpfsMemory.MIN_BYTES, Access.LOCAL_WRITE | Access.REMOTE_READ);
            ByteBuffer b = big.buffer();
            assertEquals(TmpfsMemory.MIN_BYTES, b.capacity());
            for (int at = 0; at < b.capacity(); at += 1 << 20) {
                assertEquals(0, b.get(at), "zero at " + at);
            }
            b.putLong(b.capacity() - 8, 42);
            assertEquals(42, big.buffer().getLong(b.capacity() - 8));
            try (var files = Files.list(Path.of("/dev/shm"))) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("rkv-soft-region-")), "unlinked at once");
            }
        }
    }
}
