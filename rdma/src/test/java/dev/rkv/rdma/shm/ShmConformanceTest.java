package dev.rkv.rdma.shm;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaConformanceTest;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RegistrationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance suite over shm, plus what only shm has: region files and their clean-up. */
class ShmConformanceTest extends RdmaConformanceTest {
    @Override
    protected RdmaDevice openDevice() {
        return new ShmProvider().open(DeviceOptions.defaults());
    }

    @Override
    protected String providerName() {
        return ShmProvider.NAME;
    }

    /** 1 GiB when /dev/shm has room for it (containers often give 64 MiB), else 64 MiB. */
    @Override
    protected long bigRegionBytes() {
        try {
            long free = Files.getFileStore(DeviceOptions.defaults().shmDirectory()).getUsableSpace();
            return free > (2L << 30) ? 1L << 30 : 64L << 20;
        } catch (java.io.IOException e) {
            return 64L << 20;
        }
    }

    @Test
    void regionFilesDisappearOnDeregisterAndDeviceClose() {
        ShmDevice d = (ShmDevice) server;
        MemoryRegion r = d.allocate(4096, Access.LOCAL_WRITE | Access.REMOTE_READ);
        Path file = d.directory().resolve(ShmRegionDescriptor.fileName(r.rkey()));
        assertTrue(Files.exists(file));
        r.deregister();
        assertFalse(Files.exists(file));
        d.close();
        assertFalse(Files.exists(d.directory()));
    }

    @Test
    void plainDirectBuffersAreLocalOnly() {
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        assertEquals(4096, server.register(b, Access.LOCAL_WRITE).length());
        assertThrows(RegistrationException.class, () -> server.register(b, Access.REMOTE_READ));
    }
}
