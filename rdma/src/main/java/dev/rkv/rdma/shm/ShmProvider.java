package dev.rkv.rdma.shm;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.ProviderUnavailableException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaProvider;
import dev.rkv.rdma.soft.ListenerLimits;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code shm}: same-host transport. Regions live in shared-memory files; READ and WRITE are
 * executed by the requester copying to or from the peer's mapped region, so the responder
 * spends no CPU on them. SENDs and immediates travel over a loopback TCP doorbell, whose
 * listener takes the {@link ListenerLimits} ({@code listener.*}) from
 * {@link DeviceOptions#properties()}.
 */
public final class ShmProvider implements RdmaProvider {
    public static final String NAME = "shm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return check(DeviceOptions.defaults().shmDirectory());
    }

    static Availability check(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Availability.no(dir + " does not exist; shm needs a tmpfs directory (Linux /dev/shm), "
                    + "or DeviceOptions.shmDirectory pointing at one");
        }
        if (!Files.isWritable(dir)) {
            return Availability.no(dir + " is not writable by this user");
        }
        return Availability.yes("same-host regions in " + dir + "; requester-executed READ/WRITE");
    }

    @Override
    public RdmaDevice open(DeviceOptions options) {
        Availability a = check(options.shmDirectory());
        if (!a.available()) {
            throw new ProviderUnavailableException("shm: " + a.detail());
        }
        return new ShmDevice(options.shmDirectory(), ListenerLimits.from(options.properties()));
    }
}
