package dev.rkv.rdma.shm;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;

import java.nio.file.Path;

/**
 * A process that owns shm regions until it is signalled: opens a device under the directory
 * given as the argument, allocates a remotely readable region, prints {@code READY <its
 * directory>} and waits forever (the lifecycle tests SIGTERM or SIGKILL it).
 */
public final class ShmRegionMain {
    private ShmRegionMain() {
    }

    public static void main(String[] args) throws Exception {
        RdmaDevice device = new ShmProvider().open(DeviceOptions.defaults().withShmDirectory(Path.of(args[0])));
        device.allocate(1 << 20, Access.LOCAL_WRITE | Access.REMOTE_READ);
        System.out.println("READY " + ((ShmDevice) device).directory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
